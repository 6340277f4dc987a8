package e2e

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// layouts are the two sizes residents use most: a phone and a desktop.
var layouts = []struct {
	name string
	w, h int
}{{"phone", 390, 844}, {"desktop", 1366, 900}}

// rect is an element's box in the viewport, with the viewport's size and
// how far the page is scrolled.
type rect struct {
	Top, Left, Bottom, Right, Width, Height float64
	VW, VH, ScrollY                         float64
}

func rectOf(sel string, r *rect) chromedp.Action {
	return chromedp.Evaluate(`(() => { const b = document.querySelector(`+jsString(sel)+`).getBoundingClientRect();
		return {Top: b.top, Left: b.left, Bottom: b.bottom, Right: b.right, Width: b.width, Height: b.height,
			VW: window.innerWidth, VH: window.innerHeight, ScrollY: window.scrollY}; })()`, r)
}

func jsString(s string) string { return "'" + strings.ReplaceAll(s, "'", `\'`) + "'" }

// inView reports whether r lies wholly inside the viewport (1 px slack).
func (r rect) inView() bool {
	return r.Top >= -1 && r.Left >= -1 && r.Bottom <= r.VH+1 && r.Right <= r.VW+1 && r.Width > 0 && r.Height > 0
}

// sized starts Chromium with a window (and viewport) of the layout's size.
func sized(t *testing.T, w, h int) context.Context {
	t.Helper()
	ctx := browser(t, chromedp.WindowSize(w, h))
	run(t, ctx, chromedp.EmulateViewport(int64(w), int64(h)))
	return ctx
}

// screenshot keeps the viewport as PNG in $MITREDEN_SCREENSHOTS (the
// pictures in docs/screenshots are made this way).
func screenshot(t *testing.T, ctx context.Context, name string) {
	dir := os.Getenv("MITREDEN_SCREENSHOTS")
	if dir == "" {
		return
	}
	var png []byte
	run(t, ctx, chromedp.CaptureScreenshot(&png))
	if err := os.WriteFile(filepath.Join(dir, name), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

func noAxeViolations(t *testing.T, ctx context.Context, page string) {
	t.Helper()
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("%s: %d axe violations:\n  %s", page, len(v), strings.Join(v, "\n  "))
	}
}

// The procedure page opens on its map: the whole map lies in the window
// without scrolling, filling most of it on a desktop beside the panel; on a
// phone a switch shows the list instead. Appointments have a legend entry.
func TestProcedurePageOpensOnTheMap(t *testing.T) {
	s := start(t, "")
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			ctx := sized(t, l.w, l.h)
			var m, panel rect
			var legend string
			run(t, ctx,
				chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
				chromedp.WaitVisible("#proc-app.has-map #map .leaflet-marker-icon", chromedp.ByQuery),
				waitJS("the map stands still", mapSettled("map"), 10*time.Second),
				rectOf("#map", &m),
				rectOf("#panel", &panel),
				chromedp.Text(".legend", &legend, chromedp.ByQuery),
			)
			screenshot(t, ctx, "procedure-"+l.name+".png")
			if !m.inView() || m.ScrollY != 0 {
				t.Fatalf("map not wholly visible without scrolling: %+v", m)
			}
			if !strings.Contains(legend, "Termin vor Ort") {
				t.Fatalf("legend without the appointments: %q", legend)
			}
			if l.name == "desktop" {
				if m.Height < 0.6*m.VH || m.Width < 0.5*m.VW || panel.Right > m.Left+1 {
					t.Fatalf("desktop map %+v beside panel %+v", m, panel)
				}
				// A chosen contribution shows in the panel.
				var chosen string
				run(t, ctx,
					chromedp.Click("#map .map-marker", chromedp.ByQuery),
					chromedp.WaitVisible("#panel-detail h2", chromedp.ByQuery),
					chromedp.Text("#panel-detail h2", &chosen, chromedp.ByQuery),
				)
				if chosen == "" {
					t.Fatal("the panel shows no chosen contribution")
				}
				// The map's pop-up fades in; axe reads colours, so it waits
				// until the pop-up is fully shown.
				run(t, ctx, waitJS("the pop-up shown", `(() => { const p = document.querySelector('.leaflet-popup');
					return !p || getComputedStyle(p).opacity === '1'; })()`, 10*time.Second))
				noAxeViolations(t, ctx, "procedure page, contribution chosen")
			} else {
				if m.Height < 0.4*m.VH || m.Width < 0.95*m.VW {
					t.Fatalf("phone map too small: %+v", m)
				}
				var pressed string
				var listShown, mapShown bool
				run(t, ctx,
					chromedp.Click("#view-list", chromedp.ByID),
					chromedp.WaitVisible("#cards", chromedp.ByID),
					chromedp.AttributeValue("#view-list", "aria-pressed", &pressed, nil, chromedp.ByID),
					chromedp.Evaluate(`document.getElementById("cards").getBoundingClientRect().height > 0`, &listShown),
					chromedp.Evaluate(`document.getElementById("map").getBoundingClientRect().height > 0`, &mapShown),
				)
				if pressed != "true" || !listShown || mapShown {
					t.Fatalf("list view: pressed %q, list shown %v, map shown %v", pressed, listShown, mapShown)
				}
				noAxeViolations(t, ctx, "procedure page, list view")
				run(t, ctx, chromedp.Click("#view-map", chromedp.ByID), chromedp.WaitVisible("#map", chromedp.ByID))
			}
			noAxeViolations(t, ctx, "procedure page")
		})
	}
}

// A resident chooses a category tile, places a point, writes and sends,
// and never has to scroll back up: each step opens with its controls in
// view. The review and the contribution's page name the place in words.
func TestContributeWithTilesWithoutScrollingBack(t *testing.T) {
	s := start(t, "")
	for _, l := range layouts {
		t.Run(l.name, func(t *testing.T) {
			ctx := sized(t, l.w, l.h)
			title := "Kachelbeitrag " + l.name
			var progress, next rect
			stepInView := func(what string) {
				t.Helper()
				run(t, ctx, rectOf("#wizard-progress", &progress))
				if !progress.inView() {
					t.Fatalf("%s: the step opens out of view: %+v", what, progress)
				}
			}
			run(t, ctx,
				chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute"),
				chromedp.WaitVisible("#wizard-next", chromedp.ByID),
				chromedp.SendKeys("#title", title, chromedp.ByID),
				chromedp.SendKeys("#text", "Hier fehlt ein schattiger Platz mit Bänken unter Bäumen.", chromedp.ByID),
				chromedp.SendKeys("#author_name", "Kachelfan", chromedp.ByID),
				chromedp.Click("#wizard-next", chromedp.ByID),
				chromedp.WaitVisible("#category-gruen", chromedp.ByID),
			)
			stepInView("category step")
			noAxeViolations(t, ctx, "form, category tiles")
			run(t, ctx,
				chromedp.Click(`label[for="category-gruen"]`, chromedp.ByQuery),
				rectOf("#wizard-next", &next),
			)
			if !next.inView() {
				t.Fatalf("after the tiles, Weiter is out of view: %+v", next)
			}
			var checked bool
			run(t, ctx, chromedp.Evaluate(`document.getElementById("category-gruen").checked`, &checked))
			if !checked {
				t.Fatal("the tile did not choose its category")
			}
			run(t, ctx,
				chromedp.Click("#wizard-next", chromedp.ByID),
				chromedp.WaitVisible("#map-place-here", chromedp.ByID),
				drawAreaShown,
			)
			stepInView("map step")
			var coordsOpen bool
			var here rect
			run(t, ctx,
				chromedp.Evaluate(`document.getElementById("coords-box").open`, &coordsOpen),
				rectOf("#map-place-here", &here),
			)
			if coordsOpen || !here.inView() {
				t.Fatalf("map step: coordinates open %v, place-here %+v", coordsOpen, here)
			}
			noAxeViolations(t, ctx, "form, map step")
			var review string
			var send rect
			run(t, ctx,
				chromedp.Click("#map-place-here", chromedp.ByID),
				waitJS("a point is placed", geometryJS+`.indexOf("Point") >= 0`, 5*time.Second),
				chromedp.Click("#wizard-next", chromedp.ByID),
				chromedp.WaitVisible("#review-summary", chromedp.ByID),
				chromedp.Text("#review-summary", &review, chromedp.ByID),
				rectOf("#submit-contribution", &send),
			)
			stepInView("review step")
			if !send.inView() {
				t.Fatalf("review: Absenden out of view: %+v", send)
			}
			if !strings.Contains(review, "in der Nähe von ") && !strings.Contains(review, "Punkt bei 53,") {
				t.Fatalf("review does not name the place: %q", review)
			}
			noAxeViolations(t, ctx, "form, review")
			var byline, where, share, detail string
			var ok bool
			// The link is followed by its address: a click can land while
			// the confirmation page still settles and find no node.
			run(t, ctx,
				chromedp.Click("#submit-contribution", chromedp.ByID),
				chromedp.WaitVisible("#contribution-link", chromedp.ByID),
				chromedp.AttributeValue("#contribution-link", "href", &detail, &ok, chromedp.ByID))
			if !ok || detail == "" {
				t.Fatal("the confirmation page links no contribution")
			}
			if strings.HasPrefix(detail, "/") {
				detail = s.URL + detail
			}
			run(t, ctx,
				chromedp.Navigate(detail),
				chromedp.WaitVisible("#byline", chromedp.ByID),
				chromedp.Text("#byline", &byline, chromedp.ByID),
				chromedp.Text("#where", &where, chromedp.ByID),
				chromedp.AttributeValue("#share-link", "href", &share, nil, chromedp.ByID),
			)
			if !strings.Contains(byline, "Verfasst von Kachelfan") || (!strings.Contains(where, "in der Nähe von ") && !strings.Contains(where, "Punkt bei 53,")) ||
				!strings.Contains(share, "/p/gruenzug-altona/contributions/") {
				t.Fatalf("detail page: byline %q, where %q, share %q", byline, where, share)
			}
			noAxeViolations(t, ctx, "contribution page")
		})
	}
}

// At 320 px (400 % zoom of a 1280 px window) nothing needs scrolling
// sideways: the procedure page in both views and the form's tiles.
func TestMapFirstReflowsAt320(t *testing.T) {
	s := start(t, "")
	ctx := sized(t, 320, 640)
	var page, list, form float64
	const wide = `document.documentElement.scrollWidth`
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
		chromedp.WaitVisible("#proc-app.has-map #map", chromedp.ByQuery),
		chromedp.Evaluate(wide, &page),
		chromedp.Click("#view-list", chromedp.ByID),
		chromedp.WaitVisible("#cards", chromedp.ByID),
		chromedp.Evaluate(wide, &list),
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute"),
		chromedp.WaitVisible("#wizard-next", chromedp.ByID),
		chromedp.SendKeys("#title", "Schmal", chromedp.ByID),
		chromedp.SendKeys("#text", "Ein Beitrag auf einem sehr schmalen Bildschirm.", chromedp.ByID),
		chromedp.Click("#wizard-next", chromedp.ByID),
		chromedp.WaitVisible("#category-gruen", chromedp.ByID),
		chromedp.Evaluate(wide, &form),
	)
	if page > 320 || list > 320 || form > 320 {
		t.Fatalf("sideways scrolling at 320 px: map view %v, list view %v, tiles %v", page, list, form)
	}
}
