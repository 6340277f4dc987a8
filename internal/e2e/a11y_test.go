package e2e

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// axe runs axe-core (from npm, injected through DevTools so the page's CSP
// is untouched) against the loaded page and returns its violations.
func axe(t testing.TB, ctx contextLike) []string {
	t.Helper()
	src, err := os.ReadFile(filepath.Join(rootDir, "node_modules", "axe-core", "axe.min.js"))
	if err != nil {
		t.Fatalf("axe-core missing (run make assets / npm ci): %v", err)
	}
	var raw string
	err = chromedp.Run(ctx,
		chromedp.Evaluate(string(src), nil),
		chromedp.Evaluate(`axe.run(document, {runOnly: {type: "tag", values: ["wcag2a","wcag2aa","wcag21a","wcag21aa"]}}).then(r => JSON.stringify({
			version: r.testEngine && r.testEngine.version,
			passes: r.passes.length,
			violations: r.violations.map(v => v.id + ": " + v.help + " @ " + v.nodes.map(n => n.target.join(" ")).slice(0,3).join(" | "))}))`,
			&raw, func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }),
	)
	if err != nil {
		t.Fatalf("axe: %v", err)
	}
	// An answer that cannot be read, or one from a run that checked
	// nothing, must not pass for "no violations".
	var res struct {
		Version    string    `json:"version"`
		Passes     int       `json:"passes"`
		Violations *[]string `json:"violations"`
	}
	if err := json.Unmarshal([]byte(raw), &res); err != nil {
		t.Fatalf("axe answered something unreadable: %v: %.200q", err, raw)
	}
	if res.Version == "" || res.Passes == 0 || res.Violations == nil {
		t.Fatalf("axe did not run: version %q, %d rules passed, violations %v", res.Version, res.Passes, res.Violations)
	}
	return *res.Violations
}

// Every public page, in a phone's and a desktop's layout (issue 20: the
// map-first page and the form differ most between them).
func TestEveryPublicPageHasNoAxeViolations(t *testing.T) {
	s := start(t, "")
	id := firstContribution(t, s)
	token := submitViaAPI(t, s, "Barrierefreiheit prüfen")
	hidden := hideViaAPI(t, s, "Wird ausgeblendet")
	pages := []string{"/p/gruenzug-altona/contributions/" + hidden, "/", "/p/gruenzug-altona", "/p/gruenzug-altona/pages/faq", "/p/gruenzug-altona/pages/der-plan?easy=1",
		"/p/gruenzug-altona/contribute", "/p/gruenzug-altona/contributions/" + id, "/p/gruenzug-altona/statistics",
		"/p/gruenzug-altona/conceptions", "/manage/" + token, "/p/nope", "/?lang=en", "/p/gruenzug-altona?lang=de-x-ls",
		tableLink(t, s, 1), "/wall/gruenzug-altona",
		"/impressum", "/datenschutz", "/barrierefreiheit?lang=en", "/kontakt?lang=de-x-ls",
		"/p/gruenzug-altona?lang=ar", "/p/gruenzug-altona/contribute?lang=uk", "/barrierefreiheit?lang=tr", "/impressum?lang=ar"}
	for _, l := range []struct {
		name string
		w, h int
	}{{"phone", 390, 844}, {"desktop", 1366, 900}} {
		ctx := sized(t, l.w, l.h)
		for _, p := range pages {
			run(t, ctx, chromedp.Navigate(s.URL+p), chromedp.WaitReady("body"))
			if v := axe(t, ctx); len(v) > 0 {
				t.Errorf("%s (%s): %d axe violations:\n  %s", p, l.name, len(v), strings.Join(v, "\n  "))
			}
		}
	}
}
