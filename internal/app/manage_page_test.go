package app_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

func TestManagePageShowsEverythingAboutOnesContribution(t *testing.T) {
	e := newEnv(t, nil)
	moderator := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	planner := "Bearer " + e.token(t, "planerin@example.org", model.RolePlanner)
	api := func(method, path, auth, body string) {
		t.Helper()
		if r := e.do(t, method, path, "application/json", body, "Authorization", auth); r.status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
		}
	}
	id, token := createContribution(t, e, "Bank am Spielplatz")
	manage := func() string {
		t.Helper()
		r := e.do(t, "GET", "/manage/"+token, "", "")
		if r.status != 200 {
			t.Fatalf("manage page: %d", r.status)
		}
		return r.body
	}
	// fresh: published, no status, no response yet; the form is still there
	page := manage()
	for _, want := range []string{`id="manage-state"`, `id="manage-published"`, "Noch kein Planungsstand.", `id="manage-no-response"`,
		"0 Zustimmungen", `id="contribute-form"`, `id="withdraw"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("fresh manage page lacks %q", want)
		}
	}
	// what happened meanwhile: status, response, comments, ratings
	api("PATCH", "/api/v1/contributions/"+id, moderator, `{"planning_status":"considered"}`)
	api("POST", "/api/v1/contributions/"+id+"/responses", planner, `{"text":"Wir **prüfen** den Standort.","author":"Bezirksamt Altona"}`)
	api("POST", "/api/v1/contributions/"+id+"/comments", "", `{"text":"Gute Idee, finde ich auch.","author_name":"Nachbarin"}`)
	api("POST", "/api/v1/contributions/"+id+"/ratings", "", `{"value":1}`)
	page = manage()
	for _, want := range []string{`data-planning="considered"`, "Wird berücksichtigt", "<strong>prüfen</strong>", "Bezirksamt Altona",
		"Gute Idee, finde ich auch.", "Nachbarin", "1 Zustimmung", "0 Ablehnungen"} {
		if !strings.Contains(page, want) {
			t.Fatalf("manage page lacks %q", want)
		}
	}
	// hidden: the public reason
	api("PATCH", "/api/v1/contributions/"+id, moderator, `{"status":"hidden","reason":"Enthält eine Telefonnummer."}`)
	page = manage()
	if !strings.Contains(page, `id="manage-hidden"`) || !strings.Contains(page, "Enthält eine Telefonnummer.") {
		t.Fatal("hidden state or reason missing")
	}
	// merged: a link to the one it went into
	into, _ := createContribution(t, e, "Sitzbank am Spielplatz")
	api("PATCH", "/api/v1/contributions/"+id, moderator, `{"status":"published"}`)
	api("POST", "/api/v1/contributions/"+id+"/merge", moderator, `{"into":"`+into+`","reason":"Gleicher Wunsch."}`)
	page = manage()
	if !strings.Contains(page, `id="manage-merged"`) || !strings.Contains(page, `href="/p/`+slug+`/contributions/`+into+`"`) || !strings.Contains(page, "Gleicher Wunsch.") {
		t.Fatal("merged state or link missing")
	}
	// waiting under pre-moderation, in English
	other, otherToken := createContribution(t, e, "Laterne am Weg")
	api("PATCH", "/api/v1/contributions/"+other, moderator, `{"status":"submitted"}`)
	r := e.do(t, "GET", "/manage/"+otherToken+"?lang=en", "", "")
	if !strings.Contains(r.body, `id="manage-waiting"`) || !strings.Contains(r.body, "No planning status yet.") {
		t.Fatal("waiting state missing")
	}
	// editing still works from the page
	csrf := csrfToken(t, r.body)
	jar := cookieJar{}
	jar.take(r.header)
	form := url.Values{"_csrf": {csrf}, "action": {"withdraw"}, "confirm": {"yes"}}
	if w := e.do(t, "POST", "/manage/"+otherToken, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header()); w.status != 303 {
		t.Fatalf("withdraw: %d %s", w.status, w.body)
	}
	if r := e.do(t, "GET", "/manage/"+otherToken, "", ""); !strings.Contains(r.body, `id="manage-withdrawn"`) {
		t.Fatal("withdrawn state missing")
	}
}
