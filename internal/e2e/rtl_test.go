package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// Arabic is written right to left (issue 17): the procedure page mirrors —
// on a desktop the panel sits right of the map, the map's zoom buttons at
// its top right — while the map itself keeps its geometry; coordinates in
// the review are written as the page's language writes numbers (a decimal
// comma in Ukrainian); and axe finds nothing on either page.
func TestArabicPageMirrorsAndNumbersFollowTheLanguage(t *testing.T) {
	s := start(t, "")
	ctx := sized(t, 1366, 900)
	var panel, mapPane, zoom rect
	var dir string
	run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona?lang=ar"),
		chromedp.WaitVisible("#proc-app.has-map #map .leaflet-marker-icon", chromedp.ByQuery),
		chromedp.Evaluate(`getComputedStyle(document.querySelector("#proc-app")).direction`, &dir),
		rectOf(".panel", &panel), rectOf(".map-pane", &mapPane), rectOf(".leaflet-control-zoom", &zoom))
	if dir != "rtl" {
		t.Fatalf("procedure page in Arabic has direction %q", dir)
	}
	if !(panel.Left >= mapPane.Right-1) {
		t.Errorf("panel not right of the map: panel %+v, map %+v", panel, mapPane)
	}
	if !(zoom.Left > mapPane.Left+mapPane.Width/2) {
		t.Errorf("zoom buttons not at the map's right: zoom %+v, map %+v", zoom, mapPane)
	}
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("Arabic procedure page: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}

	// The German page is the other way round.
	run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona?lang=de"),
		chromedp.WaitVisible("#proc-app.has-map #map .leaflet-marker-icon", chromedp.ByQuery),
		rectOf(".panel", &panel), rectOf(".map-pane", &mapPane))
	if !(panel.Right <= mapPane.Left+1) {
		t.Errorf("German page: panel not left of the map: panel %+v, map %+v", panel, mapPane)
	}

	// Ukrainian writes 53,55; the script's coordinates follow.
	var spoken string
	run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute?lang=uk"), chromedp.WaitReady("body"),
		chromedp.Evaluate(`import('mitreden/geo.js').then(m => m.speak(53.555014))`, &spoken,
			func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if spoken != "53,55501" {
		t.Errorf("Ukrainian coordinate written %q, want 53,55501", spoken)
	}
}
