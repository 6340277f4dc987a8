package e2e

import (
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Issue 18, places: the analysis page draws the density grid's cells on
// the real map and the hot spots as markers whose popup names the count and
// links the contributions; the filter redraws them without a reload. The
// analysis page and the sub-area editor pass axe-core.
func TestAnalysisMapShowsCellsAndHotSpots(t *testing.T) {
	s := start(t, "")
	cmd := execBinary("user", "add", "--db", s.DB, "--email", "planer@example.org", "--role", "planner", "--password-stdin")
	cmd.Stdin = strings.NewReader("ein sehr langes Passwort\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	ctx := browser(t)
	noAxe := func(page string) {
		t.Helper()
		if v := axe(t, ctx); len(v) > 0 {
			t.Errorf("%s: %d axe violations:\n  %s", page, len(v), strings.Join(v, "\n  "))
		}
	}
	base := s.URL + "/admin/p/gruenzug-altona"
	run(t, ctx, chromedp.Navigate(base+"/analysis#places"), signIn("planer@example.org", "ein sehr langes Passwort"),
		waitJS("the map's cells and hot spots", `document.getElementById("places-map") && document.getElementById("places-map").dataset.loaded === "1" &&
			document.querySelectorAll("#places-map .leaflet-overlay-pane path.leaflet-interactive").length > 0 &&
			document.querySelectorAll("#places-map .hot-marker").length > 0 && `+mapSettled("places-map"), 15*time.Second))
	var svgHidden, focusable bool
	run(t, ctx, chromedp.Evaluate(`!document.querySelector("#places-results svg.heat") || document.getElementById("places-svg").hidden`, &svgHidden),
		chromedp.Evaluate(`document.getElementById("places-map").tabIndex === 0`, &focusable))
	if !svgHidden || !focusable {
		t.Fatalf("the server's image is shown beside the map (%v) or the map is not focusable (%v)", !svgHidden, focusable)
	}
	noAxe("analysis with the map")

	// The first hot spot's popup: its count, and links to its contributions.
	run(t, ctx, chromedp.Evaluate(`window.__samePage = true; document.querySelector("#places-map .hot-marker").click(); true`, nil),
		waitJS("the hot spot's popup", `(() => { const p = document.querySelector("#places-map .leaflet-popup-content .hot-popup");
			return !!p && /Schwerpunkt 1: \d+ Beitr/.test(p.textContent) && !!p.querySelector('a[href*="/admin/p/gruenzug-altona/contributions/"]') &&
			getComputedStyle(document.querySelector("#places-map .leaflet-popup")).opacity === "1"; })()`, 5*time.Second))
	noAxe("analysis with a popup")

	// The filter redraws the cells and the table without leaving the page.
	var before, after string
	run(t, ctx, chromedp.Evaluate(`document.querySelector("#places-table caption").textContent`, &before),
		chromedp.Evaluate(`(() => { const s = document.getElementById("heat-origin"); s.value = "letter"; s.dispatchEvent(new Event("change")); return true; })()`, nil),
		waitJS("the filtered grid", `document.getElementById("places-map").dataset.loaded === "2"`, 10*time.Second),
		chromedp.Evaluate(`(document.querySelector("#places-table caption") || document.getElementById("places-none")).textContent`, &after))
	var same bool
	run(t, ctx, chromedp.Evaluate(`window.__samePage === true && location.search.includes("heat_origin=letter")`, &same))
	if !same || before == after {
		t.Fatalf("filtering reloaded the page (%v) or left the table as it was: %q → %q", !same, before, after)
	}

	// The sub-area editor: draw one by pasting GeoJSON, then it is listed.
	run(t, ctx, chromedp.Navigate(base+"/subareas"), waitJS("the drawing map", `!!document.querySelector("#draw-map.leaflet-container")`, 10*time.Second))
	noAxe("sub-area editor")
	run(t, ctx, chromedp.Evaluate(`(() => { document.getElementById("subarea-name").value = "Ottensen";
		document.getElementById("geometry").value = '{"type":"Polygon","coordinates":[[[9.92,53.55],[9.95,53.55],[9.95,53.56],[9.92,53.56],[9.92,53.55]]]}';
		document.getElementById("save-subarea").click(); return true; })()`, nil),
		waitJS("the saved sub-area", `!!document.getElementById("subareas-table") && document.getElementById("subareas-table").textContent.includes("Ottensen")`, 10*time.Second))
	noAxe("sub-area editor with a sub-area")
	run(t, ctx, chromedp.Navigate(base+"/analysis"), waitJS("the counts per sub-area and its outline on the map", `!!document.getElementById("subarea-counts") &&
		!!document.querySelector('#places-map path[stroke-dasharray="6 4"][stroke="#37474f"]')`, 10*time.Second))
	noAxe("analysis with sub-areas")
}
