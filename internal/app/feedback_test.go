package app_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// The accessibility statement's feedback mechanism (BITV 2.0 §7): a
// resident reports a barrier with the form on /barrierefreiheit; an error
// keeps what they wrote; admins see the report, and dealing with it erases
// the contact details and leaves an audit entry.
func TestAccessibilityFeedbackFromStatementToBackOffice(t *testing.T) {
	e := newEnv(t, nil)
	jar := cookieJar{}
	page := e.do(t, "GET", "/barrierefreiheit", "", "")
	if page.status != 200 || !strings.Contains(page.body, `action="/barrierefreiheit/feedback"`) {
		t.Fatalf("statement without the feedback form: %d", page.status)
	}
	jar.take(page.header)
	csrf := csrfToken(t, page.body)
	post := func(v url.Values, hdr ...string) result {
		return e.do(t, "POST", "/barrierefreiheit/feedback", "application/x-www-form-urlencoded", v.Encode(),
			append([]string{"Cookie", jar.header()}, hdr...)...)
	}

	// Too short: the page again, 422, the text kept, the message beside the field.
	r := post(url.Values{"_csrf": {csrf}, "message": {"kurz"}, "contact": {"leser@example.org"}})
	if r.status != 422 || !strings.Contains(r.body, ">kurz</textarea>") || !strings.Contains(r.body, `value="leser@example.org"`) ||
		!strings.Contains(r.body, `id="fb-message-error"`) || !strings.Contains(r.body, `aria-invalid="true"`) {
		t.Fatalf("too short a report: %d, text or message missing", r.status)
	}
	// Without the CSRF token: refused, nothing kept.
	if r := post(url.Values{"message": {"Der Kontrast der Knöpfe ist zu schwach."}}); r.status != 403 {
		t.Fatalf("report without CSRF token: %d, want 403", r.status)
	}
	msg := "Die Karte lässt sich mit der Tastatur nicht verschieben."
	r = post(url.Values{"_csrf": {csrf}, "message": {msg}, "page": {"/p/gruenzug-altona"}, "contact": {"leser@example.org"}})
	if r.status != 303 || r.header.Get("Location") != "/barrierefreiheit?sent=1#feedback" {
		t.Fatalf("report: %d → %q", r.status, r.header.Get("Location"))
	}
	if done := e.do(t, "GET", "/barrierefreiheit?sent=1", "", ""); !strings.Contains(done.body, "Danke! Ihre Meldung ist bei uns angekommen.") {
		t.Error("no thank-you after the report")
	}

	// Moderators do not see reports; admins do.
	modJar, _ := e.signIn(t, "mod@example.org", model.RoleModerator)
	if r := e.do(t, "GET", "/admin/feedback", "", "", "Cookie", modJar.header()); r.status != 403 {
		t.Errorf("moderator on /admin/feedback: %d, want 403", r.status)
	}
	adm, _ := e.signIn(t, "admin@example.org", model.RoleAdmin)
	list := e.do(t, "GET", "/admin/feedback", "", "", "Cookie", adm.header())
	if list.status != 200 || !strings.Contains(list.body, msg) || !strings.Contains(list.body, "leser@example.org") {
		t.Fatalf("admin list: %d, report missing", list.status)
	}
	ctx := context.Background()
	fs, err := e.st.FeedbackList(ctx, 10)
	if err != nil || len(fs) != 1 {
		t.Fatalf("stored reports: %v %v", fs, err)
	}
	id := fs[0].ID
	acsrf := csrfToken(t, list.body)
	r = e.do(t, "POST", "/admin/feedback/"+strconv.FormatInt(id, 10)+"/done", "application/x-www-form-urlencoded", url.Values{"_csrf": {acsrf}}.Encode(), "Cookie", adm.header())
	if r.status != 200 || strings.Contains(r.body, "leser@example.org") {
		t.Fatalf("done: %d, contact still shown", r.status)
	}
	fs, _ = e.st.FeedbackList(ctx, 10)
	if fs[0].Contact != "" || fs[0].DoneAt == nil || fs[0].Message != msg {
		t.Errorf("after done: %+v", fs[0])
	}
	// Twice, or an unknown id: 404 with a message.
	if r := e.do(t, "POST", "/admin/feedback/"+strconv.FormatInt(id, 10)+"/done", "application/x-www-form-urlencoded", url.Values{"_csrf": {acsrf}}.Encode(), "Cookie", adm.header()); r.status != 404 {
		t.Errorf("done twice: %d, want 404", r.status)
	}
	if r := e.do(t, "POST", "/admin/feedback/x/done", "application/x-www-form-urlencoded", url.Values{"_csrf": {acsrf}}.Encode(), "Cookie", adm.header()); r.status != 404 {
		t.Errorf("done on a bad id: %d, want 404", r.status)
	}
	log, _ := e.st.AuditLog(ctx, 5)
	if len(log) == 0 || log[0].Action != "feedback.done" || log[0].Actor != "admin@example.org" {
		t.Errorf("no audit entry for the report: %+v", log)
	}
}
