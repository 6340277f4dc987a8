package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Without JavaScript a resident writes a contribution with typed
// coordinates, keeps the manage link, and withdraws it later.
func TestSubmitWithoutJavaScriptThenWithdrawThroughManageLink(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var heading, manageURL, status, detail string
	run(t, ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute"),
		chromedp.WaitVisible("#title", chromedp.ByID),
		chromedp.SendKeys("#title", "Zebrastreifen ohne JavaScript", chromedp.ByID),
		chromedp.SendKeys("#text", "Eine sichere Querung an der Max-Brauer-Allee fehlt für Schulkinder.", chromedp.ByID),
		chromedp.Click("#category-verkehr", chromedp.ByID),
		chromedp.SendKeys("#lat", "53.5565", chromedp.ByID),
		chromedp.SendKeys("#lon", "9.9450", chromedp.ByID),
		chromedp.SendKeys("#author_name", "Testerin", chromedp.ByID),
		chromedp.Click("#submit-contribution", chromedp.ByID),
		chromedp.WaitVisible("#manage-link", chromedp.ByID),
		chromedp.Text("h1", &heading, chromedp.ByQuery),
		chromedp.AttributeValue("#manage-link", "href", &manageURL, nil, chromedp.ByID),
	)
	if !strings.Contains(heading, "Vielen Dank") || !strings.Contains(manageURL, "/manage/") {
		t.Fatalf("confirmation: %q %q", heading, manageURL)
	}
	run(t, ctx, chromedp.Click("#contribution-link", chromedp.ByID), chromedp.WaitVisible("article.contribution", chromedp.ByQuery),
		chromedp.Text("article.contribution", &detail, chromedp.ByQuery))
	if !strings.Contains(detail, "Zebrastreifen ohne JavaScript") || !strings.Contains(detail, "Testerin") {
		t.Fatalf("detail page: %q", detail)
	}
	_, api := s.get(t, "/api/v1/procedures/gruenzug-altona/contributions?q=Zebrastreifen+ohne")
	if !strings.Contains(api, "Zebrastreifen ohne JavaScript") || !strings.Contains(api, "9.945") {
		t.Fatalf("not stored with its point: %s", api)
	}
	run(t, ctx,
		chromedp.Navigate(manageURL),
		chromedp.WaitVisible("#withdraw", chromedp.ByID),
		chromedp.Click("#withdraw", chromedp.ByID),
		// withdrawing asks first: "Wirklich zurückziehen?"
		chromedp.WaitVisible("#withdraw-confirm", chromedp.ByID),
		chromedp.Click("#withdraw-confirm", chromedp.ByID),
		chromedp.WaitVisible("p.notice", chromedp.ByQuery),
		chromedp.Text("#manage-status", &status, chromedp.ByID),
	)
	if status != "zurückgezogen" {
		t.Fatalf("status after withdrawal = %q", status)
	}
	_, api = s.get(t, "/api/v1/procedures/gruenzug-altona/contributions?q=Zebrastreifen+ohne")
	if strings.Contains(api, "Zebrastreifen ohne JavaScript") {
		t.Fatal("withdrawn contribution still public")
	}
}

// Server-side validation answers next to the field, keeping what was typed.
func TestFormShowsErrorsNextToFields(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var titleErr, kept string
	run(t, ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute"),
		chromedp.WaitVisible("#title", chromedp.ByID),
		chromedp.SendKeys("#title", "ab", chromedp.ByID),
		chromedp.SendKeys("#text", "Ausreichend langer Text für den Test.", chromedp.ByID),
		chromedp.SendKeys("#lat", "50.0", chromedp.ByID),
		chromedp.SendKeys("#lon", "8.0", chromedp.ByID),
		chromedp.Click("#submit-contribution", chromedp.ByID),
		chromedp.WaitVisible("#title-error", chromedp.ByID),
		chromedp.Text("#title-error", &titleErr, chromedp.ByID),
		chromedp.Value("#text", &kept, chromedp.ByID),
	)
	if !strings.Contains(titleErr, "mindestens 3") || kept != "Ausreichend langer Text für den Test." {
		t.Fatalf("title error %q, kept text %q", titleErr, kept)
	}
	var summary string
	run(t, ctx, chromedp.Text(".error-summary", &summary, chromedp.ByQuery))
	if !strings.Contains(summary, "Kategorie") && !strings.Contains(summary, "füllen") {
		t.Fatalf("category error missing from summary: %q", summary)
	}
	if !strings.Contains(summary, "außerhalb des Plangebiets") {
		t.Fatalf("outside-area error missing: %q", summary)
	}
}

func TestRateAndCommentWithImmediateFeedback(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	_, id := post(t, s, "Zum Bewerten")
	var up, pressed, notice, comments string
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contributions/"+id),
		chromedp.WaitVisible("button.vote.up", chromedp.ByQuery),
		chromedp.Click("button.vote.up", chromedp.ByQuery),
		chromedp.WaitVisible("p.notice", chromedp.ByQuery),
		chromedp.Text("button.vote.up .n", &up, chromedp.ByQuery),
		chromedp.AttributeValue("button.vote.up", "aria-pressed", &pressed, nil, chromedp.ByQuery),
		chromedp.Text("p.notice", &notice, chromedp.ByQuery),
	)
	if up != "1" || pressed != "true" || !strings.Contains(notice, "Bewertung") {
		t.Fatalf("after voting: up=%q pressed=%q notice=%q", up, pressed, notice)
	}
	// Pressing again takes the vote back.
	run(t, ctx, chromedp.Click("button.vote.up", chromedp.ByQuery),
		chromedp.WaitVisible(`p.notice[data-notice="unrated"]`, chromedp.ByQuery),
		chromedp.Text("button.vote.up .n", &up, chromedp.ByQuery))
	if up != "0" {
		t.Fatalf("vote not removed: %q", up)
	}
	run(t, ctx,
		chromedp.SendKeys("#comment-text", "Ein Kommentar aus dem Browser.", chromedp.ByID),
		chromedp.Click("#comment-form button", chromedp.ByQuery),
		chromedp.WaitVisible(`p.notice[data-notice="commented"]`, chromedp.ByQuery),
		chromedp.Text("#comments", &comments, chromedp.ByID),
	)
	if !strings.Contains(comments, "Ein Kommentar aus dem Browser.") || !strings.Contains(comments, "Kommentare (1)") {
		t.Fatalf("comments: %q", comments)
	}
}

func TestFilterAndSortTheList(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	var count, url string
	var cards []string
	run(t, ctx,
		emulation.SetScriptExecutionDisabled(true),
		chromedp.Navigate(s.URL+"/p/gruenzug-altona"),
		chromedp.WaitVisible("#filters", chromedp.ByID),
		chromedp.SetValue("#f-category", "gruen", chromedp.ByID),
		chromedp.SetValue("#f-sort", "rated", chromedp.ByID),
		chromedp.Click("#filters button", chromedp.ByQuery),
		chromedp.WaitReady(`#f-sort option[value="rated"][selected]`, chromedp.ByQuery),
		chromedp.Text("#count", &count, chromedp.ByID),
		chromedp.Location(&url),
		chromedp.Evaluate(`[...document.querySelectorAll('#cards li')].map(li => li.className)`, &cards),
	)
	if !strings.Contains(url, "category=gruen") || !strings.Contains(url, "sort=rated") {
		t.Fatalf("filter state not in URL: %s", url)
	}
	if len(cards) == 0 {
		t.Fatal("no cards")
	}
	for _, c := range cards {
		if !strings.Contains(c, "cat-gruen") {
			t.Fatalf("card of another category: %s", c)
		}
	}
	if !strings.Contains(count, "Beiträge") || count == "0 Beiträge" {
		t.Fatalf("count: %q", count)
	}
}
