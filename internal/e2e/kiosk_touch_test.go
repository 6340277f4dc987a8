package e2e

import (
	"context"
	"fmt"
	"testing"
	"time"
	"unicode"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/input"
	"github.com/chromedp/chromedp"
)

// Fingers for the workshop table's browser tests: a touch screen of a
// given size, taps, strokes and typing on the on-screen keyboard.

// touchScreen is a browser with a touch screen of w×h CSS pixels.
func touchScreen(t *testing.T, w, h int64) context.Context {
	t.Helper()
	ctx := browser(t, chromedp.WindowSize(int(w), int(h)))
	run(t, ctx,
		emulation.SetDeviceMetricsOverride(w, h, 1, false),
		emulation.SetTouchEmulationEnabled(true).WithMaxTouchPoints(5),
	)
	return ctx
}

func touch(kind input.TouchType, pts ...[2]float64) chromedp.Action {
	tp := []*input.TouchPoint{}
	for i, p := range pts {
		tp = append(tp, &input.TouchPoint{X: p[0], Y: p[1], ID: float64(i + 1)})
	}
	return input.DispatchTouchEvent(kind, tp)
}

// tapAt taps the screen at x, y with one finger.
func tapAt(x, y float64) chromedp.Action {
	return chromedp.Tasks{touch(input.TouchStart, [2]float64{x, y}), touch(input.TouchEnd)}
}

// centre returns the middle of the first element sel matches, scrolled
// into view as a finger would scroll the panel.
func centre(ctx context.Context, sel string) ([2]float64, error) {
	var box []float64
	js := fmt.Sprintf(`(() => { const e = document.querySelector(%q); if (!e) return []; e.scrollIntoView({block: "nearest"}); const r = e.getBoundingClientRect(); return [r.left + r.width/2, r.top + r.height/2]; })()`, sel)
	if err := chromedp.Evaluate(js, &box).Do(ctx); err != nil {
		return [2]float64{}, err
	}
	if len(box) != 2 {
		return [2]float64{}, fmt.Errorf("no element %s", sel)
	}
	return [2]float64{box[0], box[1]}, nil
}

// tap taps the middle of the element sel, once it is visible.
func tap(sel string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := chromedp.WaitVisible(sel, chromedp.ByQuery).Do(ctx); err != nil {
			return err
		}
		c, err := centre(ctx, sel)
		if err != nil {
			return err
		}
		return tapAt(c[0], c[1]).Do(ctx)
	})
}

// tapArea taps the planning area's outline box at fractions fx, fy of its
// width and height (the area is the first path on the map).
func tapArea(fx, fy float64) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		p, err := areaPoint(ctx, fx, fy)
		if err != nil {
			return err
		}
		return tapAt(p[0], p[1]).Do(ctx)
	})
}

func areaPoint(ctx context.Context, fx, fy float64) ([2]float64, error) {
	var box []float64
	if err := chromedp.Evaluate(`(() => { const p = document.querySelector("#kiosk-map .leaflet-overlay-pane path"); if (!p) return []; const r = p.getBoundingClientRect(); return [r.left, r.top, r.width, r.height]; })()`, &box).Do(ctx); err != nil {
		return [2]float64{}, err
	}
	if len(box) != 4 {
		return [2]float64{}, fmt.Errorf("no planning area on the map")
	}
	return [2]float64{box[0] + fx*box[2], box[1] + fy*box[3]}, nil
}

// swipe draws with one finger through pts.
func swipe(pts ...[2]float64) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		if err := touch(input.TouchStart, pts[0]).Do(ctx); err != nil {
			return err
		}
		for _, p := range pts[1:] {
			if err := touch(input.TouchMove, p).Do(ctx); err != nil {
				return err
			}
			time.Sleep(15 * time.Millisecond)
		}
		if err := touch(input.TouchEnd).Do(ctx); err != nil {
			return err
		}
		// Chromium takes a tap right after a stroke for the end of a fling
		// and sends no click; a hand needs longer to reach a button anyway.
		time.Sleep(700 * time.Millisecond)
		return nil
	})
}

// typeOnScreen types s on the on-screen keyboard: shift for capitals,
// the space bar, the keys for the rest.
func typeOnScreen(s string) chromedp.Action {
	return chromedp.ActionFunc(func(ctx context.Context) error {
		for _, r := range s {
			var steps []string
			switch {
			case r == ' ':
				steps = []string{`#kiosk-kb-keys button[data-action="space"]`}
			case unicode.IsUpper(r):
				steps = []string{`#kiosk-kb-keys button[data-action="shift"]`, fmt.Sprintf(`#kiosk-kb-keys button[data-upper=%q]`, string(r))}
			default:
				steps = []string{fmt.Sprintf(`#kiosk-kb-keys button[data-lower=%q]`, string(r))}
			}
			for _, sel := range steps {
				if err := tap(sel).Do(ctx); err != nil {
					return fmt.Errorf("typing %q: %w", r, err)
				}
			}
		}
		return nil
	})
}
