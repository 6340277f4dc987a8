package mail

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestParseSettings(t *testing.T) {
	s, ok, err := ParseSettings("smtp://user:p%40ss@mail.example.org?tls=required&timeout=10s&retry=5s", "Mitreden <b@example.org>")
	if err != nil || !ok || s.Host != "mail.example.org" || s.Port != 587 || s.Username != "user" || s.Password != "p@ss" ||
		s.TLS != TLSRequired || s.Timeout != 10*time.Second || s.Retry != 5*time.Second || s.domain() != "example.org" {
		t.Fatalf("%+v %v %v", s, ok, err)
	}
	if s, ok, err := ParseSettings("smtps://mail.example.org", "b@example.org"); err != nil || !ok || s.TLS != TLSImplicit || s.Port != 465 {
		t.Fatalf("smtps: %+v %v", s, err)
	}
	if _, ok, err := ParseSettings("", ""); ok || err != nil {
		t.Fatal("no URL must mean no e-mail, without error")
	}
	for _, bad := range []struct{ url, from, want string }{
		{"smtp://mail.example.org?tls=none", "b@example.org", "loopback"},
		{"http://mail.example.org", "b@example.org", "smtp://"},
		{"smtp://mail.example.org", "", "MITREDEN_MAIL_FROM"},
		{"", "b@example.org", "MITREDEN_SMTP_URL is not"},
		{"smtp://u:secret@[::1", "b@example.org", "not a URL"},
	} {
		_, _, err := ParseSettings(bad.url, bad.from)
		if err == nil || !strings.Contains(err.Error(), bad.want) || strings.Contains(err.Error(), "secret") {
			t.Errorf("%q: %v, want an error about %q that does not repeat the password", bad.url, err, bad.want)
		}
	}
	if _, ok, err := ParseSettings("smtp://127.0.0.1:2525?tls=none", "b@example.org"); !ok || err != nil {
		t.Fatalf("plaintext on loopback: %v", err)
	}
}

func TestAddress(t *testing.T) {
	for _, good := range []string{"a@example.org", " jo.doe+x@sub.example.de "} {
		if _, ok := Address(good); !ok {
			t.Errorf("%q refused", good)
		}
	}
	for _, bad := range []string{"", "a", "a@b", "A <a@example.org>", "a@example.org, b@example.org", "a@example.org\r\nBcc: x@y.z", strings.Repeat("a", 250) + "@example.org"} {
		if _, ok := Address(bad); ok {
			t.Errorf("%q accepted", bad)
		}
	}
}

// Sealed values are encrypted (the address is not in them), open only
// with the same secret and for the same purpose.
func TestSealer(t *testing.T) {
	s, _ := NewSealer([]byte("a secret of enough length"))
	other, _ := NewSealer([]byte("another secret, also long"))
	sealed := s.Seal("p", []byte("anwohnerin@example.net"))
	if bytes.Contains(sealed, []byte("anwohnerin")) {
		t.Fatal("sealed value holds the plain text")
	}
	if got, err := s.Open("p", sealed); err != nil || string(got) != "anwohnerin@example.net" {
		t.Fatalf("open: %q %v", got, err)
	}
	if _, err := s.Open("q", sealed); err == nil {
		t.Fatal("opened for another purpose")
	}
	if _, err := other.Open("p", sealed); err == nil {
		t.Fatal("opened with another secret")
	}
	if !bytes.Equal(s.Hash("A@Example.org"), s.Hash("a@example.org")) || bytes.Equal(s.Hash("a@example.org"), other.Hash("a@example.org")) ||
		bytes.Contains(s.Hash("a@example.org"), []byte("example")) {
		t.Fatal("the address hash must fold case and depend on the secret")
	}
	if _, err := NewSealer([]byte("short")); err == nil {
		t.Fatal("a short secret accepted")
	}
}

func TestRedact(t *testing.T) {
	got := Redact("550 5.1.1 <anwohnerin@example.net>: Recipient address rejected")
	if strings.Contains(got, "anwohnerin") || !strings.Contains(got, "Recipient address rejected") {
		t.Fatalf("%q", got)
	}
}
