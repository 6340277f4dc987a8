// Package web holds what every audience's handlers share: the Fiber app
// with its middleware (request ids, logs without client addresses, security
// headers with a CSP nonce, locale choice, body limits, rate limits, CSRF),
// page rendering from the theme, error answers and the live-event broker.
// Handlers live in one sub-package per audience (web/public, web/api).
package web

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"log/slog"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
)

// BodyLimit bounds every request body (a contribution with 1,000 vertices
// and 5,000 characters of text stays far below it).
const BodyLimit = 256 * 1024

// Server holds the parts every handler needs.
type Server struct {
	Config   config.Config
	Store    *store.Store
	I18n     *content.I18n
	Markdown *content.Markdown
	Assets   *Assets
	Pages    *Templates
	Part     *participation.Service
	// Moderation carries out moderators' and planners' steps.
	Moderation *moderation.Service
	Broker     *Broker
	Hasher     *auth.Hasher
	Log        *slog.Logger
	Metrics    *Metrics
	Now        func() time.Time

	// TableSecret signs workshop table links (auth.TableKey). It lives
	// here, not in Config, so that it never reaches a template.
	TableSecret []byte

	procs   *cache.Cache[*model.Procedure] // by slug, see LoadProcedure
	counts  *cache.Cache[int]              // see Count
	encoded *cache.Cache[[]byte]           // see Compress
	pages   pageCache                      // see RenderCached
	proxies proxies                        // see ClientIP
	limits  limiters                       // see WriteLimiter
}

// NewServer loads the theme and locales and wires the shared parts.
func NewServer(cfg config.Config, st *store.Store, themeFS, localeFS fs.FS, log *slog.Logger) (*Server, error) {
	i18n, err := content.LoadI18n(localeFS)
	if err != nil {
		return nil, err
	}
	theme, err := ThemeFS(themeFS, cfg.ThemesDir, cfg.Theme)
	if err != nil {
		return nil, err
	}
	assets, err := NewAssets(theme)
	if err != nil {
		return nil, err
	}
	s := &Server{Config: cfg, Store: st, I18n: i18n, Markdown: content.NewMarkdown(), Assets: assets,
		Part: participation.New(st), Moderation: moderation.New(st), Hasher: auth.NewHasher(), Log: log, Now: time.Now, Metrics: NewMetrics()}
	s.Pages, err = LoadTemplates(theme, s.funcs())
	if err != nil {
		return nil, err
	}
	s.Broker = NewBroker(st, log)
	s.proxies = parseProxies(cfg.TrustedProxies)
	s.procs, s.counts = cache.New[*model.Procedure](procedureEntries, nil), cache.New[int](countEntries, nil)
	s.encoded = cache.New(encodedBudget, cache.Bytes)
	s.Broker.MaxPerClient, s.Broker.MaxTotal = cfg.StreamsPerClient, cfg.StreamsTotal
	return s, nil
}

// App builds the Fiber app with the shared middleware; the caller registers
// the audiences' routes on it.
func (s *Server) App() *fiber.App {
	app := fiber.New(fiber.Config{
		AppName: "Mitreden",
		// The program-wide rule for request memory (docs/architecture.md):
		// every string Fiber hands out (Params, Query, Get, Method, Path,
		// Cookies, FormValue, IP) is a copy that may outlive the request.
		Immutable:      true,
		BodyLimit:      BodyLimit,
		ReadBufferSize: 16 * 1024,
		ReadTimeout:    30 * time.Second,
		// A client that stops reading frees its connection after this; live
		// event streams move their own deadline forward with every write.
		WriteTimeout:          5 * time.Minute,
		IdleTimeout:           120 * time.Second,
		DisableStartupMessage: true,
		ErrorHandler:          s.errorHandler,
		// Only trusted proxies' X-Forwarded-Proto and -Host count (none by
		// default); client addresses come from ClientIP, never from c.IP().
		EnableTrustedProxyCheck: true,
		TrustedProxies:          s.Config.TrustedProxies,
	})
	app.Use(s.recoverer, s.requestLog, s.securityHeaders, s.locale)
	return app
}

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

// Secure reports whether the server is reached over HTTPS (cookies get Secure).
func (s *Server) Secure() bool { return strings.HasPrefix(s.Config.BaseURL, "https://") }

// APIError is the JSON error body of the API.
type APIError struct {
	Error struct {
		Code    string            `json:"code"`
		Message string            `json:"message"`
		Fields  map[string]string `json:"fields,omitempty"`
	} `json:"error"`
}

// IsAPI reports whether the request is for the JSON API.
func IsAPI(c *fiber.Ctx) bool {
	return strings.HasPrefix(c.Path(), "/api/") || strings.HasPrefix(c.Path(), "/ogcapi")
}

// Fail answers with an error: JSON for the API, an HTML page otherwise.
func (s *Server) Fail(c *fiber.Ctx, status int, code, message string) error {
	return s.FailFields(c, status, code, message, nil)
}

// FailFields answers with an error that names the failed fields.
func (s *Server) FailFields(c *fiber.Ctx, status int, code, message string, fields map[string]string) error {
	if IsAPI(c) {
		var e APIError
		e.Error.Code, e.Error.Message, e.Error.Fields = code, message, fields
		return c.Status(status).JSON(e)
	}
	c.Status(status)
	return s.Render(c, "error", fiber.Map{"Status": status, "Code": code, "Message": message, "Fields": fields})
}

func (s *Server) errorHandler(c *fiber.Ctx, err error) error {
	status := fiber.StatusInternalServerError
	code := "internal"
	var fe *fiber.Error
	if errors.As(err, &fe) {
		status = fe.Code
		code = strings.ToLower(strings.ReplaceAll(fe.Message, " ", "_"))
	} else if errors.Is(err, store.ErrNotFound) {
		status, code = fiber.StatusNotFound, "not_found"
	} else if store.Unwritable(err) {
		// Disk full or database read-only: say so, keep serving reads.
		s.Log.Error("database cannot take writes", "error", err.Error(), "route", Route(c), "request_id", c.Locals("rid"))
		status, code = fiber.StatusServiceUnavailable, "storage_unavailable"
	}
	l := Localizer(c)
	if l == nil {
		l = s.I18n.Localizer(content.DefaultLocale)
		c.Locals("localizer", l)
	}
	msg := l.T("error.internal")
	switch status {
	case fiber.StatusNotFound:
		code, msg = "not_found", l.T("error.not_found")
	case fiber.StatusRequestEntityTooLarge:
		code, msg = "too_large", l.T("error.too_large")
	case fiber.StatusMethodNotAllowed:
		msg = l.T("error.method")
	case fiber.StatusServiceUnavailable:
		msg = l.T("error.storage_unavailable")
		c.Set(fiber.HeaderRetryAfter, "60")
	case fiber.StatusInternalServerError:
		s.Log.Error("internal error", "error", err.Error(), "route", Route(c), "request_id", c.Locals("rid"))
	default:
		if status < 500 {
			msg = fe.Message
		}
	}
	return s.Fail(c, status, code, msg)
}

// Render writes page with data inside the layout.
func (s *Server) Render(c *fiber.Ctx, page string, data fiber.Map) error {
	b, err := s.render(c, page, data, Nonce(c))
	if err != nil {
		return err
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(b)
}

// render executes page with data and the request's common values, with
// nonce as the scripts' nonce, and sets the page's CSP.
func (s *Server) render(c *fiber.Ctx, page string, data fiber.Map, nonce string) ([]byte, error) {
	t, ok := s.Pages.Lookup(page)
	if !ok {
		return nil, fmt.Errorf("web: no template %q", page)
	}
	if data == nil {
		data = fiber.Map{}
	}
	l := Localizer(c)
	data["L"] = l
	data["Lang"] = l.Lang()
	data["Locale"] = l.Tag
	data["Locales"] = s.I18n.Available()
	data["Nonce"] = nonce
	data["CSRF"] = c.Locals("csrf")
	data["Path"] = c.Path()
	data["Config"] = PageConfig{TileURL: s.Config.TileURL, TileAttribution: s.Config.TileAttribution}
	s.setPageCSP(c, data)
	var buf bytes.Buffer
	if err := t.ExecuteTemplate(&buf, "layout.html", data); err != nil {
		return nil, fmt.Errorf("web: render %s: %w", page, err)
	}
	return buf.Bytes(), nil
}

// PageConfig is the part of the configuration templates may see; the rest
// (the admin password, the metrics token, paths) never reaches a theme.
type PageConfig struct {
	TileURL         string
	TileAttribution string
}

// setPageCSP adds a procedure's WMS base layer to the page's image sources.
func (s *Server) setPageCSP(c *fiber.Ctx, data fiber.Map) {
	if p, ok := data["P"].(interface{ WMSURL() string }); ok {
		if o := tileOrigin(p.WMSURL()); o != "" {
			c.Set("Content-Security-Policy", s.csp(Nonce(c), o))
		}
	}
}

// FieldMessages translates validation errors into messages per field.
func FieldMessages(l *content.Localizer, errs model.Errors) map[string]string {
	out := map[string]string{}
	for _, e := range errs {
		if _, ok := out[e.Field]; ok {
			continue
		}
		args := []any{}
		for k, v := range e.Args {
			args = append(args, k, v)
		}
		out[e.Field] = l.T("validation."+e.Code, args...)
	}
	return out
}

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"asset": s.Assets.URL,
		"md":    s.Markdown.Render,
		"date": func(l *content.Localizer, t time.Time) string {
			t = t.In(berlin)
			if l != nil && l.Tag == "en" {
				return t.Format("2 January 2006")
			}
			return fmt.Sprintf("%d. %s %d", t.Day(), germanMonths[t.Month()-1], t.Year())
		},
		"datetime": func(l *content.Localizer, t time.Time) string {
			t = t.In(berlin)
			if l != nil && l.Tag == "en" {
				return t.Format("2 January 2006, 15:04")
			}
			return fmt.Sprintf("%d. %s %d, %s Uhr", t.Day(), germanMonths[t.Month()-1], t.Year(), t.Format("15:04"))
		},
		"iso":   func(t time.Time) string { return t.UTC().Format(time.RFC3339) },
		"label": func(l *content.Localizer, lb model.Labels) string { return lb.Get(l.Tag) },
		"dict": func(kv ...any) map[string]any {
			m := map[string]any{}
			for i := 0; i+1 < len(kv); i += 2 {
				m[fmt.Sprint(kv[i])] = kv[i+1]
			}
			return m
		},
		// importMap names the script modules for <script type="importmap">.
		"importMap": s.Assets.ImportMap,
		// jsI18n gives scripts the messages they show, as JSON for a data attribute.
		"jsI18n": func(l *content.Localizer) string {
			m := map[string]string{}
			for _, k := range append(jsMessages, s.I18n.IDsWithPrefix("js.")...) {
				// A count's message goes as both forms; scripts choose by n
				// (tn in js/i18n.js).
				one, other := l.Forms(k)
				m[k] = other
				if one != other {
					m[k+"|one"] = one
				}
			}
			b, _ := json.Marshal(m)
			return string(b)
		},
	}
}

// jsMessages are the message IDs the theme's scripts use besides the "js."
// ones, which all go to them. The scripts have no messages of their own:
// a key missing here shows as the key (internal/app/jsmessages_test.go
// checks every t('…') and tn('…') of the scripts against the page).
var jsMessages = []string{"map.label", "map.place_here", "map.undo", "map.clear", "map.mode_point",
	"map.mode_line", "map.mode_polygon", "map.keyboard_hint", "map.placed", "contribute.next", "contribute.prev",
	"validation.required", "validation.too_short", "procedure.map", "procedure.new",
	"card.up", "card.down", "card.comments", "card.origin_table", "procedure.count", "validation.geometry_outside_area"}

var germanMonths = []string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}

var berlin = func() *time.Location {
	if loc, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return loc
	}
	return time.FixedZone("CET", 3600)
}()

// Shutdown stops the broker, which ends every live-event stream.
func (s *Server) Shutdown() { s.Broker.Close() }

// procedureEntries bounds the procedures kept (a few per procedure while
// versions age out).
const procedureEntries = 1024

// LoadProcedure returns the procedure named by the :slug route parameter,
// or answers 404 itself and returns a nil procedure with the answer's error.
// Procedures are cached per slug and version: a request costs one indexed
// lookup until something changes. Handlers must not modify the result.
func (s *Server) LoadProcedure(c *fiber.Ctx) (*model.Procedure, error) {
	slug := c.Params("slug")
	if model.ValidSlug(slug) {
		p, err := s.procedure(c.UserContext(), slug)
		if !errors.Is(err, store.ErrNotFound) {
			return p, err
		}
	}
	return nil, s.Fail(c, fiber.StatusNotFound, "not_found", Localizer(c).T("error.procedure_not_found"))
}

func (s *Server) procedure(ctx context.Context, slug string) (*model.Procedure, error) {
	id, version, err := s.Store.ProcedureStamp(ctx, slug)
	if err != nil {
		return nil, err
	}
	// Keyed by slug, id and version: a procedure deleted and made anew
	// under the same slug is a new entry.
	return s.procs.Do(ctx, cache.Key{Procedure: id, Version: version, Name: slug}, func(ctx context.Context) (*model.Procedure, error) {
		return s.Store.ProcedureBySlug(ctx, slug)
	})
}

// WriteError answers an error of a resident's action (validation, phase,
// switches, unknown contribution) with a fitting 4xx, JSON for the API and
// an HTML page otherwise; anything else is passed on as a server error.
func (s *Server) WriteError(c *fiber.Ctx, err error) error {
	l := Localizer(c)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		fields := FieldMessages(l, verrs)
		status, code := fiber.StatusUnprocessableEntity, "validation"
		if verrs.Has("phase") {
			status, code = fiber.StatusForbidden, "phase_closed"
		}
		return s.FailFields(c, status, code, fields[verrs[0].Field], fields)
	}
	for _, m := range []struct {
		err    error
		status int
		code   string
		key    string
	}{
		{store.ErrNotFound, fiber.StatusNotFound, "not_found", "error.contribution_not_found"},
		{participation.ErrPhaseClosed, fiber.StatusForbidden, "phase_closed", "validation.phase_closed"},
		{participation.ErrCommentsClosed, fiber.StatusForbidden, "comments_closed", "error.comments_closed"},
		{participation.ErrRatingsClosed, fiber.StatusForbidden, "ratings_closed", "error.ratings_closed"},
		{participation.ErrInvalidVote, fiber.StatusBadRequest, "invalid_vote", "error.invalid_vote"},
		{participation.ErrNotEditable, fiber.StatusConflict, "not_editable", "error.not_editable"},
		{store.ErrInvalidParent, fiber.StatusBadRequest, "invalid_parent", "error.invalid_parent"},
		{participation.ErrInvalidFlagKind, fiber.StatusBadRequest, "invalid_flag", "error.invalid_flag"},
		{participation.ErrNoConception, fiber.StatusNotFound, "not_found", "error.conception_not_found"},
		{participation.ErrNoComment, fiber.StatusNotFound, "comment_not_found", "error.flag_comment"},
		{moderation.ErrForbidden, fiber.StatusForbidden, "forbidden", "error.forbidden"},
		{moderation.ErrNoChange, fiber.StatusBadRequest, "no_change", "error.no_change"},
		{moderation.ErrNotModeratable, fiber.StatusConflict, "not_moderatable", "error.not_moderatable"},
		{store.ErrMergeTarget, fiber.StatusConflict, "merge_target", "error.merge_target"},
		{store.ErrResolved, fiber.StatusConflict, "resolved", "error.report_resolved"},
	} {
		if errors.Is(err, m.err) {
			return s.Fail(c, m.status, m.code, l.T(m.key))
		}
	}
	return err
}
