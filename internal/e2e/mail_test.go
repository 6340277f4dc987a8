package e2e

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/mail"
	"os"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/emersion/go-smtp"
)

// mailbox is a real SMTP server (github.com/emersion/go-smtp) on loopback
// that records what it accepts. While held, it reads a message's data and
// then waits without answering: the moment a sender has handed over a
// message that the server has not yet taken (no "250 OK").
type mailbox struct {
	addr     string
	srv      *smtp.Server
	mu       sync.Mutex
	got      []*mail.Message
	hold     bool
	inData   chan struct{} // a message is being held
	released chan struct{}
}

func newMailbox(t *testing.T, addr string) *mailbox {
	t.Helper()
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	l, err := net.Listen("tcp", addr)
	if err != nil {
		t.Fatal(err)
	}
	mb := &mailbox{addr: l.Addr().String(), inData: make(chan struct{}, 16), released: make(chan struct{})}
	mb.srv = smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &mbSession{mb: mb}, nil }))
	mb.srv.Domain = "localhost"
	go mb.srv.Serve(l)
	t.Cleanup(func() { mb.release(); mb.srv.Close() })
	return mb
}

func (mb *mailbox) release() {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	if mb.hold {
		mb.hold = false
		close(mb.released)
	}
}

func (mb *mailbox) to(addr string) []*mail.Message {
	mb.mu.Lock()
	defer mb.mu.Unlock()
	var out []*mail.Message
	for _, m := range mb.got {
		if strings.Contains(m.Header.Get("To"), addr) {
			out = append(out, m)
		}
	}
	return out
}

type mbSession struct{ mb *mailbox }

func (s *mbSession) Reset()                               {}
func (s *mbSession) Logout() error                        { return nil }
func (s *mbSession) Mail(string, *smtp.MailOptions) error { return nil }
func (s *mbSession) Rcpt(string, *smtp.RcptOptions) error { return nil }
func (s *mbSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	hold := s.mb.hold
	s.mb.mu.Unlock()
	if hold {
		s.mb.inData <- struct{}{}
		<-s.mb.released
		// The sender died meanwhile: a real server never takes responsibility
		// for a message it has not answered.
		return &smtp.SMTPError{Code: 421, Message: "connection lost"}
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	s.mb.mu.Lock()
	s.mb.got = append(s.mb.got, m)
	s.mb.mu.Unlock()
	return nil
}

func smtpEnv(addr string) []string {
	return []string{"MITREDEN_SMTP_URL=smtp://" + addr + "?tls=none&timeout=1s&retry=1s", "MITREDEN_MAIL_FROM=beteiligung@example.org",
		"MITREDEN_SECRET_KEY=e2e-secret-key-for-mail-tests"}
}

// subscribeViaAPI submits a contribution with an address.
func subscribeViaAPI(t *testing.T, s *server, title, email string) (manageToken string) {
	t.Helper()
	body := `{"type":"Feature","geometry":null,"properties":{"title":"` + title + `","text":"Ein Text, der lang genug ist.","category":"verkehr","email":"` + email + `"}}`
	res, err := http.Post(s.URL+"/api/v1/procedures/gruenzug-altona/contributions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var f struct{ Properties map[string]any }
	_ = json.Unmarshal(b, &f)
	if res.StatusCode != 201 || f.Properties["subscription"] != "pending" {
		t.Fatalf("submit with email: %d %s", res.StatusCode, b)
	}
	token, _ := f.Properties["manage_token"].(string)
	return token
}

// outboxStates reads the outbox of the database file db (server stopped).
func outboxStates(t *testing.T, db string) map[string]int {
	t.Helper()
	d, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	rows, err := d.QueryContext(context.Background(), `SELECT state, COUNT(*) FROM outbox GROUP BY state`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var s string
		var n int
		if err := rows.Scan(&s, &n); err != nil {
			t.Fatal(err)
		}
		out[s] = n
	}
	return out
}

// Killing the server between queueing and sending loses no message and
// sends none twice: one message is queued while the SMTP server is
// unreachable, another is in the middle of being handed over (the server
// read it but has not answered) when the process gets SIGKILL. After the
// restart each arrives exactly once. Neither address is in the database
// file or its WAL, nor in the server's log.
func TestMailSurvivesSIGKILLWithoutLossOrDuplicate(t *testing.T) {
	// The SMTP server's address, not yet listening.
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	s := start(t, "", smtpEnv(addr)...)
	const first, second = "erste@example.net", "zweite@example.net"
	subscribeViaAPI(t, s, "Vor dem Absturz eingereiht", first)
	if !eventually(t, 10*time.Second, func() bool { return strings.Contains(s.logs.String(), "will retry") }) {
		t.Fatalf("no failed attempt while the SMTP server was away:\n%s", s.logs.String())
	}
	// Now the server listens, but holds the next message unanswered.
	mb := newMailbox(t, addr)
	mb.mu.Lock()
	mb.hold = true
	mb.mu.Unlock()
	subscribeViaAPI(t, s, "Beim Absturz unterwegs", second)
	select {
	case <-mb.inData:
	case <-time.After(20 * time.Second):
		t.Fatalf("no message reached the SMTP server:\n%s", s.logs.String())
	}
	if err := s.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
	mb.release()
	if n := len(mb.to(first)) + len(mb.to(second)); n != 0 {
		t.Fatalf("%d messages delivered before the restart, want 0", n)
	}
	before := outboxStates(t, s.DB)
	if before["queued"]+before["sending"] != 2 || before["sent"] != 0 {
		t.Fatalf("outbox before the restart: %v, want two unsent", before)
	}
	// The file as the crash left it (with its WAL) holds no address.
	for _, f := range []string{s.DB, s.DB + "-wal"} {
		b, _ := os.ReadFile(f)
		for _, a := range []string{first, second} {
			if bytes.Contains(b, []byte(a)) {
				t.Errorf("%s holds %s in clear", f, a)
			}
		}
	}

	s2 := start(t, s.DB, smtpEnv(addr)...)
	if !eventually(t, 40*time.Second, func() bool { return len(mb.to(first)) >= 1 && len(mb.to(second)) >= 1 }) {
		t.Fatalf("after the restart: %d and %d messages\n%s", len(mb.to(first)), len(mb.to(second)), s2.logs.String())
	}
	time.Sleep(3 * time.Second) // time enough for a repeat, if there were one
	s2.stop()
	ids := map[string]bool{}
	for _, a := range []string{first, second} {
		got := mb.to(a)
		if len(got) != 1 {
			t.Errorf("%s got %d messages, want exactly 1", a, len(got))
		}
		for _, m := range got {
			ids[m.Header.Get("Message-Id")] = true
		}
	}
	if len(ids) != 2 {
		t.Errorf("Message-IDs %v, want two distinct", ids)
	}
	if after := outboxStates(t, s.DB); after["sent"] != 2 || after["queued"]+after["sending"] != 0 {
		t.Errorf("outbox after: %v, want two sent", after)
	}
	for _, a := range []string{first, second} {
		if strings.Contains(s.logs.String(), a) || strings.Contains(s2.logs.String(), a) {
			t.Errorf("the log holds %s", a)
		}
	}
}

var linkRE = regexp.MustCompile(`https?://[^\s]+/mail/(confirm|unsubscribe)/[A-Za-z0-9_-]+`)

// mailLink is the link of kind ("confirm", "unsubscribe") in m's text.
func mailLink(t *testing.T, m *mail.Message, kind string) string {
	t.Helper()
	if kind == "unsubscribe" {
		return strings.Trim(m.Header.Get("List-Unsubscribe"), "<>")
	}
	b, _ := io.ReadAll(m.Body)
	for _, l := range linkRE.FindAllString(strings.ReplaceAll(string(b), "=\r\n", ""), -1) {
		if strings.Contains(l, "/mail/"+kind+"/") {
			return l
		}
	}
	t.Fatalf("no %s link in %s", kind, b)
	return ""
}

// The pages e-mail adds pass axe: the contribution form with its address
// field, the confirmation and unsubscribe pages before and after their
// button (German and Leichte Sprache), and "forgot password".
func TestMailPagesHaveNoAxeViolations(t *testing.T) {
	mb := newMailbox(t, "")
	s := start(t, "", smtpEnv(mb.addr)...)
	const who = "axe@example.net"
	token := subscribeViaAPI(t, s, "Barrierefrei bestätigen", who)
	if !eventually(t, 15*time.Second, func() bool { return len(mb.to(who)) == 1 }) {
		t.Fatalf("no confirmation message:\n%s", s.logs.String())
	}
	m := mb.to(who)[0]
	unsub := mailLink(t, m, "unsubscribe")
	confirm := mailLink(t, m, "confirm")
	ctx := browser(t)
	check := func(what string) {
		t.Helper()
		if v := axe(t, ctx); len(v) > 0 {
			t.Errorf("%s: %d axe violations:\n  %s", what, len(v), strings.Join(v, "\n  "))
		}
	}
	for _, p := range []string{"/p/gruenzug-altona/contribute", "/p/gruenzug-altona/contribute?lang=de-x-ls", "/admin/forgot", "/admin/login"} {
		run(t, ctx, chromedp.Navigate(s.URL+p), chromedp.WaitReady("body"))
		check(p)
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute"), chromedp.WaitReady("#email", chromedp.ByID))
	for _, step := range []struct{ url, what string }{{confirm + "?lang=de-x-ls", "confirm page (Leichte Sprache)"}, {confirm, "confirm page"}} {
		run(t, ctx, chromedp.Navigate(step.url), chromedp.WaitVisible("#mail-action", chromedp.ByID))
		check(step.what)
	}
	run(t, ctx, chromedp.Click("#mail-action", chromedp.ByID), chromedp.WaitVisible("#mail-done", chromedp.ByID))
	check("confirmed page")
	run(t, ctx, chromedp.Navigate(unsub), chromedp.WaitVisible("#mail-action", chromedp.ByID))
	check("unsubscribe page")
	run(t, ctx, chromedp.Click("#mail-action", chromedp.ByID), chromedp.WaitVisible("#mail-done", chromedp.ByID))
	check("unsubscribed page")
	// The manage page's subscription section (unsubscribed now: the form
	// to subscribe again), and the back office's e-mail pages.
	run(t, ctx, chromedp.Navigate(s.URL+"/manage/"+token), chromedp.WaitVisible("#subscription-state", chromedp.ByID))
	check("manage page with its subscription")
	cmd := execBinary("user", "add", "--db", s.DB, "--email", "admin@example.org", "--role", "admin", "--password-stdin")
	cmd.Stdin = strings.NewReader("ein sehr langes Passwort\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/login"), chromedp.WaitVisible("#email", chromedp.ByID),
		signIn("admin@example.org", "ein sehr langes Passwort"), chromedp.WaitVisible("#logout", chromedp.ByID))
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/account"), chromedp.WaitVisible("#change-password", chromedp.ByID))
	check("account with the digest choice")
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/outbox"), chromedp.WaitVisible("h1", chromedp.ByQuery))
	check("outbox")
}
