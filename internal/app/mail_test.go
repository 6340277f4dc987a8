package app_test

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/model"
)

// lockedBuffer is a log sink the worker goroutine and the test share.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// newMailEnv is newEnv with e-mail through the SMTP server srv and the
// outbox worker running, quick to retry and to collect digests.
func newMailEnv(t *testing.T, srv *smtpServer, log *lockedBuffer) *env {
	t.Helper()
	e := newEnvLog(t, func(c *config.Config) {
		c.SMTPURL, c.MailFrom, c.BaseURL = srv.url(), "Mitreden <beteiligung@example.org>", "https://mitreden.example"
	}, log)
	if e.srv.Mail == nil {
		t.Fatal("e-mail is configured but the server has no mail service")
	}
	e.srv.Mail.Backoff, e.srv.Mail.DigestEvery, e.srv.Mail.Poll = 200*time.Millisecond, 200*time.Millisecond, time.Second
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() { defer close(done); e.srv.Mail.Run(ctx) }()
	t.Cleanup(func() { cancel(); <-done })
	return e
}

// submitWithEmail posts a contribution with an address through the API in
// locale and returns its id.
func submitWithEmail(t *testing.T, e *env, title, email, locale string) string {
	t.Helper()
	body := `{"type":"Feature","geometry":null,"properties":{"title":` + jsonStr(title) + `,"text":` + jsonStr(okText) +
		`,"category":"verkehr","email":` + jsonStr(email) + `}}`
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions?lang="+locale, "application/json", body)
	if r.status != 201 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	var f struct {
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
	}
	if err := json.Unmarshal([]byte(r.body), &f); err != nil {
		t.Fatal(err)
	}
	if f.Properties["subscription"] != "pending" {
		t.Fatalf("subscription %v, want pending", f.Properties["subscription"])
	}
	return f.ID
}

func jsonStr(s string) string { b, _ := json.Marshal(s); return string(b) }

// path is the path of an absolute link of the test server.
func path(t *testing.T, link string) string {
	t.Helper()
	u, err := url.Parse(link)
	if err != nil || u.Host != "mitreden.example" {
		t.Fatalf("link %q is not the server's", link)
	}
	return u.Path
}

// confirm follows the confirmation link of m: the page shows a button, the
// POST confirms.
func confirm(t *testing.T, e *env, m *recorded) {
	t.Helper()
	p := path(t, m.link(t, "/mail/confirm/"))
	if r := e.do(t, "GET", p, "", ""); r.status != 200 || !strings.Contains(r.body, `action="`+p+`"`) {
		t.Fatalf("confirm page: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", p, "application/x-www-form-urlencoded", ""); r.status != 200 || !strings.Contains(r.body, `id="mail-done"`) {
		t.Fatalf("confirm: %d %s", r.status, r.body)
	}
}

func respond(t *testing.T, e *env, planner, id, text string) {
	t.Helper()
	if r := e.do(t, "POST", "/api/v1/contributions/"+id+"/responses", "application/json", `{"text":`+jsonStr(text)+`,"author":"Bezirksamt"}`,
		"Authorization", "Bearer "+planner); r.status != 201 {
		t.Fatalf("respond: %d %s", r.status, r.body)
	}
}

// A resident leaves an address, gets only the confirmation until they
// confirm, then the official response in their language (German and
// Leichte Sprache) as text and HTML with the manage link and one-click
// unsubscribe headers; a one-click POST to List-Unsubscribe ends it and
// nothing comes afterwards. The address is neither in the database file
// (with its WAL) nor in the log.
func TestMailResidentConfirmsHearsResponseAndUnsubscribes(t *testing.T) {
	srv := startSMTP(t)
	log := &lockedBuffer{}
	e := newMailEnv(t, srv, log)
	planner := e.token(t, "planerin@example.org", model.RolePlanner)
	const de, ls = "anwohnerin@example.net", "nachbar@example.net"
	idDE := submitWithEmail(t, e, "Zebrastreifen an der Schule", de, "de")
	idLS := submitWithEmail(t, e, "Mehr Bänke im Park", ls, "de-x-ls")

	confDE, confLS := srv.wait(t, de, 1)[0], srv.wait(t, ls, 1)[0]
	if !strings.Contains(confDE.subject(), "Bitte bestätigen Sie Ihre E-Mail-Adresse") || !strings.Contains(confLS.subject(), "Bitte klicken Sie auf den Link") {
		t.Fatalf("confirmation subjects %q / %q", confDE.subject(), confLS.subject())
	}

	// Double opt-in: a response before the confirmation sends nothing.
	respond(t, e, planner, idLS, "Wir prüfen das.")
	confirm(t, e, confDE)
	respond(t, e, planner, idDE, "Der Zebrastreifen kommt im Frühjahr.")
	got := srv.wait(t, de, 2)[1]
	text := got.part(t, "text/plain")
	for _, want := range []string{"Das Planungsteam hat auf Ihren Beitrag „Zebrastreifen an der Schule“", "> Der Zebrastreifen kommt im Frühjahr.",
		"https://mitreden.example/manage/", "https://mitreden.example/mail/unsubscribe/"} {
		if !strings.Contains(text, want) {
			t.Errorf("German response lacks %q:\n%s", want, text)
		}
	}
	if html := got.part(t, "text/html"); !strings.Contains(html, `<html lang="de">`) || !strings.Contains(html, "Der Zebrastreifen kommt im Frühjahr.") {
		t.Errorf("HTML part: %s", html)
	}
	unsub := got.Msg.Header.Get("List-Unsubscribe")
	if !strings.HasPrefix(unsub, "<https://mitreden.example/mail/unsubscribe/") || got.Msg.Header.Get("List-Unsubscribe-Post") != "List-Unsubscribe=One-Click" {
		t.Fatalf("unsubscribe headers %q / %q", unsub, got.Msg.Header.Get("List-Unsubscribe-Post"))
	}
	if got.Msg.Header.Get("Message-Id") == "" || got.Msg.Header.Get("Message-Id") == confDE.Msg.Header.Get("Message-Id") {
		t.Fatal("each message needs its own Message-ID")
	}
	if n := len(srv.to(ls)); n != 1 {
		t.Fatalf("the unconfirmed address got %d messages, want only the confirmation", n)
	}

	// Leichte Sprache.
	confirm(t, e, confLS)
	respond(t, e, planner, idLS, "Die Bänke kommen.")
	easy := srv.wait(t, ls, 2)[1].part(t, "text/plain")
	if !strings.Contains(easy, "Das Planungs-Team hat Ihnen geantwortet") || !strings.Contains(easy, "> Die Bänke kommen.") {
		t.Fatalf("Leichte Sprache response:\n%s", easy)
	}

	// Hidden, with the public reason.
	if r := e.do(t, "PATCH", "/api/v1/contributions/"+idLS, "application/json", `{"status":"hidden","reason":"Enthält eine Telefonnummer."}`,
		"Authorization", "Bearer "+planner); r.status != 200 {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	if hidden := srv.wait(t, ls, 3)[2].part(t, "text/plain"); !strings.Contains(hidden, "> Enthält eine Telefonnummer.") {
		t.Fatalf("hidden message:\n%s", hidden)
	}

	// One click: the mail client POSTs to the List-Unsubscribe address.
	target := path(t, strings.Trim(unsub, "<>"))
	if r := e.do(t, "POST", target, "application/x-www-form-urlencoded", "List-Unsubscribe=One-Click"); r.status != 200 {
		t.Fatalf("one-click unsubscribe: %d %s", r.status, r.body)
	}
	respond(t, e, planner, idDE, "Noch eine Antwort.")
	time.Sleep(time.Second)
	if n := len(srv.to(de)); n != 2 {
		t.Fatalf("%d messages after unsubscribing, want still 2", n)
	}
	if r := e.do(t, "GET", target, "", ""); r.status != 200 || !strings.Contains(r.body, `id="mail-done"`) {
		t.Fatalf("the unsubscribe link afterwards: %d", r.status)
	}

	// Neither the database file nor the log holds an address.
	if err := e.st.Close(); err != nil {
		t.Fatal(err)
	}
	for _, f := range []string{e.st.Path(), e.st.Path() + "-wal"} {
		b, err := os.ReadFile(f)
		if err != nil && !os.IsNotExist(err) {
			t.Fatal(err)
		}
		for _, a := range []string{de, ls, "anwohnerin", "nachbar@"} {
			if bytes.Contains(b, []byte(a)) {
				t.Errorf("%s contains %q in clear", f, a)
			}
		}
	}
	for _, a := range []string{de, ls} {
		if strings.Contains(log.String(), a) {
			t.Errorf("the log contains %q", a)
		}
	}
}

// The contribution form offers the address field with e-mail configured,
// refuses a wrong address with the form kept, and after a good one says a
// confirmation is on its way. Withdrawing the contribution erases the
// subscription at once: its links no longer find it.
func TestMailFormSubscribesAndWithdrawErases(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	if r := e.do(t, "GET", "/p/"+slug+"/contribute", "", ""); !strings.Contains(r.body, `name="email"`) || !strings.Contains(r.body, `for="email"`) {
		t.Fatal("the form offers no labelled address field")
	}
	form := url.Values{"title": {"Laterne kaputt"}, "text": {okText}, "category": {"verkehr"}, "email": {"kein at zeichen"}}
	r := e.formPost(t, "/p/"+slug+"/contribute", "/p/"+slug+"/contribute", form)
	if r.status != 422 || !strings.Contains(r.body, `id="email-error"`) || !strings.Contains(r.body, `value="Laterne kaputt"`) {
		t.Fatalf("wrong address: %d", r.status)
	}
	const who = "laterne@example.net"
	form.Set("email", who)
	r = e.formPost(t, "/p/"+slug+"/contribute", "/p/"+slug+"/contribute", form)
	if r.status != 201 || !strings.Contains(r.body, `id="mail-pending"`) {
		t.Fatalf("submit: %d", r.status)
	}
	m := srv.wait(t, who, 1)[0]
	manage := path(t, strings.SplitN(strings.SplitN(r.body, `id="manage-link">`, 2)[1], "<", 2)[0])
	unsub := path(t, strings.Trim(m.Msg.Header.Get("List-Unsubscribe"), "<>"))
	if r := e.do(t, "GET", unsub, "", ""); !strings.Contains(r.body, `id="mail-action"`) {
		t.Fatal("the unsubscribe page offers no button while subscribed")
	}
	confirm(t, e, m)
	w := e.formPost(t, manage, manage, url.Values{"action": {"withdraw"}, "confirm": {"yes"}})
	if w.status != 303 {
		t.Fatalf("withdraw: %d", w.status)
	}
	if r := e.do(t, "GET", unsub, "", ""); strings.Contains(r.body, `id="mail-action"`) || !strings.Contains(r.body, `id="mail-done"`) {
		t.Fatal("the subscription outlives the withdrawn contribution")
	}
	if r := e.do(t, "GET", path(t, m.link(t, "/mail/confirm/")), "", ""); r.status != 404 {
		t.Fatalf("the confirmation link after withdrawal: %d, want 404", r.status)
	}
}
