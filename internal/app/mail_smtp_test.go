package app_test

import (
	"bytes"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net"
	"net/mail"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/emersion/go-smtp"
)

// smtpServer is a real SMTP server (github.com/emersion/go-smtp) on a
// loopback socket whose backend records every message it accepts.
type smtpServer struct {
	addr string
	mu   sync.Mutex
	msgs []*recorded
}

type recorded struct {
	From string
	To   []string
	Raw  []byte
	Msg  *mail.Message
	body []byte
}

func startSMTP(t *testing.T) *smtpServer {
	t.Helper()
	rec := &smtpServer{}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) { return &smtpSession{rec: rec}, nil }))
	srv.Domain = "localhost"
	srv.ReadTimeout, srv.WriteTimeout = 10*time.Second, 10*time.Second
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	rec.addr = l.Addr().String()
	go srv.Serve(l)
	t.Cleanup(func() { srv.Close() })
	return rec
}

// url is the MITREDEN_SMTP_URL of this server (plaintext: loopback).
func (s *smtpServer) url() string { return "smtp://" + s.addr + "?tls=none&timeout=5s" }

type smtpSession struct {
	rec  *smtpServer
	from string
	to   []string
}

func (s *smtpSession) Reset()        { s.from, s.to = "", nil }
func (s *smtpSession) Logout() error { return nil }
func (s *smtpSession) Mail(from string, _ *smtp.MailOptions) error {
	s.from = from
	return nil
}
func (s *smtpSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	s.to = append(s.to, to)
	return nil
}
func (s *smtpSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return err
	}
	m, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return err
	}
	body, _ := io.ReadAll(m.Body)
	s.rec.mu.Lock()
	s.rec.msgs = append(s.rec.msgs, &recorded{From: s.from, To: s.to, Raw: raw, Msg: m, body: body})
	s.rec.mu.Unlock()
	return nil
}

// to lists the messages received for address so far.
func (s *smtpServer) to(address string) []*recorded {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*recorded
	for _, m := range s.msgs {
		for _, r := range m.To {
			if r == address {
				out = append(out, m)
			}
		}
	}
	return out
}

// wait waits until address has received n messages and returns them.
func (s *smtpServer) wait(t *testing.T, address string, n int) []*recorded {
	t.Helper()
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		if got := s.to(address); len(got) >= n {
			return got
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("%s received %d messages, want %d", address, len(s.to(address)), n)
	return nil
}

// part returns the decoded part of content type ctype ("text/plain",
// "text/html") of a multipart/alternative message.
func (m *recorded) part(t *testing.T, ctype string) string {
	t.Helper()
	mt, params, err := mime.ParseMediaType(m.Msg.Header.Get("Content-Type"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		t.Fatalf("message is %s, want multipart", mt)
	}
	mr := multipart.NewReader(bytes.NewReader(m.body), params["boundary"])
	for {
		p, err := mr.NextPart()
		if err != nil {
			t.Fatalf("no %s part", ctype)
		}
		if !strings.HasPrefix(p.Header.Get("Content-Type"), ctype) {
			continue
		}
		var r io.Reader = p
		if p.Header.Get("Content-Transfer-Encoding") == "quoted-printable" {
			r = quotedprintable.NewReader(p)
		}
		// multipart.Reader decodes quoted-printable itself and drops the header.
		b, _ := io.ReadAll(r)
		return string(b)
	}
}

// subject is the decoded Subject header.
func (m *recorded) subject() string {
	s, err := new(mime.WordDecoder).DecodeHeader(m.Msg.Header.Get("Subject"))
	if err != nil {
		return m.Msg.Header.Get("Subject")
	}
	return s
}

// link returns the first URL in the text part that contains marker.
func (m *recorded) link(t *testing.T, marker string) string {
	t.Helper()
	for _, f := range strings.Fields(m.part(t, "text/plain")) {
		if strings.HasPrefix(f, "http") && strings.Contains(f, marker) {
			return f
		}
	}
	t.Fatalf("no link with %q in %q", marker, m.part(t, "text/plain"))
	return ""
}
