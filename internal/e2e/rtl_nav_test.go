package e2e

import (
	"testing"

	"github.com/chromedp/chromedp"
)

// An Arabic page mirrors as a whole (issue 17): the skip link appears at
// the window's right edge when it takes the focus, the site's name stands
// at the right of the header and the procedure's navigation starts at the
// right; a German page is the other way round. Nothing hidden off-screen
// (the skip link before it has the focus) widens the mirrored page: an
// Arabic page scrolls sideways where something sticks out at the left.
func TestArabicPageStartsAtTheRight(t *testing.T) {
	s := start(t, "")
	ctx := sized(t, 1280, 900)
	for _, c := range []struct {
		lang string
		rtl  bool
	}{{"ar", true}, {"de", false}} {
		var skip, brand, nav, first, second rect
		var wide float64
		run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona/statistics?lang="+c.lang), chromedp.WaitReady("body"),
			chromedp.Evaluate(`document.documentElement.scrollWidth`, &wide),
			chromedp.Evaluate(`document.querySelector(".skip-link").focus()`, nil),
			rectOf(".skip-link", &skip), rectOf(".brand", &brand), rectOf(".proc-nav ul", &nav),
			rectOf(".proc-nav li:first-child a", &first), rectOf(".proc-nav li:nth-child(2) a", &second))
		if wide > skip.VW {
			t.Errorf("%s: the page is %v px wide in a %v px window", c.lang, wide, skip.VW)
		}
		if c.rtl {
			if skip.Right < skip.VW-20 || skip.Left < skip.VW/2 {
				t.Errorf("%s: focused skip link not at the right edge: %+v", c.lang, skip)
			}
			if brand.Left < brand.VW/2 {
				t.Errorf("%s: site name not at the right: %+v", c.lang, brand)
			}
			if first.Right < nav.Right-2 || !(second.Right <= first.Left) {
				t.Errorf("%s: navigation does not start at the right: list %+v, first %+v, second %+v", c.lang, nav, first, second)
			}
		} else {
			if skip.Left > 20 || skip.Right > skip.VW/2 {
				t.Errorf("%s: focused skip link not at the left edge: %+v", c.lang, skip)
			}
			if brand.Right > brand.VW/2 {
				t.Errorf("%s: site name not at the left: %+v", c.lang, brand)
			}
			if first.Left > nav.Left+2 || !(second.Left >= first.Right) {
				t.Errorf("%s: navigation does not start at the left: list %+v, first %+v, second %+v", c.lang, nav, first, second)
			}
		}
	}
}
