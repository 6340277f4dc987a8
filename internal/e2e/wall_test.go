package e2e

import (
	"context"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A contribution a moderator hides leaves the wall within a second, whether
// the wall rendered it on load or received it live (issue 19: the wall
// listened to contribution.created only).
func TestWallDropsAHiddenCard(t *testing.T) {
	s := start(t, "")
	_, before := post(t, s, "Stand schon an der Wand")
	wall := browser(t)
	card := func(id string) string { return `#wall-list li[data-id="` + id + `"]` }
	streamOpen := watchStream(wall)
	run(t, wall, chromedp.Navigate(s.URL+"/wall/gruenzug-altona"), chromedp.WaitVisible(card(before), chromedp.ByQuery),
		streamOpen)
	_, live := post(t, s, "Kam live an die Wand")
	run(t, wall, chromedp.WaitVisible(card(live), chromedp.ByQuery))
	for _, id := range []string{before, live} {
		hide(t, s, id)
		ctx, cancel := context.WithTimeout(wall, time.Second)
		err := chromedp.Run(ctx, chromedp.WaitNotPresent(card(id), chromedp.ByQuery))
		cancel()
		if err != nil {
			t.Fatalf("card %s still on the wall a second after hiding: %v", id, err)
		}
	}
}

// The procedure page's list drops a hidden contribution's card within a
// second (contribution.removed), whether rendered on load or live.
func TestProcedureListDropsAHiddenCard(t *testing.T) {
	s := start(t, "")
	_, before := post(t, s, "Stand schon in der Liste")
	ctx := browser(t)
	card := func(id string) string { return `#cards li.card a[href$="/contributions/` + id + `"]` }
	streamOpen := watchStream(ctx)
	run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona"), chromedp.WaitVisible(card(before), chromedp.ByQuery),
		chromedp.WaitVisible("#map .leaflet-marker-icon, #map .marker-cluster", chromedp.ByQuery),
		streamOpen)
	_, live := post(t, s, "Kam live in die Liste")
	run(t, ctx, chromedp.WaitVisible(card(live), chromedp.ByQuery))
	for _, id := range []string{before, live} {
		hide(t, s, id)
		wait, cancel := context.WithTimeout(ctx, time.Second)
		err := chromedp.Run(wait, chromedp.WaitNotPresent(card(id), chromedp.ByQuery))
		cancel()
		if err != nil {
			t.Fatalf("card %s still listed a second after hiding: %v", id, err)
		}
	}
}
