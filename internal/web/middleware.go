package web

import (
	"crypto/rand"
	"encoding/base64"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/content"
)

// Nonce returns the request's CSP nonce.
func Nonce(c *fiber.Ctx) string {
	n, _ := c.Locals("nonce").(string)
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
	rid := make([]byte, 8)
	_, _ = rand.Read(rid)
	id := base64.RawURLEncoding.EncodeToString(rid)
	c.Locals("rid", id)
	c.Set("X-Request-Id", id)
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
	s.Log.Info("request", "request_id", id, "method", c.Method(), "route", route, "status", status,
		"duration_ms", float64(dur.Microseconds())/1000)
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

func (s *Server) securityHeaders(c *fiber.Ctx) error {
	nb := make([]byte, 16)
	_, _ = rand.Read(nb)
	nonce := base64.RawURLEncoding.EncodeToString(nb)
	c.Locals("nonce", nonce)
	c.Set("Content-Security-Policy", s.csp(nonce))
	c.Set("X-Content-Type-Options", "nosniff")
	c.Set("Referrer-Policy", "same-origin")
	c.Set("X-Frame-Options", "SAMEORIGIN")
	c.Set("Cross-Origin-Opener-Policy", "same-origin")
	c.Set("Permissions-Policy", "geolocation=(self), camera=(), microphone=()")
	if strings.HasPrefix(s.Config.BaseURL, "https://") {
		c.Set("Strict-Transport-Security", "max-age=31536000; includeSubDomains")
	}
	return c.Next()
}

func (s *Server) csp(nonce string, imgOrigins ...string) string {
	img := "'self' data:"
	for _, o := range append([]string{tileOrigin(s.Config.TileURL)}, imgOrigins...) {
		if o != "" {
			img += " " + o
		}
	}
	fa := s.Config.FrameAncestors
	if fa == "" {
		fa = "'self'"
	}
	return "default-src 'self'; script-src 'self' 'nonce-" + nonce + "'; style-src 'self'; img-src " + img +
		"; connect-src 'self'; font-src 'self'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors " + fa
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
	explicit := c.Query("lang")
	if explicit != "" && s.I18n.Has(explicit) {
		c.Cookie(&fiber.Cookie{Name: "lang", Value: explicit, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, SameSite: "Lax", Secure: s.Secure()})
	} else {
		explicit = c.Cookies("lang")
	}
	tag := s.I18n.Negotiate(explicit, c.Get(fiber.HeaderAcceptLanguage))
	c.Locals("localizer", s.I18n.Localizer(tag))
	return c.Next()
}
