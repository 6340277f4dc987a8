package e2e

import (
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// With scripts, "load more" appends the next page below the first 20 cards
// (the page stays, the first cards stay), the focus moves to the first new
// card, and the number loaded is announced; the page passes axe after it.
func TestListLoadMoreAppends(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var label string
	var before, after []string
	var stayed bool
	var focusIndex int
	var live string
	var moreLeft bool
	hrefs := `Array.from(document.querySelectorAll('#cards > li.card h3 a')).map(a => a.getAttribute('href'))`
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
		waitJS("the list's link becomes load more", `(function(){var m=document.getElementById('more');return !!m && m.getAttribute('role')==='button';})()`, 10*time.Second),
		chromedp.Text("#more", &label, chromedp.ByID),
		chromedp.Evaluate(hrefs, &before),
		chromedp.Evaluate(`window.__stayed = true`, nil),
		chromedp.Click("#more", chromedp.ByID),
		waitJS("more cards", `document.querySelectorAll('#cards > li.card').length > 20`, 10*time.Second),
		waitJS("the announcement", `!!document.getElementById('mitreden-live') && document.getElementById('mitreden-live').textContent !== ''`, 5*time.Second),
		chromedp.Evaluate(hrefs, &after),
		chromedp.Evaluate(`window.__stayed === true`, &stayed),
		chromedp.Evaluate(`(function(){var li=document.activeElement&&document.activeElement.closest('li.card');return li?Array.prototype.indexOf.call(document.querySelectorAll('#cards > li.card'),li):-1;})()`, &focusIndex),
		chromedp.Text("#mitreden-live", &live, chromedp.ByID),
		chromedp.Evaluate(`!!document.getElementById('more')`, &moreLeft),
	)
	if label != "Weitere Beiträge laden" {
		t.Errorf("with scripts the link reads %q", label)
	}
	if len(before) != 20 {
		t.Fatalf("first page: %d cards, want 20 (the demo needs more than 20 contributions)", len(before))
	}
	if !stayed {
		t.Fatal("load more navigated away")
	}
	if len(after) <= 20 {
		t.Fatalf("after load more: %d cards", len(after))
	}
	for i := range before {
		if after[i] != before[i] {
			t.Fatalf("card %d changed: %q → %q", i, before[i], after[i])
		}
	}
	seen := map[string]bool{}
	for _, h := range after {
		if seen[h] {
			t.Errorf("card %s twice", h)
		}
		seen[h] = true
	}
	if focusIndex != 20 {
		t.Errorf("focus on card %d, want the first new one (20)", focusIndex)
	}
	if n := len(after) - 20; !strings.Contains(live, " weitere Beiträge geladen") || !strings.HasPrefix(live, strconv.Itoa(n)) {
		t.Errorf("announced %q, want %d weitere Beiträge geladen", live, n)
	}
	if moreLeft && len(after) < 40 {
		t.Errorf("the link stays although the list has ended (%d cards)", len(after))
	}
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("after load more: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}
}

// An empty result offers to reset the filters, and the reset shows the
// whole list again.
func TestListEmptyResultResets(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var empty string
	var n int
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona?q=Zyxwvutsrqpon"),
		chromedp.WaitVisible("#reset", chromedp.ByID),
		chromedp.Text("#empty", &empty, chromedp.ByID),
	)
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("empty result: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}
	run(t, ctx,
		chromedp.Click("#reset", chromedp.ByID),
		waitJS("the whole list", `location.search === '' && document.querySelectorAll('#cards > li.card').length > 0`, 10*time.Second),
		chromedp.Evaluate(`document.querySelectorAll('#cards > li.card').length`, &n),
	)
	if !strings.Contains(empty, "Keine Beiträge passen") || n != 20 {
		t.Fatalf("empty result %q; after the reset %d cards", empty, n)
	}
}
