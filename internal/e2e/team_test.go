package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// An admin copies a procedure as a draft template, opens its preview,
// publishes it after confirming, and assigns a moderator to procedures;
// every new back-office page and the draft's preview pass axe-core.
func TestLifecycleAndTeamPagesInTheBrowser(t *testing.T) {
	s := start(t, "")
	for _, args := range [][]string{
		{"--email", "admin@example.org", "--role", "admin"},
		{"--email", "mod@example.org", "--role", "moderator", "--procedure", "gruenzug-altona"},
	} {
		cmd := execBinary(append([]string{"user", "add", "--db", s.DB, "--password-stdin"}, args...)...)
		cmd.Stdin = strings.NewReader("ein sehr langes Passwort\n")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("user add: %v %s", err, out)
		}
	}
	ctx := browser(t)
	check := func(page string) {
		t.Helper()
		if v := axe(t, ctx); len(v) > 0 {
			t.Errorf("%s: %d axe violations:\n  %s", page, len(v), strings.Join(v, "\n  "))
		}
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/lifecycle"), chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", "admin@example.org", chromedp.ByID),
		chromedp.SendKeys("#password", "ein sehr langes Passwort", chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID),
		chromedp.WaitVisible("#change-status", chromedp.ByID))
	check("lifecycle")
	run(t, ctx, chromedp.SendKeys("#new-slug", "gruenzug-kopie", chromedp.ByID), chromedp.Click("#duplicate", chromedp.ByID),
		chromedp.WaitVisible("#preview-link", chromedp.ByID))
	check("lifecycle of a draft copy")
	var preview string
	run(t, ctx, chromedp.Value("#preview-link", &preview, chromedp.ByID))
	if code, _ := s.get(t, "/p/gruenzug-kopie"); code != 404 {
		t.Fatalf("the draft is public: %d", code)
	}
	// publishing without confirming shows the error beside the form
	run(t, ctx, chromedp.SetValue("#status", "published", chromedp.ByID), chromedp.Click("#change-status", chromedp.ByID),
		chromedp.WaitVisible("#error-summary", chromedp.ByID))
	check("lifecycle, unconfirmed")
	run(t, ctx, chromedp.Navigate(preview), chromedp.WaitVisible("#lifecycle-notice", chromedp.ByID))
	check("preview of a draft")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-kopie/lifecycle"), chromedp.WaitVisible("#change-status", chromedp.ByID),
		chromedp.SetValue("#status", "published", chromedp.ByID), chromedp.Click("#confirm", chromedp.ByID),
		chromedp.Click("#change-status", chromedp.ByID), chromedp.WaitVisible("#admin-notice", chromedp.ByID))
	if code, _ := s.get(t, "/p/gruenzug-kopie"); code != 200 {
		t.Fatalf("published, but the page answers %d", code)
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/users"), chromedp.WaitVisible("#create-user", chromedp.ByID),
		chromedp.Click("details.team-scope summary", chromedp.ByQuery))
	check("users with procedures")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin"), chromedp.WaitVisible(".admin-table", chromedp.ByQuery))
	check("home with status and views")
}
