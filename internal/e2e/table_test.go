package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// A contribution written at a workshop table in the browser (touch-sized
// wizard, map step) is tagged with the table, shows no private link and
// appears live on the wall projection.
func TestWorkshopTableFeedsTheWall(t *testing.T) {
	s := start(t, "")
	wall := browser(t)
	streamOpen := watchStream(wall)
	run(t, wall, chromedp.Navigate(s.URL+"/wall/gruenzug-altona"), chromedp.WaitVisible("#wall-list", chromedp.ByID),
		streamOpen)
	table := touchScreen(t, 1920, 1080)
	var thanks string
	run(t, table,
		chromedp.Navigate(s.URL+tableLink(t, s, 4)),
		kioskToPlace("gruen"),
		tapArea(0.4, 0.5),
		waitJS("a place in the geometry field", geometryJS+` !== ""`, 5*time.Second),
		tap("#kiosk-place-next"),
		chromedp.SendKeys("#title", "Vom Werkstatt-Tisch vier", chromedp.ByID),
		chromedp.SendKeys("#text", "Ein Beitrag, am Tisch auf der Karte gesetzt.", chromedp.ByID),
		tap("#submit-contribution"),
		chromedp.WaitVisible("#next-contribution", chromedp.ByID),
		chromedp.Text("main", &thanks, chromedp.ByQuery),
	)
	if strings.Contains(thanks, "/manage/") {
		t.Fatalf("a private link on a shared table: %q", thanks)
	}
	if v := axe(t, table); len(v) > 0 {
		t.Errorf("thanks page: axe violations:\n  %s", strings.Join(v, "\n  "))
	}
	res, err := http.Get(s.URL + "/api/v1/procedures/gruenzug-altona/contributions?origin=table:4")
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var fc struct {
		Features []struct {
			Geometry   *struct{ Type string } `json:"geometry"`
			Properties struct{ Title, Origin string }
		} `json:"features"`
	}
	json.Unmarshal(b, &fc)
	if len(fc.Features) != 1 || fc.Features[0].Properties.Title != "Vom Werkstatt-Tisch vier" || fc.Features[0].Geometry == nil {
		t.Fatalf("stored from table 4: %s", b)
	}
	var first string
	// The wall rotates its cards (8 s each): by now another may be shown.
	run(t, wall, chromedp.WaitReady("#wall-list li.wall-new", chromedp.ByQuery),
		chromedp.TextContent("#wall-list li:first-child", &first, chromedp.ByQuery))
	if !strings.Contains(first, "Vom Werkstatt-Tisch vier") || !strings.Contains(first, "vom Werkstatt-Tisch") {
		t.Fatalf("wall shows %q", first)
	}
}

// After a spell without input the table warns, then starts over with an
// empty form; "I am still here" keeps what was typed.
func TestWorkshopTableStartsOverAfterInactivity(t *testing.T) {
	s := start(t, "", "MITREDEN_TABLE_IDLE=4")
	ctx := touchScreen(t, 1920, 1080)
	var title string
	link := tableLink(t, s, 2)
	run(t, ctx,
		chromedp.Navigate(s.URL+link),
		kioskToPlace("gruen"),
		tap("#kiosk-place-next"),
		chromedp.WaitVisible("#title", chromedp.ByID),
		chromedp.SendKeys("#title", "Halb geschrieben", chromedp.ByID),
		chromedp.WaitVisible("#idle-dialog", chromedp.ByID), // after 2 s
		chromedp.Click("#idle-stay", chromedp.ByID),
		chromedp.WaitNotVisible("#idle-dialog", chromedp.ByID),
		chromedp.Value("#title", &title, chromedp.ByID),
	)
	if title != "Halb geschrieben" {
		t.Fatalf("staying lost the text: %q", title)
	}
	run(t, ctx, chromedp.WaitVisible("#idle-dialog", chromedp.ByID))
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("idle warning: axe violations:\n  %s", strings.Join(v, "\n  "))
	}
	// The reset is the thing under test: it comes a spell after the warning
	// (2 s here), when the page loads the table's link afresh. Wait for its
	// effect, an empty form with the warning gone, with a generous deadline;
	// if it never comes the title still holds the text.
	// The page reloads while this waits: the condition is read afresh until
	// the new page has settled (a failed read counts as not yet).
	if err := chromedp.Run(ctx, waitJS("the table started over",
		`(() => { const t = document.getElementById("title"), d = document.getElementById("idle-dialog");
			return document.readyState === "complete" && !!t && t.value === "" && !!d && d.hidden; })()`,
		15*time.Second)); err != nil {
		_ = chromedp.Run(ctx, chromedp.Evaluate(`(document.getElementById("title") || {}).value || ""`, &title))
		t.Fatalf("the next person finds %q (%v)", title, err)
	}
	var url string
	run(t, ctx, chromedp.Location(&url))
	if !strings.HasSuffix(url, link) {
		t.Fatalf("reset to %s", url)
	}
}
