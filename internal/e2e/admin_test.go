package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A planner signs in, sees the procedures with their exports, publishes a
// hidden contribution again from the moderation page; every back-office
// page passes axe-core.
func TestBackOfficeInTheBrowser(t *testing.T) {
	// Every procedure counts as large for the analysis: its page first says
	// the analysis is being computed, and that page passes axe-core too.
	s := start(t, "", "MITREDEN_ANALYSIS_BACKGROUND=1")
	hidden := hideViaAPI(t, s, "Zu Unrecht ausgeblendet")
	cmd := execBinary("user", "add", "--db", s.DB, "--email", "admin@example.org", "--role", "admin", "--password-stdin")
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
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona"), chromedp.WaitVisible("#email", chromedp.ByID))
	check("login")
	var notice, body string
	run(t, ctx,
		signIn("admin@example.org", "ein sehr langes Passwort"),
		chromedp.WaitVisible("#hidden-h", chromedp.ByID), // back where the login began
		chromedp.Text("main", &body, chromedp.ByQuery),
	)
	if !strings.Contains(body, "Zu Unrecht ausgeblendet") {
		t.Fatalf("moderation page: %q", body)
	}
	check("moderation")
	run(t, ctx,
		chromedp.Click(`form[action$="/`+hidden+`"] button[value="publish"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#admin-notice", chromedp.ByID),
		chromedp.Text("#admin-notice", &notice, chromedp.ByID),
	)
	if !strings.Contains(notice, "veröffentlicht") {
		t.Fatalf("notice %q", notice)
	}
	if code, _ := s.get(t, "/api/v1/contributions/"+hidden); code != 200 {
		t.Fatalf("published again, but the API answers %d", code)
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/contributions/"+hidden), chromedp.WaitVisible("#respond", chromedp.ByID))
	check("contribution")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/search?q=Unrecht"), chromedp.WaitVisible("#admin-q", chromedp.ByID))
	check("search")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/settings"), chromedp.WaitVisible("#save-settings", chromedp.ByID))
	check("settings")
	run(t, ctx, chromedp.Click("#moderation-pre", chromedp.ByID), chromedp.Click("#save-settings", chromedp.ByID),
		chromedp.WaitVisible("#admin-notice", chromedp.ByID))
	check("settings saved")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/pages"), chromedp.WaitVisible(".admin-table", chromedp.ByQuery))
	check("pages")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/pages/faq?locale=de"), chromedp.WaitVisible("#save-page", chromedp.ByID))
	check("page editor")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/analysis"), chromedp.WaitVisible("#analysis-computing", chromedp.ByID))
	check("analysis being computed")
	// Reload (once per loaded page) until the analysis is there.
	run(t, ctx, waitJS("the analysis after reloading", `(() => {
		if (document.getElementById("hot-h")) return true;
		const a = document.getElementById("analysis-reload");
		if (a && document.readyState === "complete" && !window.reloadAsked) {
			window.reloadAsked = true;
			a.click();
		}
		return false;
	})()`, 30*time.Second))
	check("analysis")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/report"), chromedp.WaitVisible("#r-list", chromedp.ByID))
	check("report")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/tables"), chromedp.WaitVisible("#table-links", chromedp.ByID))
	check("table links")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/tables?tables=100"), chromedp.WaitVisible("#tables-error", chromedp.ByID))
	check("table links, invalid number")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/account"), chromedp.WaitVisible("#change-password", chromedp.ByID))
	check("account")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin"), chromedp.WaitVisible(".admin-table", chromedp.ByQuery))
	check("home")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/users"), chromedp.WaitVisible("#create-user", chromedp.ByID),
		chromedp.SendKeys("#new-email", "neue@example.org", chromedp.ByID), chromedp.Click("#create-user", chromedp.ByID),
		chromedp.WaitVisible("#new-password", chromedp.ByID))
	check("users")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/audit"), chromedp.WaitVisible(".admin-table", chromedp.ByQuery), chromedp.Text("main", &body, chromedp.ByQuery))
	if !strings.Contains(body, "contribution.moderate") || !strings.Contains(body, "admin@example.org") {
		t.Fatalf("audit page: %q", body)
	}
	check("audit")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/feedback"), chromedp.WaitVisible("h1", chromedp.ByQuery))
	check("accessibility feedback")
	run(t, ctx, chromedp.Click("#logout", chromedp.ByID), chromedp.WaitVisible("#email", chromedp.ByID))
}
