package e2e

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// Issue 18: a planner reads the analysis page (topics, time, places,
// duplicates), a topic's page and the page filtered to one origin, in
// German and English; every one passes axe-core.
func TestAnalysisPagesInTheBrowser(t *testing.T) {
	s := start(t, "")
	cmd := execBinary("user", "add", "--db", s.DB, "--email", "planer@example.org", "--role", "planner", "--password-stdin")
	cmd.Stdin = strings.NewReader("ein sehr langes Passwort\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	ctx := browser(t)
	check := func(page string) {
		t.Helper()
		if v := axe(t, ctx); len(v) > 0 {
			t.Errorf("%s: %d axe violations:\n  %s", page, len(v), strings.Join(v, "\n  "))
		}
		if dir := os.Getenv("MITREDEN_SHOTS"); dir != "" { // screenshots for a look by eye
			var png []byte
			run(t, ctx, chromedp.FullScreenshot(&png, 100))
			_ = os.WriteFile(filepath.Join(dir, strings.ReplaceAll(page, " ", "-")+".png"), png, 0o644)
		}
	}
	base := s.URL + "/admin/p/gruenzug-altona"
	run(t, ctx, chromedp.Navigate(base+"/analysis"), chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", "planer@example.org", chromedp.ByID),
		chromedp.SendKeys("#password", "ein sehr langes Passwort", chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID),
		chromedp.WaitVisible("#topic-table", chromedp.ByID))
	check("analysis")
	var href string
	var ok bool
	run(t, ctx, chromedp.AttributeValue("#topic-table tbody a", "href", &href, &ok, chromedp.ByQuery))
	if !ok || !strings.Contains(href, "/topics/") {
		t.Fatalf("no topic link: %q", href)
	}
	run(t, ctx, chromedp.Navigate(s.URL+href), chromedp.WaitVisible("#topic-members", chromedp.ByID))
	check("topic")
	run(t, ctx, chromedp.Navigate(base+"/analysis?heat_origin=online#places"), chromedp.WaitVisible("#places-filter", chromedp.ByID))
	check("analysis filtered")
	run(t, ctx, chromedp.Navigate(base+"/analysis?lang=en"), chromedp.WaitVisible("#time-h", chromedp.ByID))
	check("analysis english")
}
