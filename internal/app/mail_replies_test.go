package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// submitWithReplies posts a contribution with an address and
// "email_replies": true through the API and returns its id.
func submitWithReplies(t *testing.T, e *env, title, email string) string {
	t.Helper()
	body := `{"type":"Feature","geometry":null,"properties":{"title":` + jsonStr(title) + `,"text":` + jsonStr(okText) +
		`,"category":"verkehr","email":` + jsonStr(email) + `,"email_replies":true}}`
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions?lang=de", "application/json", body)
	if r.status != 201 || !strings.Contains(r.body, `"subscription":"pending"`) {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	var f struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal([]byte(r.body), &f); err != nil {
		t.Fatal(err)
	}
	return f.ID
}

func comment(t *testing.T, e *env, id, text string) string {
	t.Helper()
	r := e.do(t, "POST", "/api/v1/contributions/"+id+"/comments", "application/json", `{"text":`+jsonStr(text)+`}`)
	if r.status != 201 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	return r.body
}

// A resident who ticked "also tell me about new comments" and confirmed
// gets one "reply" message in German quoting the comment, with the links;
// a second comment within the hour sends nothing more. A subscriber
// without the opt-in hears nothing of comments.
func TestMailRepliesOptInOneMessagePerHour(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	if r := e.do(t, "GET", "/p/"+slug+"/contribute", "", ""); !strings.Contains(r.body, `name="email_replies"`) || !strings.Contains(r.body, `for="email-replies"`) {
		t.Fatal("the form offers no labelled box for news about comments")
	}
	const who, plain = "antworten@example.net", "ohne-antworten@example.net"
	id := submitWithReplies(t, e, "Tempo 30 vor der Kita", who)
	other := submitWithEmail(t, e, "Fahrradbügel am Markt", plain, "de")
	confirm(t, e, srv.wait(t, who, 1)[0])
	confirm(t, e, srv.wait(t, plain, 1)[0])

	comment(t, e, id, "Das unterstütze ich, die Straße ist gefährlich.")
	got := srv.wait(t, who, 2)[1]
	if !strings.Contains(got.subject(), "Neuer Kommentar zu Ihrem Beitrag „Tempo 30 vor der Kita“") {
		t.Errorf("subject %q", got.subject())
	}
	text := got.part(t, "text/plain")
	for _, want := range []string{"Jemand hat Ihren Beitrag „Tempo 30 vor der Kita“", "> Das unterstütze ich, die Straße ist gefährlich.",
		"https://mitreden.example/p/" + slug + "/contributions/" + id, "https://mitreden.example/manage/", "https://mitreden.example/mail/unsubscribe/",
		"höchstens einmal pro Stunde"} {
		if !strings.Contains(text, want) {
			t.Errorf("reply message lacks %q:\n%s", want, text)
		}
	}
	if got.Msg.Header.Get("List-Unsubscribe") == "" {
		t.Error("the reply message has no one-click unsubscribe")
	}

	comment(t, e, id, "Ein zweiter Kommentar gleich danach.")
	comment(t, e, other, "Ein Kommentar zum Beitrag ohne Opt-in.")
	time.Sleep(1500 * time.Millisecond)
	if n := len(srv.to(who)); n != 2 {
		t.Fatalf("%d messages after a second comment within the hour, want still 2", n)
	}
	if n := len(srv.to(plain)); n != 1 {
		t.Fatalf("the subscriber without the opt-in got %d messages, want only the confirmation", n)
	}
}

// Under pre-moderation a waiting comment sends nothing; when a moderator
// publishes it, the resident hears of it.
func TestMailRepliesWaitForPublication(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	const who = "wartet@example.net"
	id := submitWithReplies(t, e, "Ampel an der Kreuzung", who)
	confirm(t, e, srv.wait(t, who, 1)[0])
	preModerate(t, e)
	body := comment(t, e, id, "Ein Kommentar, der erst geprüft wird.")
	if !strings.Contains(body, `"status":"submitted"`) {
		t.Fatalf("the comment does not wait: %s", body)
	}
	time.Sleep(1500 * time.Millisecond)
	if n := len(srv.to(who)); n != 1 {
		t.Fatalf("%d messages while the comment waits, want only the confirmation", n)
	}
	mod := e.token(t, "mod@example.org", model.RoleModerator)
	if r := e.do(t, "PATCH", fmt.Sprintf("/api/v1/comments/%d", commentID(t, body)), "application/json", `{"status":"published"}`,
		"Authorization", "Bearer "+mod); r.status != 200 {
		t.Fatalf("publish comment: %d %s", r.status, r.body)
	}
	if text := srv.wait(t, who, 2)[1].part(t, "text/plain"); !strings.Contains(text, "> Ein Kommentar, der erst geprüft wird.") {
		t.Fatalf("reply message after publication:\n%s", text)
	}
}

// Digests cover only the procedures an account acts in: a moderator scoped
// to procedure A hears of A's waiting contribution but not of B's, while
// an unscoped moderator hears of both.
func TestMailDigestOnlyForOwnProcedures(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	ctx := context.Background()
	b := e.addProcedure(t, otherSlug)
	preModerate(t, e)
	st := b.Settings
	st.Moderation = model.ModerationPre
	if err := e.st.UpdateProcedureSettings(ctx, b.ID, st, store.Audited{Actor: "test", Action: "procedure.settings"}); err != nil {
		t.Fatal(err)
	}
	const scopedMod, allMod = "nur-a@example.org", "alle@example.org"
	e.scoped(t, scopedMod, model.RoleModerator, e.proc(t, slug).ID)
	e.signIn(t, allMod, model.RoleModerator)
	for _, who := range []string{scopedMod, allMod} {
		if err := e.st.SetDigest(ctx, e.user(t, who).ID, "immediately"); err != nil {
			t.Fatal(err)
		}
	}
	for _, s := range []struct{ slug, title string }{{slug, "Bank am Spielplatz in A"}, {otherSlug, "Radweg an der Kaimauer in B"}} {
		r := e.do(t, "POST", "/api/v1/procedures/"+s.slug+"/contributions", "application/json", feature("null", s.title, okText, "verkehr"))
		if r.status != 201 || !strings.Contains(r.body, `"status":"submitted"`) {
			t.Fatalf("submit in %s: %d %s", s.slug, r.status, r.body)
		}
	}
	all := srv.wait(t, allMod, 2)
	joined := all[0].part(t, "text/plain") + all[1].part(t, "text/plain")
	if !strings.Contains(joined, "Bank am Spielplatz in A") || !strings.Contains(joined, "Radweg an der Kaimauer in B") {
		t.Fatalf("the unscoped moderator's digests:\n%s", joined)
	}
	srv.wait(t, scopedMod, 1)
	time.Sleep(time.Second)
	mine := srv.to(scopedMod)
	if len(mine) != 1 {
		t.Fatalf("the scoped moderator got %d digests, want 1 (procedure A only)", len(mine))
	}
	if text := mine[0].part(t, "text/plain"); !strings.Contains(text, "Bank am Spielplatz in A") || strings.Contains(text, "Radweg an der Kaimauer") {
		t.Fatalf("the scoped moderator's digest:\n%s", text)
	}
}

// The manage page's subscription form offers the same box; ticked, the
// resident hears of a new comment after confirming.
func TestManagePageSubscribesWithReplies(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	r := e.formPost(t, "/p/"+slug+"/contribute", "/p/"+slug+"/contribute",
		url.Values{"title": {"Bank am Spielplatz"}, "text": {okText}, "category": {"verkehr"}})
	if r.status != 201 {
		t.Fatalf("submit: %d", r.status)
	}
	manage := path(t, strings.SplitN(strings.SplitN(r.body, `id="manage-link">`, 2)[1], "<", 2)[0])
	id := strings.SplitN(strings.SplitN(r.body, "/p/"+slug+"/contributions/", 2)[1], `"`, 2)[0]
	if page := e.do(t, "GET", manage, "", ""); !strings.Contains(page.body, `name="email_replies"`) || !strings.Contains(page.body, `for="sub-email-replies"`) {
		t.Fatal("the manage page offers no labelled box for news about comments")
	}
	const who = "spaeter-antworten@example.net"
	r = e.formPost(t, manage, manage+"/subscription", url.Values{"action": {"subscribe"}, "email": {who}, "email_replies": {"1"}})
	if r.status != 303 {
		t.Fatalf("subscribe: %d", r.status)
	}
	confirm(t, e, srv.wait(t, who, 1)[0])
	comment(t, e, id, "Eine Bank im Schatten wäre schön.")
	if text := srv.wait(t, who, 2)[1].part(t, "text/plain"); !strings.Contains(text, "> Eine Bank im Schatten wäre schön.") {
		t.Fatalf("reply message:\n%s", text)
	}
}
