package web

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/content"
)

// Nonce returns the request's CSP nonce, made on first use: only answers
// that ask for one (pages with scripts) pay for it, see securityHeaders.
func Nonce(c *fiber.Ctx) string {
	if n, ok := c.Locals("nonce").(string); ok {
		return n
	}
	nb := make([]byte, 16)
	_, _ = rand.Read(nb)
	n := base64.RawURLEncoding.EncodeToString(nb)
	c.Locals("nonce", n)
	return n
}

// Localizer returns the request's localiser.
func Localizer(c *fiber.Ctx) *content.Localizer {
	l, _ := c.Locals("localizer").(*content.Localizer)
	return l
}

func (s *Server) recoverer(c *fiber.Ctx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			s.Log.Error("panic", "error", fmt.Sprint(r), "route", Route(c), "request_id", c.Locals("rid"))
			err = fiber.ErrInternalServerError
		}
	}()
	return c.Next()
}

func (s *Server) requestLog(c *fiber.Ctx) error {
	var rid [requestIDLen]byte
	nextRequestID(&rid)
	id := string(rid[:])
	c.Locals("rid", id)
	c.Response().Header.SetCanonical(requestIDHeader, rid[:])
	start := time.Now()
	err := c.Next()
	if err != nil {
		if herr := s.errorHandler(c, err); herr != nil {
			c.Status(fiber.StatusInternalServerError)
		}
	}
	status := c.Response().StatusCode()
	dur := time.Since(start)
	route := Route(c)
	s.Metrics.Observe(c.Method(), route, status, dur)
	// Neither the client address nor the path is logged: paths carry
	// secrets (manage tokens), so the route pattern stands for the path.
	switch {
	case s.AccessLog != nil:
		line := requestLines.Get().(*[]byte)
		*line = appendRequestLine((*line)[:0], start, id, c.Method(), route, status, dur)
		_, _ = s.AccessLog.Write(*line)
		requestLines.Put(line)
	case s.Log.Enabled(c.UserContext(), slog.LevelInfo):
		s.Log.LogAttrs(c.UserContext(), slog.LevelInfo, "request", slog.String("request_id", id), slog.String("method", c.Method()),
			slog.String("route", route), slog.Int("status", status), slog.Float64("duration_ms", float64(dur.Microseconds())/1000))
	}
	return nil
}

// Route is the pattern of the route that answered ("/manage/:token"), or
// "unmatched"; logs and metrics name requests by it, never by their path.
func Route(c *fiber.Ctx) string {
	r := c.Route()
	if r == nil || r.Path == "" || r.Path == "/" && c.Path() != "/" {
		return "unmatched"
	}
	return r.Path
}

// NoStore keeps browsers and proxies from storing a page that carries a
// secret (a manage link).
func NoStore(c *fiber.Ctx) error {
	c.Set(fiber.HeaderCacheControl, "no-store")
	return c.Next()
}

// securityHeaders sets the headers every answer carries. The rest is set
// after the handler, by what it answered. Data answers that no browser runs
// scripts in (JSON, GeoJSON, CSV) get a policy whose default allows no
// source (its script-src, in the shape every answer's policy has, names
// the server's fixed nonce: no page uses it, and the cached viewport
// answers make no random bytes), and none of the headers only documents
// need. An answer that asked for a nonce (Nonce), and every error, gets the
// pages' policy with a fresh nonce and the document headers.
func (s *Server) securityHeaders(c *fiber.Ctx) error {
	h := &c.Response().Header
	for _, kv := range fixedHeaders {
		h.SetCanonical(kv[0], kv[1])
	}
	if s.policy.hsts {
		h.SetCanonical(hstsHeader[0], hstsHeader[1])
	}
	// A panic unwinds past the code after c.Next: the answer the recoverer
	// makes of it is a page, and gets the document headers here.
	finished := false
	defer func() {
		if !finished {
			s.documentHeaders(c)
		}
	}()
	err := c.Next()
	finished = true
	res := &c.Response().Header
	_, asked := c.Locals("nonce").(string)
	if !asked && err == nil && scriptless(res.ContentType()) {
		if len(res.Peek(fiber.HeaderContentSecurityPolicy)) == 0 {
			res.SetCanonical(cspHeader, s.policy.data)
		}
		return nil
	}
	s.documentHeaders(c)
	return err
}

// documentHeaders sets the headers only documents need and, unless the
// page set its own (setPageCSP), the pages' policy with the request's nonce.
func (s *Server) documentHeaders(c *fiber.Ctx) {
	res := &c.Response().Header
	for _, kv := range documentHeaders {
		res.SetCanonical(kv[0], kv[1])
	}
	if len(res.Peek(fiber.HeaderContentSecurityPolicy)) == 0 {
		res.Set(fiber.HeaderContentSecurityPolicy, s.csp(Nonce(c)))
	}
}

// fixedHeaders are the headers every answer carries, documentHeaders those
// only documents need (data answers are never framed, never open windows
// and use no browser features), both written in their canonical form so
// that they are set without being normalised each time.
var (
	fixedHeaders = [][2][]byte{
		{[]byte("X-Content-Type-Options"), []byte("nosniff")},
		{[]byte("Referrer-Policy"), []byte("same-origin")},
	}
	documentHeaders = [][2][]byte{
		{[]byte("X-Frame-Options"), []byte("SAMEORIGIN")},
		{[]byte("Cross-Origin-Opener-Policy"), []byte("same-origin")},
		{[]byte("Permissions-Policy"), []byte("geolocation=(self), camera=(), microphone=()")},
	}
	hstsHeader = [2][]byte{[]byte("Strict-Transport-Security"), []byte("max-age=31536000; includeSubDomains")}
	cspHeader  = []byte(fiber.HeaderContentSecurityPolicy)
)

// scriptless reports whether a content type is data no browser runs
// scripts in: JSON and its kinds (GeoJSON, problem+json), CSV.
func scriptless(ct []byte) bool {
	t, _, _ := bytes.Cut(ct, []byte(";"))
	t = bytes.TrimSpace(t)
	return bytes.EqualFold(t, []byte("application/json")) || bytes.EqualFold(t, []byte("text/csv")) ||
		len(t) > len("application/+json") && bytes.EqualFold(t[:len("application/")], []byte("application/")) &&
			bytes.EqualFold(t[len(t)-len("+json"):], []byte("+json"))
}

// policy is the parts of the security headers that follow from the
// configuration alone, made once.
type policy struct {
	head, tail string // the CSP around the nonce
	data       []byte // the CSP of scriptless answers
	hsts       bool
}

func (s *Server) makePolicy() {
	img := "'self' data:"
	if o := tileOrigin(s.Config.TileURL); o != "" {
		img += " " + o
	}
	s.policy.head, s.policy.tail = s.cspParts(img)
	nb := make([]byte, 16)
	_, _ = rand.Read(nb)
	s.policy.data = []byte("default-src 'none'; script-src 'self' 'nonce-" + base64.RawURLEncoding.EncodeToString(nb) + "'; frame-ancestors " + s.frameAncestors())
	s.policy.hsts = strings.HasPrefix(s.Config.BaseURL, "https://")
}

func (s *Server) csp(nonce string, imgOrigins ...string) string {
	if len(imgOrigins) == 0 && s.policy.head != "" {
		return s.policy.head + nonce + s.policy.tail
	}
	img := "'self' data:"
	for _, o := range append([]string{tileOrigin(s.Config.TileURL)}, imgOrigins...) {
		if o != "" {
			img += " " + o
		}
	}
	head, tail := s.cspParts(img)
	return head + nonce + tail
}

func (s *Server) cspParts(img string) (head, tail string) {
	return "default-src 'self'; script-src 'self' 'nonce-", "'; style-src 'self'; img-src " + img +
		"; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors " + s.frameAncestors()
}

// frameAncestors is who may frame the answers: the configured origins, or
// this site alone.
func (s *Server) frameAncestors() string {
	if s.Config.FrameAncestors != "" {
		return s.Config.FrameAncestors
	}
	return "'self'"
}

// tileOrigin turns a tile URL template into a CSP source ({s} becomes *).
func tileOrigin(tmpl string) string {
	if tmpl == "" || strings.HasPrefix(tmpl, "/") {
		return ""
	}
	u, err := url.Parse(strings.NewReplacer("{s}", "a", "{z}", "0", "{x}", "0", "{y}", "0").Replace(tmpl))
	if err != nil || u.Host == "" {
		return ""
	}
	if u.Scheme != "https" && u.Scheme != "http" || !cspHost.MatchString(u.Host) {
		return ""
	}
	host := u.Host
	if strings.Contains(tmpl, "{s}.") {
		host = "*." + strings.SplitN(host, ".", 2)[1]
	}
	return u.Scheme + "://" + host
}

// cspHost is what a host may look like to enter the CSP (no ';', spaces, quotes).
var cspHost = regexp.MustCompile(`^[A-Za-z0-9.-]+(:[0-9]{1,5})?$`)

// locale chooses the interface language: ?lang= (remembered in a cookie),
// then the cookie, then Accept-Language.
func (s *Server) locale(c *fiber.Ctx) error {
	// Read in place, not through Fiber's copies: only the chosen localiser
	// outlives the request.
	req := &c.Request().Header
	explicit := c.Context().QueryArgs().Peek("lang")
	if len(explicit) > 0 && s.I18n.Has(string(explicit)) {
		c.Cookie(&fiber.Cookie{Name: "lang", Value: string(explicit), Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, SameSite: "Lax", Secure: s.Secure()})
	} else {
		explicit = req.Cookie("lang")
	}
	c.Locals("localizer", s.langs.localizer(s.I18n, explicit, req.Peek(fiber.HeaderAcceptLanguage)))
	return c.Next()
}

// langs remembers the localiser chosen for an explicit choice and an
// Accept-Language header (a handful of distinct values in practice), so
// that a request does not parse the header and build a localiser anew.
// Localisers are read-only and shared between requests.
type langs struct {
	mu   sync.RWMutex
	seen map[string]*content.Localizer // by the choice's length (two bytes), the choice, the header
}

// langsKept bounds the remembered headers; when full, they are forgotten.
const langsKept = 512

func (l *langs) localizer(i *content.I18n, explicit, accept []byte) *content.Localizer {
	var kb [128]byte
	k := append(append(append(kb[:0], byte(len(explicit)>>8), byte(len(explicit))), explicit...), accept...)
	l.mu.RLock()
	z, ok := l.seen[string(k)]
	l.mu.RUnlock()
	if ok {
		return z
	}
	z = i.Localizer(i.Negotiate(string(explicit), string(accept)))
	l.mu.Lock()
	if l.seen == nil || len(l.seen) >= langsKept {
		l.seen = map[string]*content.Localizer{}
	}
	l.seen[string(k)] = z
	l.mu.Unlock()
	return z
}
