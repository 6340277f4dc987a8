package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"
)

// The manage page shows the subscription state (issue 15) and lets the
// author subscribe later — with the same double opt-in — or stop the
// messages, which erases the address; without e-mail it offers neither.
func TestManagePageShowsAndChangesTheSubscription(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	form := url.Values{"title": {"Bank am Spielplatz"}, "text": {okText}, "category": {"verkehr"}}
	r := e.formPost(t, "/p/"+slug+"/contribute", "/p/"+slug+"/contribute", form)
	if r.status != 201 {
		t.Fatalf("submit: %d", r.status)
	}
	manage := path(t, strings.SplitN(strings.SplitN(r.body, `id="manage-link">`, 2)[1], "<", 2)[0])
	id := strings.SplitN(strings.SplitN(r.body, "/p/"+slug+"/contributions/", 2)[1], `"`, 2)[0]
	state := func() string {
		b := e.do(t, "GET", manage, "", "").body
		s := strings.SplitN(b, `id="subscription-state">`, 2)
		if len(s) < 2 {
			t.Fatal("the manage page shows no subscription state")
		}
		return strings.SplitN(s[1], "<", 2)[0]
	}
	if got := state(); !strings.Contains(got, "keine E-Mails") {
		t.Fatalf("before: %q", got)
	}
	// A wrong address: 422 on the same page, the address kept, the message beside it.
	r = e.formPost(t, manage, manage+"/subscription", url.Values{"action": {"subscribe"}, "email": {"kein-at"}})
	if r.status != 422 || !strings.Contains(r.body, `id="sub-email-error"`) || !strings.Contains(r.body, `value="kein-at"`) {
		t.Fatalf("wrong address: %d", r.status)
	}
	const who = "spaeter@example.net"
	r = e.formPost(t, manage, manage+"/subscription", url.Values{"action": {"subscribe"}, "email": {who}})
	if r.status != 303 {
		t.Fatalf("subscribe: %d", r.status)
	}
	m := srv.wait(t, who, 1)[0]
	if got := state(); !strings.Contains(got, "Bestätigungslink") {
		t.Fatalf("pending: %q", got)
	}
	confirm(t, e, m)
	if got := state(); !strings.Contains(got, "Sie bekommen eine E-Mail") {
		t.Fatalf("confirmed: %q", got)
	}
	// A response reaches the confirmed address; after "no more e-mail" the next does not.
	planner := e.token(t, "planerin@example.org", "planner")
	respond(t, e, planner, id, "Die Bank wird aufgestellt.")
	srv.wait(t, who, 2)
	r = e.formPost(t, manage, manage+"/subscription", url.Values{"action": {"unsubscribe"}})
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=unsubscribed") {
		t.Fatalf("unsubscribe: %d %s", r.status, r.header.Get("Location"))
	}
	if got := state(); !strings.Contains(got, "keine E-Mails") {
		t.Fatalf("after unsubscribing: %q", got)
	}
	respond(t, e, planner, id, "Noch eine Antwort.")
	time.Sleep(time.Second)
	if n := len(srv.to(who)); n != 2 {
		t.Fatalf("%d messages to the address after unsubscribing, want still 2", n)
	}
	// Without e-mail configured the page offers no subscription at all.
	plain := newEnv(t, nil)
	r = plain.formPost(t, "/p/"+slug+"/contribute", "/p/"+slug+"/contribute", form)
	m2 := path2(strings.SplitN(strings.SplitN(r.body, `id="manage-link">`, 2)[1], "<", 2)[0])
	if b := plain.do(t, "GET", m2, "", "").body; strings.Contains(b, `id="subscription"`) {
		t.Error("without e-mail the manage page offers a subscription")
	}
}

func path2(link string) string {
	u, err := url.Parse(link)
	if err != nil {
		return link
	}
	return u.Path
}
