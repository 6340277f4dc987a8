package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
)

// A comment the server refuses comes back on the same page: the pseudonym
// still typed, the message beside the text field, the field focused; then
// the withdrawal asks first, and both pages pass axe.
func TestRefusedCommentStaysOnThePageAndWithdrawAsks(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	token, id := post(t, s, "Kein Sackgassen-Test")
	var msg, author, focused, heading string
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contributions/"+id),
		chromedp.WaitVisible("#comment-text", chromedp.ByID),
		chromedp.SendKeys("#comment-text", "   ", chromedp.ByID),
		chromedp.SendKeys("#comment-author", "Nachbarin Quast", chromedp.ByID),
		chromedp.Click("#comment-form button", chromedp.ByQuery),
		chromedp.WaitVisible("#comment-text-error", chromedp.ByID),
		chromedp.Text("#comment-text-error", &msg, chromedp.ByID),
		chromedp.Value("#comment-author", &author, chromedp.ByID),
		chromedp.Evaluate(`document.activeElement && document.activeElement.id`, &focused),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
	)
	if msg == "" || author != "Nachbarin Quast" || focused != "comment-text" || strings.Contains(heading, "nicht geklappt") {
		t.Fatalf("refused comment: message %q, author %q, focus on %q, heading %q", msg, author, focused, heading)
	}
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("refused comment page: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}
	run(t, ctx,
		chromedp.Navigate(s.URL+"/manage/"+token),
		chromedp.WaitVisible("#withdraw", chromedp.ByID),
		chromedp.Click("#withdraw", chromedp.ByID),
		chromedp.WaitVisible("#withdraw-cancel", chromedp.ByID),
	)
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("withdraw confirmation: %d axe violations:\n  %s", len(v), strings.Join(v, "\n  "))
	}
	var status string
	run(t, ctx, chromedp.Click("#withdraw-cancel", chromedp.ByID), chromedp.WaitVisible("#manage-status", chromedp.ByID),
		chromedp.Text("#manage-status", &status, chromedp.ByID))
	if strings.Contains(status, "zurückgezogen") {
		t.Fatalf("cancel withdrew: %q", status)
	}
}

// A point outside the planning area is refused on the map step: "Weiter"
// stays there and takes the reader to the map's warning.
func TestPointOutsideTheAreaIsRefusedOnTheMapStep(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var step, focused string
	var warned bool
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute"),
		toPlaceStep("Weit draußen"),
		chromedp.SetValue("#lat", "50.0", chromedp.ByID),
		chromedp.SetValue("#lon", "8.0", chromedp.ByID),
		chromedp.Evaluate(`document.getElementById("lon").dispatchEvent(new Event("change", {bubbles: true}))`, nil),
		chromedp.WaitVisible("#geometry-outside", chromedp.ByID),
		chromedp.Click("#wizard-next", chromedp.ByID),
		chromedp.AttributeValue("#contribute-form", "data-step", &step, nil, chromedp.ByID),
		chromedp.Evaluate(`document.activeElement && document.activeElement.id`, &focused),
		chromedp.Evaluate(`!document.getElementById("geometry-outside").hidden`, &warned),
	)
	if step != "3" || focused != "geometry-outside" || !warned {
		t.Fatalf("outside point: step %q, focus on %q, warning shown %v", step, focused, warned)
	}
}
