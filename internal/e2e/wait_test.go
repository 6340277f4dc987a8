package e2e

import (
	"context"
	"fmt"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The tests wait for the condition they need, never for a fixed time: a
// sleep is either too short on a loaded machine (a flaky test) or too long
// everywhere (a slow one).

// eventually polls cond until it holds or timeout passes and reports
// whether it held.
func eventually(t testing.TB, timeout time.Duration, cond func() bool) bool {
	t.Helper()
	deadline := time.Now().Add(timeout)
	for {
		if cond() {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// waitJS evaluates the boolean expression js in the page until it is true,
// for at most timeout; what names the condition in the error. It polls from
// Go rather than in the page (chromedp.Poll), so a navigation while it waits
// (the table's reset) does not break it: a failed evaluation counts as false.
func waitJS(what, js string, timeout time.Duration) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		deadline := time.Now().Add(timeout)
		for {
			var ok bool
			if err := chromedp.Evaluate(js, &ok).Do(ctx); err == nil && ok {
				return nil
			}
			if time.Now().After(deadline) {
				return fmt.Errorf("not within %v: %s", timeout, what)
			}
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(25 * time.Millisecond):
			}
		}
	})
}

// watchStream starts watching the tab ctx for an event stream and returns
// the action that waits until one is open: the browser has the 200 answer
// to an EventSource request. The server subscribes a stream to the broker
// before it answers (api/events.go), so whatever is published after that
// reaches the page. Call it before navigating.
func watchStream(ctx context.Context) chromedp.Action {
	opened := make(chan struct{})
	var once sync.Once
	chromedp.ListenTarget(ctx, func(ev any) {
		if r, ok := ev.(*network.EventResponseReceived); ok && r.Type == network.ResourceTypeEventSource && r.Response != nil && r.Response.Status == 200 {
			once.Do(func() { close(opened) })
		}
	})
	return chromedp.ActionFunc(func(ctx context.Context) error {
		select {
		case <-opened:
			return nil
		case <-time.After(15 * time.Second):
			return fmt.Errorf("the page opened no event stream within 15 s")
		case <-ctx.Done():
			return ctx.Err()
		}
	})
}

// mapSettled is true when the map in the element with id has no pan or
// zoom animation running.
func mapSettled(id string) string {
	return `!document.querySelector("#` + id + ` .leaflet-pan-anim, #` + id + ` .leaflet-zoom-anim")`
}

// geometryJS is the value of the wizard's geometry field.
const geometryJS = `document.getElementById("geometry").value`

// drawAreaShown is true when the drawing map shows the procedure's area and
// stands still: the script draws the area and fits the map to it in the
// same step (contribute.js), so the view is on the area.
var drawAreaShown = waitJS("the drawing map shows the procedure's area",
	`!!document.querySelector("#draw-map .leaflet-overlay-pane path") && `+mapSettled("draw-map"), 10*time.Second)

// vertices waits until the drawing map shows n vertex handles (lines and
// polygons) after a click.
func vertices(n int) chromedp.Action {
	return waitJS(fmt.Sprintf("%d vertices on the drawing map", n),
		fmt.Sprintf(`document.querySelectorAll("#draw-map .vertex-handle").length === %d`, n), 5*time.Second)
}

// pointPlaced waits until the wizard's geometry field holds a point.
var pointPlaced = waitJS("a point in the geometry field", geometryJS+`.includes('"Point"')`, 5*time.Second)

// mapZoomJS reads the procedure map's zoom from the DOM, not from a script
// global: the base layer's current level is the one Leaflet stacks on top
// (z-index maxZoom), and its tiles name the zoom in their address
// (…/{z}/{x}/{y}.png, see MITREDEN_TILE_URL in start). -1 while unknown.
const mapZoomJS = `(() => {
	const layer = document.querySelector("#map .leaflet-tile-pane .leaflet-layer");
	if (!layer) return -1;
	let top = null;
	for (const lvl of layer.querySelectorAll(".leaflet-tile-container")) {
		if (!top || Number(lvl.style.zIndex) > Number(top.style.zIndex)) top = lvl;
	}
	const img = top && top.querySelector("img.leaflet-tile");
	const m = img && /\/(\d+)\/-?\d+\/-?\d+\.png/.exec(img.getAttribute("src") || "");
	return m ? Number(m[1]) : -1;
})()`

// signIn fills the back office's login form and sends it by script, so
// that nothing depends on node ids a page still settling after its
// redirect may replace (seen as "No node with given id found" under load).
func signIn(email, password string) chromedp.Action {
	js := `(() => { const e = document.getElementById("email"), p = document.getElementById("password"), b = document.getElementById("login");
		if (!e || !p || !b) { return false; }
		e.value = ` + strconv.Quote(email) + `; p.value = ` + strconv.Quote(password) + `; b.click(); return true; })()`
	return waitJS("the login form", js, 10*time.Second)
}
