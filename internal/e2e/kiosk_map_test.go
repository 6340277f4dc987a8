package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// The workshop table as a map, driven by touch at 1920×1080: the tests tap
// and swipe with emulated fingers (Input.dispatchTouchEvent) and type only
// on the on-screen keyboard unless they say otherwise.

const kioskReady = `document.querySelector("#kiosk-map[data-ready]") !== null && document.querySelector("#kiosk-map[data-contributions]") !== null`

// kioskToPlace opens the table and goes to the place step for category.
func kioskToPlace(category string) chromedp.Tasks {
	return chromedp.Tasks{
		waitJS("the kiosk map", kioskReady, 15*time.Second),
		tap("#kiosk-contribute"),
		tap(`.kiosk-tile[data-category="` + category + `"]`),
		chromedp.WaitVisible("#kiosk-step-place", chromedp.ByID),
	}
}

// tableFeature reads the one contribution of table n.
func tableFeature(t *testing.T, s *server, n int) (title, text, category, geomType string, coords json.RawMessage) {
	t.Helper()
	_, body := s.get(t, fmt.Sprintf("/api/v1/procedures/gruenzug-altona/contributions?origin=table:%d", n))
	var fc struct {
		Features []struct {
			Geometry *struct {
				Type        string          `json:"type"`
				Coordinates json.RawMessage `json:"coordinates"`
			} `json:"geometry"`
			Properties struct{ Title, Text, Category string } `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil || len(fc.Features) != 1 || fc.Features[0].Geometry == nil {
		t.Fatalf("contributions of table %d: %s", n, body)
	}
	f := fc.Features[0]
	return f.Properties.Title, f.Properties.Text, f.Properties.Category, f.Geometry.Type, f.Geometry.Coordinates
}

// A contribution placed with a tap and written only on the on-screen
// keyboard (German layout, then Turkish): the keyboard says which field it types into, keeps that field
// in view and focused, and the table sends it tagged with its number.
func TestKioskContributionByTapAndOnScreenKeyboard(t *testing.T) {
	s := start(t, "")
	ctx := touchScreen(t, 1920, 1080)
	var geom, target, active string
	var covered bool
	run(t, ctx,
		chromedp.Navigate(s.URL+tableLink(t, s, 5)),
		kioskToPlace("gruen"),
		tapArea(0.3, 0.5),
		waitJS("a point from the tap", `document.getElementById("geometry").value.indexOf('"Point"') > 0`, 5*time.Second),
		chromedp.Value("#geometry", &geom, chromedp.ByID),
		tap("#kiosk-place-next"),
		chromedp.WaitVisible("#kiosk-keyboard", chromedp.ByID),
		typeOnScreen("Bank am Teich"),
		tap(`#kiosk-kb-keys button[data-action="next"]`),
		typeOnScreen("Hier fehlen Bänke zum Ausruhen"),
		tap(`#kiosk-keyboard button[data-layout="tr"]`),
		typeOnScreen(" çiğ İ"),
		chromedp.Text("#kiosk-kb-target", &target, chromedp.ByID),
		chromedp.Evaluate(`document.activeElement && document.activeElement.id`, &active),
		chromedp.Evaluate(`document.getElementById("text").getBoundingClientRect().bottom > document.getElementById("kiosk-keyboard").getBoundingClientRect().top`, &covered),
	)
	if active != "text" || !strings.Contains(target, "Beschreibung") || covered {
		t.Fatalf("keyboard: focus on %q, announces %q, covers the field: %v", active, target, covered)
	}
	run(t, ctx,
		tap("#submit-contribution"),
		chromedp.WaitVisible("#next-contribution", chromedp.ByID),
	)
	title, text, category, typ, _ := tableFeature(t, s, 5)
	if title != "Bank am Teich" || text != "Hier fehlen Bänke zum Ausruhen çiğ İ" || category != "gruen" || typ != "Point" || !strings.Contains(geom, `"Point"`) {
		t.Fatalf("stored %q %q %q %s (drawn %s)", title, text, category, typ, geom)
	}
}

// A line drawn with one finger on the map becomes the contribution's line;
// a real keyboard works beside the on-screen one.
func TestKioskLineDrawnWithAFinger(t *testing.T) {
	s := start(t, "")
	ctx := touchScreen(t, 1920, 1080)
	var n int
	run(t, ctx,
		chromedp.Navigate(s.URL+tableLink(t, s, 6)),
		kioskToPlace("rad-fuss"),
		tap(`#kiosk-step-place button[data-mode="LineString"]`),
		chromedp.ActionFunc(func(ctx context.Context) error {
			// Across the area, left of the panel, in small steps.
			var stroke [][2]float64
			for i := 0; i <= 12; i++ {
				p, err := areaPoint(ctx, 0.15+float64(i)*0.02, 0.3+float64(i)*0.03)
				if err != nil {
					return err
				}
				stroke = append(stroke, p)
			}
			return swipe(stroke...).Do(ctx)
		}),
		waitJS("a line from the stroke", `(() => { const v = document.getElementById("geometry").value; return v !== "" && JSON.parse(v).type === "LineString"; })()`, 5*time.Second),
		chromedp.Evaluate(`JSON.parse(document.getElementById("geometry").value).coordinates.length`, &n),
		tap("#kiosk-place-next"),
		chromedp.WaitVisible("#kiosk-keyboard", chromedp.ByID),
		chromedp.SendKeys("#title", "Radweg ", chromedp.ByID),
		typeOnScreen("am Park"),
		chromedp.SendKeys("#text", "Hier braucht es einen durchgehenden Radweg.", chromedp.ByID),
		tap("#submit-contribution"),
		chromedp.WaitVisible("#next-contribution", chromedp.ByID),
	)
	if n < 5 {
		t.Fatalf("the stroke became a line of %d points", n)
	}
	title, _, category, typ, coords := tableFeature(t, s, 6)
	var line [][2]float64
	_ = json.Unmarshal(coords, &line)
	if title != "Radweg am Park" || category != "rad-fuss" || typ != "LineString" || len(line) != n {
		t.Fatalf("stored %q %q %s %s", title, category, typ, coords)
	}
}

// Two fingers pinch the map larger even while one finger would draw a
// line, and draw nothing.
func TestKioskPinchZoomsWhileDrawing(t *testing.T) {
	s := start(t, "")
	ctx := touchScreen(t, 1920, 1080)
	var before, after float64
	var geom string
	run(t, ctx,
		chromedp.Navigate(s.URL+tableLink(t, s, 10)),
		kioskToPlace("gruen"),
		tap(`#kiosk-step-place button[data-mode="LineString"]`),
		chromedp.Evaluate(`window.__before = parseFloat(document.getElementById("kiosk-map").getAttribute("data-zoom"))`, &before),
		chromedp.Evaluate(`window.__z = []; new MutationObserver(() => window.__z.push(document.getElementById("kiosk-map").getAttribute("data-zoom"))).observe(document.getElementById("kiosk-map"), {attributes: true, attributeFilter: ["data-zoom"]}); 1`, nil),
		chromedp.ActionFunc(func(ctx context.Context) error {
			c, err := areaPoint(ctx, 0.4, 0.5)
			if err != nil {
				return err
			}
			for i := 0.0; i <= 8; i++ {
				kind := input.TouchMove
				if i == 0 {
					kind = input.TouchStart
				}
				d := 40 + i*30
				if err := touch(kind, [2]float64{c[0] - d, c[1]}, [2]float64{c[0] + d, c[1]}).Do(ctx); err != nil {
					return err
				}
				time.Sleep(20 * time.Millisecond)
			}
			return touch(input.TouchEnd).Do(ctx)
		}),
		waitJS("the map zoomed in", `window.__z.length > 0 && parseFloat(window.__z[window.__z.length - 1]) > window.__before`, 5*time.Second),
		chromedp.Evaluate(`parseFloat(document.getElementById("kiosk-map").getAttribute("data-zoom"))`, &after),
		chromedp.Value("#geometry", &geom, chromedp.ByID),
	)
	if after <= before || geom != "" {
		t.Fatalf("pinch: zoom %v → %v, drew %q", before, after, geom)
	}
}

// Another person's contribution on the map opens with a tap in the large
// panel, and a tap on "agree" rates it.
func TestKioskOpensAndRatesAnotherContribution(t *testing.T) {
	s := start(t, "")
	body := `{"type":"Feature","geometry":{"type":"Point","coordinates":[9.9500,53.5512]},"properties":{"title":"Bäume am Ostrand","text":"Am östlichen Rand fehlen Bäume.","category":"gruen"}}`
	res, err := http.Post(s.URL+"/api/v1/procedures/gruenzug-altona/contributions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var f struct{ ID string }
	if json.Unmarshal(b, &f) != nil || f.ID == "" {
		t.Fatalf("post: %s", b)
	}
	ctx := touchScreen(t, 1920, 1080)
	var heading, text, agree, pressed string
	pin := `.kiosk-pin[data-id="` + f.ID + `"]`
	run(t, ctx,
		chromedp.Navigate(s.URL+tableLink(t, s, 7)),
		waitJS("the kiosk map", kioskReady, 15*time.Second),
		tap(pin),
		chromedp.WaitVisible("#kiosk-step-detail", chromedp.ByID),
		chromedp.Text("#kiosk-panel-title", &heading, chromedp.ByID),
		chromedp.Text("#kiosk-detail-text", &text, chromedp.ByID),
		tap("#kiosk-agree"),
		waitJS("the rating", `document.getElementById("kiosk-agree").getAttribute("aria-pressed") === "true"`, 5*time.Second),
		chromedp.Text("#kiosk-agree", &agree, chromedp.ByID),
		chromedp.AttributeValue("#kiosk-agree", "aria-pressed", &pressed, nil, chromedp.ByID),
	)
	if heading != "Bäume am Ostrand" || text != "Am östlichen Rand fehlen Bäume." || !strings.Contains(agree, "(1)") {
		t.Fatalf("panel: %q %q %q", heading, text, agree)
	}
	_, got := s.get(t, "/api/v1/contributions/"+f.ID)
	if !strings.Contains(got, `"rating_up":1`) {
		t.Fatalf("not rated: %s", got)
	}
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("contribution panel: axe violations:\n  %s", strings.Join(v, "\n  "))
	}
}

// The idle reset clears everything: the chosen topic, the place, the text
// and the open panel and keyboard.
func TestKioskIdleResetClearsEverything(t *testing.T) {
	s := start(t, "", "MITREDEN_TABLE_IDLE=4")
	ctx := touchScreen(t, 1920, 1080)
	link := tableLink(t, s, 8)
	run(t, ctx,
		chromedp.Navigate(s.URL+link),
		kioskToPlace("spiel"),
		tapArea(0.3, 0.5),
		waitJS("a point", `document.getElementById("geometry").value !== ""`, 5*time.Second),
		tap("#kiosk-place-next"),
		typeOnScreen("Halb"),
		chromedp.WaitVisible("#idle-dialog", chromedp.ByID),
	)
	cleared := `(() => { const g = (id) => document.getElementById(id);
		return !!g("kiosk-map") && g("kiosk-map").hasAttribute("data-ready") && g("title").value === "" && g("geometry").value === "" &&
			!document.querySelector('input[name="category"]:checked') && g("kiosk-panel").hidden && g("kiosk-keyboard").hidden && g("idle-dialog").hidden; })()`
	run(t, ctx, waitJS("the table started over", cleared, 20*time.Second))
	var loc string
	run(t, ctx, chromedp.Location(&loc))
	if !strings.HasSuffix(loc, link) {
		t.Fatalf("reset to %s", loc)
	}
}

// The table's QR code, read by a QR reader from the screen, leads to the
// residents' form with the place and the topic chosen on the table.
func TestKioskQRCodeHandsOffThePlace(t *testing.T) {
	s := start(t, "")
	ctx := touchScreen(t, 1920, 1080)
	var geom string
	var shot []byte
	run(t, ctx,
		chromedp.Navigate(s.URL+tableLink(t, s, 9)),
		kioskToPlace("verkehr"),
		tapArea(0.35, 0.55),
		waitJS("a point", `document.getElementById("geometry").value !== ""`, 5*time.Second),
		chromedp.Value("#geometry", &geom, chromedp.ByID),
		tap("#kiosk-phone"),
		waitJS("the QR code", `(() => { const i = document.getElementById("kiosk-qr"); return i.complete && i.naturalWidth > 0 && i.getBoundingClientRect().width > 200; })()`, 5*time.Second),
		chromedp.Screenshot("#kiosk-qr", &shot, chromedp.ByID),
	)
	addr := decodeQR(t, shot)
	u, err := url.Parse(addr)
	if err != nil || !strings.HasPrefix(addr, s.URL+"/p/gruenzug-altona/contribute?") || u.Query().Get("category") != "verkehr" {
		t.Fatalf("QR code says %q", addr)
	}
	var g struct{ Coordinates [2]float64 }
	_ = json.Unmarshal([]byte(geom), &g)
	phone := browser(t)
	var lat, lon, cat string
	run(t, phone,
		chromedp.Navigate(addr),
		chromedp.WaitReady("#lat", chromedp.ByID),
		chromedp.Value("#lat", &lat, chromedp.ByID),
		chromedp.Value("#lon", &lon, chromedp.ByID),
		chromedp.Evaluate(`(document.querySelector('input[name="category"]:checked') || {}).value || ''`, &cat),
	)
	var la, lo float64
	fmt.Sscan(lat, &la)
	fmt.Sscan(lon, &lo)
	if cat != "verkehr" || math.Abs(la-g.Coordinates[1]) > 1e-5 || math.Abs(lo-g.Coordinates[0]) > 1e-5 {
		t.Fatalf("the phone's form: lat %q lon %q category %q; the table drew %s", lat, lon, cat, geom)
	}
}

// targetsJS lists visible kiosk controls smaller than 48×48 px and visible
// text smaller than 24 px.
const targetsJS = `(() => {
	const bad = [];
	const visible = (e) => { const r = e.getBoundingClientRect(); return r.width > 0 && r.height > 0 && getComputedStyle(e).visibility !== "hidden"; };
	document.querySelectorAll("#kiosk button, #kiosk a, #kiosk .leaflet-control-zoom a").forEach((e) => {
		if (!visible(e)) return;
		const r = e.getBoundingClientRect();
		if (r.width < 47.5 || r.height < 47.5) bad.push("target " + (e.id || e.textContent.trim()) + " " + Math.round(r.width) + "x" + Math.round(r.height));
	});
	const walk = document.createTreeWalker(document.getElementById("kiosk"), NodeFilter.SHOW_TEXT);
	for (let n = walk.nextNode(); n; n = walk.nextNode()) {
		const e = n.parentElement;
		if (!n.textContent.trim() || !e || !visible(e) || e.closest(".sr-only")) continue;
		const px = parseFloat(getComputedStyle(e).fontSize);
		if (px < 23.5) bad.push("text " + n.textContent.trim().slice(0, 30) + " " + px + "px");
	}
	const m = document.getElementById("kiosk-map").getBoundingClientRect();
	if (m.width !== innerWidth || m.height !== innerHeight) bad.push("map " + m.width + "x" + m.height);
	if (document.querySelector(".site-header").getBoundingClientRect().height > 0) bad.push("site header shown");
	return bad;
})()`

// The kiosk fills the screen at 1920×1080 and 3840×2160 with finger-sized
// targets and large text, leads nowhere else, and axe finds nothing.
func TestKioskFullScreenTargetsAndAxe(t *testing.T) {
	s := start(t, "")
	for _, size := range [][2]int64{{1920, 1080}, {3840, 2160}} {
		ctx := touchScreen(t, size[0], size[1])
		var bad []string
		var links []string
		run(t, ctx,
			chromedp.Navigate(s.URL+tableLink(t, s, 3)),
			waitJS("the kiosk map", kioskReady, 15*time.Second),
			chromedp.Evaluate(targetsJS, &bad),
			chromedp.Evaluate(`Array.from(document.querySelectorAll("a[href]")).filter((a) => a.getBoundingClientRect().width > 0 && !/^(#|\?table=)/.test(a.getAttribute("href"))).map((a) => a.href)`, &links),
		)
		if len(bad) > 0 || len(links) > 0 {
			t.Errorf("%dx%d: %v; links out: %v", size[0], size[1], bad, links)
		}
		if size[0] == 1920 {
			if v := axe(t, ctx); len(v) > 0 {
				t.Errorf("kiosk map: axe violations:\n  %s", strings.Join(v, "\n  "))
			}
			run(t, ctx, kioskToPlace("gruen"), tapArea(0.3, 0.5), tap("#kiosk-place-next"), chromedp.WaitVisible("#kiosk-keyboard", chromedp.ByID),
				chromedp.Evaluate(targetsJS, &bad))
			if len(bad) > 0 {
				t.Errorf("writing: %v", bad)
			}
			if v := axe(t, ctx); len(v) > 0 {
				t.Errorf("kiosk writing with the keyboard: axe violations:\n  %s", strings.Join(v, "\n  "))
			}
		}
	}
}
