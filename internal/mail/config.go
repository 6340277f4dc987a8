// Package mail sends Mitreden's e-mail: residents' double opt-in and the
// news about their contribution (official response, planning status,
// hidden, merged), moderators' and planners' digests, and password resets
// for back-office accounts. Messages are queued in the store's outbox in
// the transaction of the change that causes them; the Worker sends them
// over SMTP (github.com/wneessen/go-mail) with retries and backoff.
package mail

import (
	"errors"
	"fmt"
	"net"
	"net/mail"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// TLS modes of the SMTP connection.
const (
	TLSOpportunistic = "opportunistic" // smtp:// — STARTTLS when the server offers it
	TLSRequired      = "required"      // smtp://…?tls=required — STARTTLS or no delivery
	TLSImplicit      = "implicit"      // smtps:// — TLS from the first byte (port 465)
	TLSNone          = "none"          // smtp://…?tls=none — plaintext, loopback servers only (tests, a local relay)
)

// Settings say how to reach the SMTP server and whom mail comes from.
type Settings struct {
	Host     string
	Port     int
	Username string
	Password string
	TLS      string
	Timeout  time.Duration
	Retry    time.Duration // wait after a first failed attempt; doubles with each further one
	From     string        // the From address (MITREDEN_MAIL_FROM)
}

// ParseSettings reads MITREDEN_SMTP_URL and MITREDEN_MAIL_FROM:
// smtp://user:pass@host:port (STARTTLS when offered; ?tls=required insists
// on it), smtps://user:pass@host:port (TLS), ?tls=none for a server on a
// loopback address only; ?timeout=30s bounds one delivery, ?retry=30s is
// the wait after a first failed attempt (doubling after each). An empty URL
// means no e-mail (ok false).
func ParseSettings(rawURL, from string) (s Settings, ok bool, err error) {
	if strings.TrimSpace(rawURL) == "" {
		if strings.TrimSpace(from) != "" {
			return s, false, errors.New("MITREDEN_MAIL_FROM is set but MITREDEN_SMTP_URL is not")
		}
		return s, false, nil
	}
	u, err := url.Parse(strings.TrimSpace(rawURL))
	if err != nil {
		return s, false, errors.New("MITREDEN_SMTP_URL is not a URL") // the error would repeat the password
	}
	s = Settings{Host: u.Hostname(), Timeout: 30 * time.Second, Retry: 30 * time.Second}
	switch u.Scheme {
	case "smtp":
		s.TLS, s.Port = TLSOpportunistic, 587
	case "smtps":
		s.TLS, s.Port = TLSImplicit, 465
	default:
		return s, false, fmt.Errorf("MITREDEN_SMTP_URL must begin with smtp:// or smtps://, not %q", u.Scheme+"://")
	}
	if s.Host == "" {
		return s, false, errors.New("MITREDEN_SMTP_URL names no host")
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return s, false, fmt.Errorf("MITREDEN_SMTP_URL: port %q is no port", p)
		}
		s.Port = n
	}
	if u.User != nil {
		s.Username = u.User.Username()
		s.Password, _ = u.User.Password()
	}
	q := u.Query()
	switch t := q.Get("tls"); t {
	case "":
	case TLSRequired:
		if s.TLS == TLSImplicit {
			return s, false, errors.New("MITREDEN_SMTP_URL: smtps:// is always TLS; ?tls=required is for smtp://")
		}
		s.TLS = TLSRequired
	case TLSNone:
		if ip := net.ParseIP(s.Host); s.Host != "localhost" && (ip == nil || !ip.IsLoopback()) {
			return s, false, errors.New("MITREDEN_SMTP_URL: ?tls=none is only allowed for a server on a loopback address")
		}
		s.TLS = TLSNone
	default:
		return s, false, fmt.Errorf("MITREDEN_SMTP_URL: ?tls=%q must be required or none", t)
	}
	if t := q.Get("timeout"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return s, false, fmt.Errorf("MITREDEN_SMTP_URL: ?timeout=%q is no duration", t)
		}
		s.Timeout = d
	}
	if t := q.Get("retry"); t != "" {
		d, err := time.ParseDuration(t)
		if err != nil || d <= 0 {
			return s, false, fmt.Errorf("MITREDEN_SMTP_URL: ?retry=%q is no duration", t)
		}
		s.Retry = d
	}
	a, err := mail.ParseAddress(strings.TrimSpace(from))
	if err != nil {
		return s, false, errors.New("MITREDEN_MAIL_FROM must be an e-mail address when MITREDEN_SMTP_URL is set")
	}
	s.From = a.String()
	return s, true, nil
}

// domain is the part of the From address after the @, for Message-IDs.
func (s Settings) domain() string {
	a, err := mail.ParseAddress(s.From)
	if err != nil {
		return "mitreden.invalid"
	}
	if i := strings.LastIndexByte(a.Address, '@'); i >= 0 {
		return a.Address[i+1:]
	}
	return "mitreden.invalid"
}
