package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"
)

// toPlaceStep fills steps 1 and 2 of the wizard and arrives at the map.
func toPlaceStep(title string) chromedp.Tasks {
	return chromedp.Tasks{
		chromedp.WaitVisible("#wizard-next", chromedp.ByID),
		chromedp.SendKeys("#title", title, chromedp.ByID),
		chromedp.SendKeys("#text", "Ein Beitrag, im Browser mit der Karte gesetzt.", chromedp.ByID),
		chromedp.Click("#wizard-next", chromedp.ByID),
		chromedp.WaitVisible("#category", chromedp.ByID),
		chromedp.Click("#category-gruen", chromedp.ByID),
		chromedp.Click("#wizard-next", chromedp.ByID),
		chromedp.WaitVisible("#map-place-here", chromedp.ByID),
		drawAreaShown,
	}
}

func finish(t *testing.T, ctx context.Context) {
	t.Helper()
	run(t, ctx,
		chromedp.Click("#wizard-next", chromedp.ByID),
		chromedp.WaitVisible("#submit-contribution", chromedp.ByID),
		chromedp.Click("#submit-contribution", chromedp.ByID),
		chromedp.WaitVisible("#manage-link", chromedp.ByID),
	)
}

type geometry struct {
	Type        string          `json:"type"`
	Coordinates json.RawMessage `json:"coordinates"`
}

func storedGeometry(t *testing.T, s *server, q string) geometry {
	t.Helper()
	_, body := s.get(t, "/api/v1/procedures/gruenzug-altona/contributions?q="+q)
	var fc struct {
		Features []struct {
			Geometry geometry `json:"geometry"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(body), &fc); err != nil || len(fc.Features) != 1 {
		t.Fatalf("stored %q: %s", q, body)
	}
	return fc.Features[0].Geometry
}

func TestPlacePointWithKeyboardOnly(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var lat, lon, geom, pane string
	const paneJS = `document.querySelector("#draw-map .leaflet-map-pane").style.transform`
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute"),
		toPlaceStep("Tastaturpunkt"),
		chromedp.Evaluate(paneJS, &pane),
		chromedp.Focus("#draw-map", chromedp.ByID),
		chromedp.KeyEvent(kb.ArrowRight),
		chromedp.KeyEvent(kb.ArrowUp),
	)
	// The arrows pan the map (animated): place the point once it stands.
	run(t, ctx,
		waitJS("the arrow keys panned the map", paneJS+" !== "+strconv.Quote(pane)+" && "+mapSettled("draw-map"), 5*time.Second),
		chromedp.Focus("#map-place-here", chromedp.ByID),
		chromedp.KeyEvent(kb.Enter),
		chromedp.Value("#lat", &lat, chromedp.ByID),
		chromedp.Value("#lon", &lon, chromedp.ByID),
		chromedp.Value("#geometry", &geom, chromedp.ByID),
	)
	if !strings.Contains(geom, `"Point"`) || !strings.HasPrefix(lat, "53.5") || !strings.HasPrefix(lon, "9.9") {
		t.Fatalf("keyboard point: geometry %q lat %q lon %q", geom, lat, lon)
	}
	var review string
	run(t, ctx,
		chromedp.Focus("#wizard-next", chromedp.ByID),
		chromedp.KeyEvent(kb.Enter),
		chromedp.WaitVisible("#review-summary", chromedp.ByID),
		chromedp.Text("#review-summary", &review, chromedp.ByID),
	)
	if !strings.Contains(review, "Tastaturpunkt") || (!strings.Contains(review, "in der Nähe von ") && !strings.Contains(review, "Punkt bei 53,5")) || !strings.Contains(review, "Grün") {
		t.Fatalf("review before sending: %q", review)
	}
	run(t, ctx, chromedp.Click("#submit-contribution", chromedp.ByID), chromedp.WaitVisible("#manage-link", chromedp.ByID))
	if g := storedGeometry(t, s, "Tastaturpunkt"); g.Type != "Point" {
		t.Fatalf("stored %v", g)
	}
}

func clickMap(dx, dy float64) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		var box []float64
		if err := chromedp.Evaluate(`(() => { const r = document.getElementById("draw-map").getBoundingClientRect(); return [r.left + r.width/2, r.top + r.height/2]; })()`, &box).Do(ctx); err != nil {
			return err
		}
		return chromedp.MouseClickXY(box[0]+dx, box[1]+dy, chromedp.ButtonType(input.Left)).Do(ctx)
	})
}

func TestDrawPointLineAndPolygonWithTheMouse(t *testing.T) {
	s := start(t, "")
	for _, c := range []struct {
		mode   string
		clicks [][2]float64
		n      int
	}{
		{"Point", [][2]float64{{10, 10}}, 1},
		{"LineString", [][2]float64{{-40, 0}, {0, 20}, {40, 0}}, 3},
		{"Polygon", [][2]float64{{-40, -30}, {40, -30}, {40, 30}, {-40, 30}}, 5},
	} {
		// A subtest per mode, so that a failure names the mode.
		t.Run(c.mode, func(t *testing.T) {
			ctx := browser(t)
			title := "Maus" + c.mode
			actions := chromedp.Tasks{
				chromedp.Navigate(s.URL + "/p/gruenzug-altona/contribute"),
				toPlaceStep(title),
				chromedp.ScrollIntoView("#draw-map", chromedp.ByID),
				chromedp.Click("#map-mode-"+c.mode, chromedp.ByID),
			}
			for i, p := range c.clicks {
				placed := pointPlaced
				if c.mode != "Point" {
					placed = vertices(i + 1)
				}
				actions = append(actions, clickMap(p[0], p[1]), placed)
			}
			var geom string
			actions = append(actions, chromedp.Value("#geometry", &geom, chromedp.ByID))
			run(t, ctx, actions...)
			var g geometry
			if err := json.Unmarshal([]byte(geom), &g); err != nil || g.Type != c.mode {
				t.Fatalf("%s: geometry %q", c.mode, geom)
			}
			finish(t, ctx)
			stored := storedGeometry(t, s, title)
			if stored.Type != c.mode {
				t.Fatalf("%s stored as %v", c.mode, stored)
			}
			switch c.mode {
			case "LineString":
				var cs [][]float64
				_ = json.Unmarshal(stored.Coordinates, &cs)
				if len(cs) != c.n {
					t.Fatalf("line has %d vertices, want %d", len(cs), c.n)
				}
			case "Polygon":
				var cs [][][]float64
				_ = json.Unmarshal(stored.Coordinates, &cs)
				if len(cs) != 1 || len(cs[0]) != c.n || cs[0][0][0] != cs[0][c.n-1][0] {
					t.Fatalf("polygon ring = %v", cs)
				}
			}
		})
	}
}

func TestNewContributionAppearsOnAnotherOpenPage(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	streamOpen := watchStream(ctx)
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
		chromedp.WaitVisible("#map .leaflet-marker-icon, #map .marker-cluster", chromedp.ByQuery),
		streamOpen,
	)
	post(t, s, "Live erschienen ohne Neuladen")
	var text string
	run(t, ctx,
		chromedp.WaitVisible("#cards li.card-new", chromedp.ByQuery),
		chromedp.Text("#cards li.card-new", &text, chromedp.ByQuery),
	)
	if !strings.Contains(text, "Live erschienen ohne Neuladen") {
		t.Fatalf("new card: %q", text)
	}
}

func TestClustersAtLowZoomOpenWithTheKeyboard(t *testing.T) {
	db := filepath.Join(t.TempDir(), "many.db")
	if out, err := execBinary("demo", "--db", db, "--contributions", "3000").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v %s", err, out)
	}
	s := start(t, db)
	ctx := browser(t)
	var clusters int
	var zoomBefore, zoomAfter float64
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
		chromedp.WaitVisible("#map .server-cluster", chromedp.ByQuery),
		chromedp.Evaluate(`document.querySelectorAll("#map .server-cluster").length`, &clusters),
		waitJS("the map shows its opening zoom", mapZoomJS+" >= 0 && "+mapSettled("map"), 10*time.Second),
		chromedp.Evaluate(mapZoomJS, &zoomBefore),
	)
	if clusters < 2 {
		t.Fatalf("%d clusters at the opening view", clusters)
	}
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("clustered map: axe violations:\n  %s", strings.Join(v, "\n  "))
	}
	run(t, ctx,
		chromedp.Focus("#map .server-cluster", chromedp.ByQuery),
		chromedp.KeyEvent(kb.Enter),
	)
	// The zoom animates; wait (bounded) for it to end at a deeper zoom.
	zoomed := chromedp.Run(ctx, waitJS("zoomed in", fmt.Sprintf("%s > %v && %s", mapZoomJS, zoomBefore, mapSettled("map")), 10*time.Second))
	run(t, ctx, chromedp.Evaluate(mapZoomJS, &zoomAfter))
	if zoomed != nil || zoomAfter <= zoomBefore {
		t.Fatalf("Enter on a cluster did not zoom in: zoom %v → %v (%v)", zoomBefore, zoomAfter, zoomed)
	}
}

func TestDragAPolygonVertexToEditTheShape(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var before, after string
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute"),
		toPlaceStep("Ziehen"),
		chromedp.ScrollIntoView("#draw-map", chromedp.ByID),
		chromedp.Click("#map-mode-Polygon", chromedp.ByID),
		clickMap(-40, -30), vertices(1),
		clickMap(40, -30), vertices(2),
		clickMap(40, 30), vertices(3),
		chromedp.Value("#geometry", &before, chromedp.ByID),
		chromedp.ActionFunc(func(ctx context.Context) error {
			var pos []float64
			if err := chromedp.Evaluate(`(() => { const r = document.querySelectorAll("#draw-map .vertex-handle")[2].getBoundingClientRect(); return [r.left + r.width/2, r.top + r.height/2]; })()`, &pos).Do(ctx); err != nil {
				return err
			}
			x, y := pos[0], pos[1]
			if err := input.DispatchMouseEvent(input.MousePressed, x, y).WithButton(input.Left).WithClickCount(1).Do(ctx); err != nil {
				return err
			}
			for i := 1; i <= 10; i++ {
				if err := input.DispatchMouseEvent(input.MouseMoved, x-float64(4*i), y+float64(3*i)).WithButton(input.Left).Do(ctx); err != nil {
					return err
				}
			}
			return input.DispatchMouseEvent(input.MouseReleased, x-40, y+30).WithButton(input.Left).WithClickCount(1).Do(ctx)
		}),
	)
	// The drag ends in the geometry field (dragend); a bounded wait, the
	// assertions below say what went wrong if it never changes.
	_ = chromedp.Run(ctx, waitJS("the drag changed the geometry", geometryJS+" !== "+strconv.Quote(before), 5*time.Second))
	run(t, ctx,
		chromedp.Value("#geometry", &after, chromedp.ByID),
	)
	var g1, g2 struct {
		Type        string         `json:"type"`
		Coordinates [][][2]float64 `json:"coordinates"`
	}
	if json.Unmarshal([]byte(before), &g1) != nil || json.Unmarshal([]byte(after), &g2) != nil || g2.Type != "Polygon" {
		t.Fatalf("geometry before %q after %q", before, after)
	}
	if len(g2.Coordinates[0]) != len(g1.Coordinates[0]) || g2.Coordinates[0][2] == g1.Coordinates[0][2] {
		t.Fatalf("dragging the third vertex changed nothing: %v → %v", g1.Coordinates, g2.Coordinates)
	}
	if g2.Coordinates[0][0] != g1.Coordinates[0][0] || g2.Coordinates[0][1] != g1.Coordinates[0][1] {
		t.Fatalf("other vertices moved: %v → %v", g1.Coordinates, g2.Coordinates)
	}
}

// Resident text never becomes markup: not in server pages, not in cards the
// script builds from live events, not in map pop-ups.
func TestResidentTextStaysTextInScriptBuiltDOM(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	evil := `<img src=x onerror="window.__xss=1"><b>fett</b>`
	streamOpen := watchStream(ctx)
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
		chromedp.WaitVisible("#map .leaflet-marker-icon, #map .marker-cluster", chromedp.ByQuery),
		streamOpen,
	)
	_, id := post(t, s, evil)
	var xss bool
	var imgs, bolds int
	var cardTitle string
	run(t, ctx,
		chromedp.WaitVisible("#cards li.card-new", chromedp.ByQuery),
		chromedp.Text("#cards li.card-new h3", &cardTitle, chromedp.ByQuery),
		chromedp.Evaluate(`window.__xss === 1`, &xss),
		chromedp.Evaluate(`document.querySelectorAll('img[src="x"]').length`, &imgs),
		chromedp.Evaluate(`document.querySelectorAll('#cards b').length`, &bolds),
	)
	if xss || imgs > 0 || bolds > 0 || cardTitle != evil {
		t.Fatalf("live card: xss=%v imgs=%d bolds=%d title=%q", xss, imgs, bolds, cardTitle)
	}
	// The map pop-up of the same contribution (opened on its marker).
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona?q=fett"),
		chromedp.WaitVisible(`#map .leaflet-marker-icon[title*="fett"]`, chromedp.ByQuery),
		chromedp.Click(`#map .leaflet-marker-icon[title*="fett"]`, chromedp.ByQuery),
		chromedp.WaitVisible("#map .leaflet-popup-content", chromedp.ByQuery),
		chromedp.Evaluate(`window.__xss === 1`, &xss),
		chromedp.Evaluate(`document.querySelectorAll('img[src="x"]').length + document.querySelectorAll('.leaflet-popup-content b').length`, &imgs),
	)
	if xss || imgs > 0 {
		t.Fatalf("pop-up: xss=%v markup=%d", xss, imgs)
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona/contributions/"+id), chromedp.WaitVisible("article.contribution", chromedp.ByQuery),
		chromedp.Evaluate(`window.__xss === 1 || document.querySelectorAll('img[src="x"]').length > 0`, &xss))
	if xss {
		t.Fatal("detail page ran resident markup")
	}
}

func TestAppointmentsAreMarkedOnTheMap(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var titles []string
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
		chromedp.WaitVisible("#map .appointment-marker", chromedp.ByQuery),
		chromedp.Evaluate(`[...document.querySelectorAll("#map .appointment-marker")].map(m => m.getAttribute("title"))`, &titles),
	)
	if len(titles) != 3 || !strings.Contains(titles[0], "2026") && !strings.Contains(titles[0], "2027") {
		t.Fatalf("appointment markers: %q", titles)
	}
}
