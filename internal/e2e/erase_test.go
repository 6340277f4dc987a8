package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An author erases their contribution from the manage page: a button, a
// confirmation with a tick box, then the erased notice; each page passes
// axe-core, and the contribution's address no longer shows its text.
func TestAuthorErasesInTheBrowser(t *testing.T) {
	s := start(t, "")
	token, id := post(t, s, "Bitte wieder löschen")
	ctx := browser(t)
	check := func(page string) {
		t.Helper()
		if v := axe(t, ctx); len(v) > 0 {
			t.Errorf("%s: %d axe violations:\n  %s", page, len(v), strings.Join(v, "\n  "))
		}
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/manage/"+token), chromedp.WaitVisible("#erase", chromedp.ByID))
	run(t, ctx, chromedp.Click("#erase", chromedp.ByID), chromedp.WaitVisible("#erase-confirm", chromedp.ByID))
	check("erase confirmation")
	var text string
	run(t, ctx, chromedp.Click("#erase-confirm-box", chromedp.ByID), chromedp.Click("#erase-confirm", chromedp.ByID),
		chromedp.WaitVisible("#erased-title", chromedp.ByID), chromedp.Text("#erased-text", &text, chromedp.ByID))
	check("erased")
	if !strings.Contains(text, "gelöscht") {
		t.Fatalf("erased page says %q", text)
	}
	if code, body := s.get(t, "/p/gruenzug-altona/contributions/"+id); code != 410 || strings.Contains(body, "Bitte wieder löschen") {
		t.Fatalf("contribution page after erasure: %d", code)
	}
}
