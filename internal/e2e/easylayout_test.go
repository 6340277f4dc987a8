package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// pictoCheck returns, for the selectors sels, what is wrong with the
// pictograms of the rendered elements (the mask image of ::before, or
// ::after for a category's icon, at least 24 px square), and the
// selectors none of whose elements is rendered.
const pictoCheck = `((sels) => {
	const bad = [], missing = [];
	for (const [sel, pseudo] of sels) {
		const els = [...document.querySelectorAll(sel)].filter(el => el.getClientRects().length > 0);
		if (!els.length) { missing.push(sel); continue; }
		for (const el of els.slice(0, 3)) {
			const cs = getComputedStyle(el, pseudo);
			const img = cs.maskImage || cs.webkitMaskImage || "";
			const w = parseFloat(cs.width), h = parseFloat(cs.height);
			const box = pseudo === "::after" ? el.getBoundingClientRect() : {width: w, height: h};
			if (!img.startsWith("url(") || cs.display === "none" || box.width < 24 || box.height < 24) {
				bad.push(sel + pseudo + ": " + img.slice(0, 30) + " " + box.width + "×" + box.height);
			}
		}
	}
	return JSON.stringify({bad, missing});
})`

// The Leichte Sprache layout (issue 17): pictograms next to the main
// actions and the categories' icons, visible on a desktop and a phone;
// nothing wider than the phone's 320 px; axe finds nothing; German pages
// show no pictograms.
func TestLeichteSpracheLayoutShowsPictogramsAndFits320(t *testing.T) {
	s := start(t, "")
	id := firstContribution(t, s)
	type page struct {
		path string
		must [][2]string // selector and pseudo-element that must show a pictogram
	}
	pages := []page{
		{"/", [][2]string{{".lang-menu > summary", "::before"}, {".search button[type=submit]", "::before"}, {`.footer-nav a[href="/kontakt"]`, "::before"}}},
		{"/p/gruenzug-altona", [][2]string{{".nav-cta", "::before"}, {".about-link", "::before"}}},
		{"/p/gruenzug-altona/contribute", [][2]string{{".nav-cta", "::before"}, {".lang-menu > summary", "::before"}, {"#wizard-next", "::before"}}},
		{"/p/gruenzug-altona/contributions/" + id, [][2]string{{".picto-back", "::before"}, {".vote.up", "::before"}, {".vote.down", "::before"}, {".cat-dot", "::after"}}},
	}
	// shown where the layout shows them (the view switch on a phone, the
	// list's cards on a desktop …): checked when rendered
	maybe := [][2]string{{"#view-map", "::before"}, {"#view-list", "::before"}, {".card .cat-dot", "::after"}, {".panel-actions .picto-write", "::before"},
		{"#submit-contribution", "::before"}, {".picto-comment", "::before"}, {".picto-send", "::before"}, {".filters button[type=submit]", "::before"},
		{"#wizard-next", "::before"}, {"#wizard-prev", "::before"}}
	for _, size := range []struct{ w, h int }{{1280, 900}, {320, 720}} {
		ctx := sized(t, size.w, size.h)
		for _, p := range pages {
			run(t, ctx, chromedp.Navigate(s.URL+p.path+"?lang=de-x-ls"),
				waitJS("the page", `document.readyState === "complete" && document.documentElement.dataset.locale === "de-x-ls"`, 10*time.Second))
			screenshot(t, ctx, fmt.Sprintf("easy-%d%s.png", size.w, strings.NewReplacer("/", "-", id, "c").Replace(strings.TrimSuffix(p.path, "/"))))
			sels, _ := json.Marshal(append(append([][2]string{}, p.must...), maybe...))
			var raw string
			run(t, ctx, chromedp.Evaluate(pictoCheck+`(`+string(sels)+`)`, &raw))
			var res struct{ Bad, Missing []string }
			if err := json.Unmarshal([]byte(raw), &res); err != nil {
				t.Fatal(err, raw)
			}
			for _, b := range res.Bad {
				t.Errorf("%s at %d px: pictogram not shown: %s", p.path, size.w, b)
			}
			for _, m := range p.must {
				for _, miss := range res.Missing {
					if miss == m[0] {
						t.Errorf("%s at %d px: %s not shown", p.path, size.w, m[0])
					}
				}
			}
			if size.w == 320 {
				if width := pageWidth(t, ctx, 320); width > 320 {
					t.Errorf("%s is %v px wide at 320 px", p.path, width)
				}
			}
			if v := axe(t, ctx); len(v) > 0 {
				t.Errorf("%s at %d px: %d axe violations:\n  %s", p.path, size.w, len(v), strings.Join(v, "\n  "))
			}
		}
	}
	// the German page has the same actions without pictograms
	ctx := sized(t, 1280, 900)
	var img string
	run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona?lang=de"),
		waitJS("the page", `document.readyState === "complete"`, 10*time.Second),
		chromedp.Evaluate(`(() => { const cs = getComputedStyle(document.querySelector(".nav-cta"), "::before"); return cs.content + " " + (cs.maskImage || cs.webkitMaskImage); })()`, &img))
	if strings.Contains(img, "url(") {
		t.Errorf("German page shows a pictogram: %s", img)
	}
}

// pageWidth is the loaded page's width (document.documentElement's
// scrollWidth), measured once the page has loaded its styles (a page still
// loading is laid out without them), waiting up to 5 s for it to come
// down to limit.
func pageWidth(t *testing.T, ctx context.Context, limit float64) float64 {
	t.Helper()
	var width float64
	for deadline := time.Now().Add(5 * time.Second); ; {
		run(t, ctx, chromedp.Evaluate(`document.readyState === "complete" ? document.documentElement.scrollWidth : 9999`, &width))
		if width <= limit || time.Now().After(deadline) {
			return width
		}
		time.Sleep(100 * time.Millisecond)
	}
}
