package e2e

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The wall is made for a projector: at 1920×1080 it fills the screen
// without scrolling and without the site's header, shows the map with the
// contributions, the counters, one of the newest in large type and a QR
// code, and links nowhere but through the QR code; at 3840×2160 the same
// with type twice the size.
func TestWallFitsAProjector(t *testing.T) {
	s := start(t, "")
	ctx := sized(t, 1920, 1080)
	run(t, ctx, chromedp.Navigate(s.URL+"/wall/gruenzug-altona"), wallReady)
	var got struct {
		ScrollW, ScrollH, VW, VH                   float64
		Header, Footer, Rotating, Shown, Pins, QRW float64
		Cats, Origins                              float64
		MapW, MapH, Font, TitleFont, MetaFont      float64
		MapInView, QRInView, CardInView            bool
		Links                                      []string
	}
	layout := `(() => {
		const d = document.documentElement, r = e => e ? e.getBoundingClientRect() : {width: 0, height: 0, top: -1, left: -1, bottom: 1e9, right: 1e9};
		const inView = e => { const b = r(e); return b.width > 0 && b.height > 0 && b.top >= 0 && b.left >= 0 && b.bottom <= innerHeight + 1 && b.right <= innerWidth + 1; };
		const shown = Array.from(document.querySelectorAll("#wall-list > li")).filter(li => li.getBoundingClientRect().height > 0);
		const px = (e, sel) => e && e.querySelector(sel) ? parseFloat(getComputedStyle(e.querySelector(sel)).fontSize) : 0;
		const card = shown[0], map = document.getElementById("wall-map"), qr = document.getElementById("wall-qr");
		return {ScrollW: Math.max(d.scrollWidth, document.body.scrollWidth), ScrollH: Math.max(d.scrollHeight, document.body.scrollHeight),
			VW: innerWidth, VH: innerHeight,
			Header: document.querySelectorAll(".site-header, .site-footer, .skip-link").length, Footer: 0,
			Rotating: document.getElementById("wall").classList.contains("wall-rotating") ? 1 : 0, Shown: shown.length,
			Pins: map.querySelectorAll(".wall-pin, .wall-path").length, QRW: r(qr).width,
			Cats: document.querySelectorAll("#wall-by-category li .wall-n").length, Origins: document.querySelectorAll("#wall-by-origin li .wall-n").length,
			MapW: r(map).width, MapH: r(map).height,
			Font: card ? parseFloat(getComputedStyle(card.querySelector(".wall-text")).fontSize) : 0, TitleFont: px(card, "h3"), MetaFont: px(card, ".wall-meta"),
			MapInView: inView(map), QRInView: inView(qr) && qr.complete && qr.naturalWidth > 0, CardInView: inView(card),
			Links: Array.from(document.querySelectorAll("a[href]")).map(a => a.getAttribute("href")).filter(h => !h.startsWith("#"))};
	})()`
	check := func(size string, minFont float64) {
		run(t, ctx, chromedp.Evaluate(layout, &got))
		if got.ScrollW > got.VW || got.ScrollH > got.VH {
			t.Errorf("%s: the wall scrolls: document %vx%v in a %vx%v viewport", size, got.ScrollW, got.ScrollH, got.VW, got.VH)
		}
		if got.Header != 0 {
			t.Errorf("%s: the site's header, footer or skip link is on the wall", size)
		}
		if !got.MapInView || got.MapW < got.VW/2 || got.MapH < got.VH/2 || got.Pins == 0 {
			t.Errorf("%s: map %vx%v (in view %v) with %v pins", size, got.MapW, got.MapH, got.MapInView, got.Pins)
		}
		if got.Cats < 3 || got.Origins < 4 {
			t.Errorf("%s: %v category and %v origin counters", size, got.Cats, got.Origins)
		}
		if got.Rotating != 1 || got.Shown != 1 || !got.CardInView {
			t.Errorf("%s: rotating %v, %v cards shown, in view %v", size, got.Rotating, got.Shown, got.CardInView)
		}
		if got.Font < minFont || got.TitleFont < minFont || got.MetaFont < minFont {
			t.Errorf("%s: the newest are written at %v px (title %v, meta %v), want ≥ %v", size, got.Font, got.TitleFont, got.MetaFont, minFont)
		}
		if !got.QRInView || got.QRW < 200 {
			t.Errorf("%s: QR code %v px wide, in view and loaded: %v", size, got.QRW, got.QRInView)
		}
		if len(got.Links) != 1 || got.Links[0] != "/p/gruenzug-altona" {
			t.Errorf("%s: the wall links to %q; only the QR code may lead to the procedure", size, got.Links)
		}
	}
	check("1920×1080", 28)
	screenshot(t, ctx, "wall-1920.png")
	noAxeViolations(t, ctx, "the wall at 1920×1080")
	run(t, ctx, chromedp.EmulateViewport(3840, 2160), chromedp.Reload(), wallReady)
	check("3840×2160", 56)
	screenshot(t, ctx, "wall-3840.png")
}

// wallReady waits until the wall's map has loaded the contributions and
// its QR code has loaded.
var wallReady = waitJS("the wall's map and QR code",
	`document.getElementById("wall-map").getAttribute("data-ready") === "true" && document.getElementById("wall-qr").complete`, 15*time.Second)

// stampWhen has the page note the time (Date.now()) at which js first
// holds, checked on every change of the DOM: the page's own clock tells
// when a change showed, however late the test's polling sees it.
func stampWhen(name, js string) chromedp.Action {
	return chromedp.Evaluate(`(() => {
		window.wallSeen = window.wallSeen || {};
		const check = () => { if (!window.wallSeen[`+jsString(name)+`] && (`+js+`)) { window.wallSeen[`+jsString(name)+`] = Date.now(); } };
		new MutationObserver(check).observe(document.body, {subtree: true, childList: true, characterData: true, attributes: true});
		check();
	})()`, nil)
}

// shownWithin waits for the page's stamp name and fails unless it came at
// most a second after the write that ended at wrote.
func shownWithin(t *testing.T, ctx context.Context, name string, wrote time.Time, what string) {
	t.Helper()
	var at float64
	run(t, ctx, waitJS(what, `!!(window.wallSeen && window.wallSeen[`+jsString(name)+`])`, time.Until(wrote.Add(time.Second))+5*time.Second),
		chromedp.Evaluate(`window.wallSeen[`+jsString(name)+`]`, &at))
	d := time.UnixMilli(int64(at)).Sub(wrote)
	t.Logf("%s: %v after the write", what, d)
	if d > time.Second {
		t.Errorf("%s: shown %v after the write, want within 1 s", what, d)
	}
}

// query is the page's expression for the first element matching sel.
func query(sel string) string { return "document.querySelector(" + jsString(sel) + ")" }

// counter is the page's expression for the number of a counter.
func counter(list, key string) string {
	return `Number((` + query(`#`+list+` li[data-key="`+key+`"] .wall-n`) + ` || {}).textContent)`
}

// A contribution posted through the API shows on the wall within a second
// (a pin, one more in its category's and its origin's counter, on top of
// the rotation); an edit of its title shows in the rotation; hidden, it
// leaves within a second (no pin, the counters back).
func TestWallFollowsContributionsWithinASecond(t *testing.T) {
	s := start(t, "")
	ctx := sized(t, 1920, 1080)
	streamOpen := watchStream(ctx)
	run(t, ctx, chromedp.Navigate(s.URL+"/wall/gruenzug-altona"), streamOpen, wallReady)
	var cat, online float64
	run(t, ctx, chromedp.Evaluate(counter("wall-by-category", "verkehr"), &cat), chromedp.Evaluate(counter("wall-by-origin", "online"), &online))
	title := "Neu an der Wand " + strconv.FormatInt(time.Now().UnixNano()%1e6, 10)
	counted := func(c, o float64) string {
		return fmt.Sprintf(`%s === %v && %s === %v`, counter("wall-by-category", "verkehr"), c, counter("wall-by-origin", "online"), o)
	}
	run(t, ctx, stampWhen("arrived", "!!"+query(`#wall-map .wall-pin[title="Beitrag: `+title+`"]`)+" && "+
		counted(cat+1, online+1)+` && (document.querySelector("#wall-list li.wall-current h3") || {}).textContent === `+jsString(title)))
	token, id := post(t, s, title)
	shownWithin(t, ctx, "arrived", time.Now(), "the new contribution's pin, counters and card")

	// An edit of the title, through the manage page without scripts.
	edited := title + " (geändert)"
	editor := browser(t)
	run(t, editor, emulation.SetScriptExecutionDisabled(true), chromedp.Navigate(s.URL+"/manage/"+token),
		chromedp.WaitVisible("#title", chromedp.ByID))
	run(t, ctx, stampWhen("edited", `(`+query(`#wall-list li[data-id="`+id+`"].wall-current h3`)+` || {}).textContent === `+jsString(edited)))
	// The write is done when the form's answer (a redirect) arrives.
	saved := make(chan time.Time, 1)
	chromedp.ListenTarget(editor, func(ev any) {
		if r, ok := ev.(*network.EventRequestWillBeSent); ok && r.RedirectResponse != nil && r.RedirectResponse.Status == 303 && strings.Contains(r.RedirectResponse.URL, "/manage/") {
			select {
			case saved <- time.Now():
			default:
			}
		}
	})
	run(t, editor, network.Enable(), chromedp.SetValue("#title", edited, chromedp.ByID),
		chromedp.Click(`#contribute-form button[value="save"]`, chromedp.ByQuery),
		chromedp.WaitVisible("p.notice", chromedp.ByQuery))
	var wrote time.Time
	select {
	case wrote = <-saved:
	case <-time.After(5 * time.Second):
		t.Fatal("the manage form's answer was not seen")
	}
	shownWithin(t, ctx, "edited", wrote, "the edited title in the rotation")

	run(t, ctx, stampWhen("hidden", "!"+query(`#wall-map [data-id="`+id+`"]`)+" && !"+query(`#wall-list li[data-id="`+id+`"]`)+" && "+
		counted(cat, online)))
	hide(t, s, id)
	shownWithin(t, ctx, "hidden", time.Now(), "the hidden contribution gone (pin, card, counters)")
}

// Where the reader prefers reduced motion the newest stand still as a
// list (no rotation, no pause button) and a new pin is marked without a
// pulse.
func TestWallStandsStillForReducedMotion(t *testing.T) {
	s := start(t, "")
	ctx := sized(t, 1920, 1080)
	streamOpen := watchStream(ctx)
	run(t, ctx, emulation.SetEmulatedMedia().WithFeatures([]*emulation.MediaFeature{{Name: "prefers-reduced-motion", Value: "reduce"}}),
		chromedp.Navigate(s.URL+"/wall/gruenzug-altona"), streamOpen, wallReady)
	_, id := post(t, s, "Ohne Bewegung an der Wand")
	var still struct {
		Rotating, PauseShown bool
		Shown                int
		Animation            string
	}
	run(t, ctx, waitJS("the new pin", "!!"+query(`#wall-map .wall-arrived[data-id="`+id+`"]`), 5*time.Second),
		chromedp.Evaluate(`({Rotating: document.getElementById("wall").classList.contains("wall-rotating"),
			PauseShown: !document.getElementById("wall-pause").hidden,
			Shown: Array.from(document.querySelectorAll("#wall-list > li")).filter(li => li.getBoundingClientRect().height > 0).length,
			Animation: getComputedStyle(document.querySelector("#wall-map .wall-arrived .marker-pin")).animationName})`, &still))
	if still.Rotating || still.PauseShown || still.Shown < 2 || still.Animation != "none" {
		t.Fatalf("reduced motion: %+v", still)
	}
}

// The wall's QR code, read by a QR reader from the screen, holds the
// procedure's address.
func TestWallQRCodeLeadsToTheProcedure(t *testing.T) {
	s := start(t, "")
	ctx := sized(t, 1920, 1080)
	var shot []byte
	run(t, ctx, chromedp.Navigate(s.URL+"/wall/gruenzug-altona"), wallReady, chromedp.Screenshot("#wall-qr", &shot, chromedp.ByID))
	addr := decodeQR(t, shot)
	if addr != s.URL+"/p/gruenzug-altona" {
		t.Fatalf("the wall's QR code says %q", addr)
	}
	if code, body := s.get(t, strings.TrimPrefix(addr, s.URL)); code != 200 || !strings.Contains(body, "Grünzug") {
		t.Fatalf("the QR code's address answers %d", code)
	}
}
