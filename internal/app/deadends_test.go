package app_test

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// rawCode finds an HTTP status shown as a number in parentheses, the way
// the error page used to title itself ("Das hat nicht geklappt (422)").
var rawCode = regexp.MustCompile(`\([1-5][0-9][0-9]\)`)

// A comment that fails validation comes back on the contribution's own
// page: status 422, what was written still in the form, the message
// beside the field and tied to it, and no bare error page.
func TestCommentErrorKeepsTextBesideTheField(t *testing.T) {
	e := newEnv(t, nil)
	id := firstContribution(t, e)
	page := "/p/" + slug + "/contributions/" + id
	target := page + "/comments"

	// whitespace only: the pseudonym is kept, the text field says what is wrong
	r := e.formPost(t, page, target, url.Values{"text": {"   \n  "}, "author_name": {"Nachbarin Quast"}})
	if r.status != 422 {
		t.Fatalf("whitespace comment: %d, want 422", r.status)
	}
	for _, want := range []string{
		`id="comment-form"`,
		`value="Nachbarin Quast"`,
		`aria-invalid="true" aria-describedby="comment-text-error"`,
		`<p class="error" id="comment-text-error">Bitte füllen Sie dieses Feld aus.</p>`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("whitespace comment: page lacks %q", want)
		}
	}
	if rawCode.MatchString(r.body) || strings.Contains(r.body, "<h1>Das hat nicht geklappt") {
		t.Errorf("whitespace comment ends on an error page: %.300s", r.body)
	}

	// too long: the text itself comes back in the textarea
	long := strings.Repeat("Mehr Bänke & Schatten am Ufer. ", 70)
	r = e.formPost(t, page, target, url.Values{"text": {long}})
	if r.status != 422 {
		t.Fatalf("long comment: %d, want 422", r.status)
	}
	if !strings.Contains(r.body, html.EscapeString(strings.TrimSpace(long))) && !strings.Contains(r.body, html.EscapeString(long)) {
		t.Error("long comment: the text is not kept in the form")
	}
	if !strings.Contains(r.body, `id="comment-text-error"`) {
		t.Error("long comment: no message beside the field")
	}
	if n := e.count(t, `SELECT COUNT(*) FROM comments WHERE author_name = 'Nachbarin Quast'`); n != 0 {
		t.Errorf("a refused comment was stored (%d)", n)
	}
}

// The same on the plan variants' page: the failed variant's form keeps
// the text and carries the message.
func TestConceptionCommentErrorKeepsText(t *testing.T) {
	e := newEnv(t, nil)
	key := firstConception(t, e)
	long := strings.Repeat("Variante B braucht mehr Grün. ", 70)
	r := e.formPost(t, "/p/"+slug+"/conceptions", "/p/"+slug+"/conceptions/"+url.PathEscape(key)+"/comments",
		url.Values{"text": {long}, "author_name": {"Herr Lind"}})
	if r.status != 422 {
		t.Fatalf("variant comment: %d, want 422", r.status)
	}
	for _, want := range []string{
		html.EscapeString(long),
		`value="Herr Lind"`,
		`aria-describedby="cc-text-error-` + key + `"`,
		`<p class="error" id="cc-text-error-` + key + `">`,
	} {
		if !strings.Contains(r.body, want) {
			t.Errorf("variant comment: page lacks %.80q", want)
		}
	}
	if rawCode.MatchString(r.body) {
		t.Error("variant comment: a raw status code on the page")
	}
}

// Residents never read status numbers: the error page names what happened
// and offers a way back into the procedure, the status itself unchanged.
func TestErrorPageShowsNoRawCodeAndAWayBack(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "GET", "/p/"+slug+"/contributions/gibt-es-nicht-123", "", "")
	if r.status != 404 {
		t.Fatalf("unknown contribution: %d", r.status)
	}
	if rawCode.MatchString(r.body) {
		t.Errorf("error page shows a raw status code: %s", rawCode.FindString(r.body))
	}
	if !strings.Contains(r.body, `href="/p/`+slug+`"`) || !strings.Contains(r.body, "Zurück zum Verfahren") {
		t.Error("error page offers no way back to the procedure")
	}
	r = e.do(t, "GET", "/p/gibt-es-nicht", "", "")
	if r.status != 404 || rawCode.MatchString(r.body) || !strings.Contains(r.body, `href="/"`) {
		t.Errorf("unknown procedure: %d, raw code %v, no home link", r.status, rawCode.MatchString(r.body))
	}
	if strings.Contains(r.body, "Zurück zum Verfahren") {
		t.Error("a way back to a procedure that does not exist")
	}
}

// Withdrawing asks first: the button leads to "Wirklich zurückziehen?"
// with confirm and cancel, and only the confirmation withdraws.
func TestWithdrawAsksForConfirmation(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, "Bitte nicht vorschnell", okText, "gruen"))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var f struct {
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
	}
	_ = json.Unmarshal([]byte(r.body), &f)
	token, _ := f.Properties["manage_token"].(string)
	manage := "/manage/" + token

	ask := e.formPost(t, manage, manage, url.Values{"action": {"withdraw"}})
	if ask.status != 200 {
		t.Fatalf("withdraw button: %d, want the confirmation page", ask.status)
	}
	for _, want := range []string{"Wirklich zurückziehen?", `name="confirm" value="yes"`, `id="withdraw-cancel"`, `href="` + manage + `"`} {
		if !strings.Contains(ask.body, want) {
			t.Errorf("confirmation page lacks %q", want)
		}
	}
	if st := e.do(t, "GET", "/p/"+slug+"/contributions/"+f.ID, "", ""); st.status != 200 {
		t.Fatalf("withdrawn without confirmation: contribution answers %d", st.status)
	}

	done := e.formPost(t, manage, manage, url.Values{"action": {"withdraw"}, "confirm": {"yes"}})
	if done.status != 303 || !strings.Contains(done.header.Get("Location"), "notice=withdrawn") {
		t.Fatalf("confirmed withdrawal: %d %s", done.status, done.header.Get("Location"))
	}
	if st := e.do(t, "GET", "/p/"+slug+"/contributions/"+f.ID, "", ""); st.status != 410 {
		t.Fatalf("after confirmation the contribution answers %d, want 410", st.status)
	}
}

// The confirmation page says what happens next, that the link is private,
// and offers a copy button (a module) while the link stays plain text.
func TestSubmittedPageExplainsAndOffersCopy(t *testing.T) {
	e := newEnv(t, nil)
	page := "/p/" + slug + "/contribute"
	r := e.formPost(t, page, page, url.Values{"title": {"Ein Trinkbrunnen am Spielplatz"}, "text": {okText},
		"category": {"gruen"}, "lat": {"53.5535"}, "lon": {"9.9395"}})
	if r.status != 201 {
		t.Fatalf("submit: %d %.400s", r.status, r.body)
	}
	for _, want := range []string{"Wie geht es weiter?", "Der Link ist privat", `id="manage-link"`, `data-copy="manage-link"`, `js/copylink.js"></script>`} {
		if !strings.Contains(r.body, want) {
			t.Errorf("confirmation page lacks %q", want)
		}
	}
}
