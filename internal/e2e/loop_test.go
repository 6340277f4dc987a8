package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// setPlanningStatus sets a contribution's planning status through the
// moderation API.
func setPlanningStatus(t *testing.T, s *server, id, key string) {
	t.Helper()
	patchAsModerator(t, s, id, `{"planning_status":"`+key+`"}`)
}

// The planning status reaches the resident's manage page, the card, the
// map pop-up and the detail page; those pages and their feed links pass axe.
func TestPlanningStatusAndFeedLinksInTheBrowser(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	token, id := post(t, s, "Loop-Bank am Spielplatz")
	setPlanningStatus(t, s, id, "considered")

	var badge, feed string
	run(t, ctx, chromedp.Navigate(s.URL+"/manage/"+token), chromedp.WaitVisible("#manage-state", chromedp.ByQuery),
		chromedp.Text("#manage-planning .badge-planning", &badge, chromedp.ByQuery))
	if !strings.Contains(badge, "Wird berücksichtigt") {
		t.Fatalf("manage page badge: %q", badge)
	}
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("manage page: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}

	var popup string
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona?planning_status=considered"),
		chromedp.WaitVisible(`#cards .badge-planning`, chromedp.ByQuery),
		chromedp.AttributeValue("#procedure-feed", "href", &feed, nil, chromedp.ByQuery),
		chromedp.WaitVisible(`#map .leaflet-marker-icon[title*="Loop-Bank"]`, chromedp.ByQuery),
	)
	// (axe before the pop-up opens: it fades in, and half-transparent text
	// fails the contrast rule while it does)
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("procedure page: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}
	run(t, ctx,
		chromedp.Click(`#map .leaflet-marker-icon[title*="Loop-Bank"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#map .leaflet-popup-content .badge-planning", chromedp.ByQuery),
		chromedp.Text("#map .leaflet-popup-content .badge-planning", &popup, chromedp.ByQuery),
	)
	if feed != "/p/gruenzug-altona/feed.atom" || !strings.Contains(popup, "Wird berücksichtigt") {
		t.Fatalf("procedure page: feed link %q, pop-up badge %q", feed, popup)
	}

	run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona/contributions/"+id),
		chromedp.WaitVisible("#planning-status .badge-planning", chromedp.ByQuery),
		chromedp.AttributeValue("#contribution-feed", "href", &feed, nil, chromedp.ByQuery))
	if feed != "/p/gruenzug-altona/contributions/"+id+"/feed.atom" {
		t.Fatalf("detail feed link %q", feed)
	}
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("detail page: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}
	if code, body := s.get(t, feed); code != 200 || !strings.Contains(body, "Wird berücksichtigt") {
		t.Fatalf("feed: %d", code)
	}
}
