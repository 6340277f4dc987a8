// Package web holds what every audience's handlers share: the Fiber app
// with its middleware (request ids, logs without client addresses, security
// headers with a CSP nonce, locale choice, body limits, rate limits, CSRF),
// page rendering from the theme, error answers and the live-event broker.
// Handlers live in one sub-package per audience (web/public, web/api).
package web

import (
	"io"
	"io/fs"
	"log/slog"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/feedback"
	"github.com/mitreden/mitreden/internal/mail"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/procedures"
	"github.com/mitreden/mitreden/internal/retention"
	"github.com/mitreden/mitreden/internal/site"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/viewport"
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
	// Analysis computes the planners' analyses, once per procedure
	// version for the back office and the API alike.
	Analysis *analysis.Service
	// Procedures finds procedures by slug and counts their contributions,
	// kept per procedure version.
	Procedures *procedures.Service
	// Visits counts procedure page views without tracking.
	Visits  *procedures.Visits
	Broker  *Broker
	Hasher  *auth.Hasher
	Log     *slog.Logger
	Metrics *Metrics
	// AccessLog, when set, takes the request log lines, written by hand
	// in the shape of Log's JSON handler (accesslog.go); else they go
	// through Log.
	AccessLog io.Writer
	// Viewports answers map views and pages of features by bbox (the API's
	// contributions, the OGC API's items) from one set of kept tiles.
	Viewports *viewport.Service
	Now       func() time.Time

	// Authoring builds procedures in the back office.
	Authoring *authoring.Service

	// TableSecret signs workshop table links (auth.TableKey). It lives
	// here, not in Config, so that it never reaches a template.
	TableSecret []byte
	// BundleKey signs the workshop bundles the API exports (nil: unsigned);
	// kept here, not in Config, for the same reason.
	BundleKey []byte

	// Retention applies the data-protection rules (erasure).
	Retention *retention.Service

	// Feedback takes reports on the site's accessibility.
	Feedback *feedback.Service
	// Site holds the site pages' own texts and the sign-language videos.
	Site *site.Service

	// Mail queues and sends e-mail; nil when no SMTP server is configured
	// (then no form offers e-mail and nothing is queued).
	Mail *mail.Service

	// Busy reports whether the cores are what clients wait for (see
	// loadMeter); tests may replace it.
	Busy func() bool

	encoded    *cache.Cache[[]byte]   // see Compress
	seen       *cache.Cache[struct{}] // see Compress
	pages      pageCache              // see RenderCached
	proxies    proxies                // see ClientIP
	limits     limiters               // see WriteLimiter
	policy     policy                 // see securityHeaders
	langs      langs                  // see locale
	scriptMsgs sync.Map               // locale tag → the scripts' messages as JSON, see scriptMessages
	stops      []func()               // see OnShutdown
	uploads    func(path string) bool // see AllowUploads
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
		Part: participation.New(st), Moderation: moderation.New(st), Analysis: analysis.New(st), Procedures: procedures.New(st), Retention: retention.New(st), Feedback: feedback.New(st), Site: site.New(st), Authoring: authoring.New(st), Hasher: auth.NewHasher(), Log: log, Now: time.Now, Metrics: NewMetrics()}
	s.Pages, err = LoadTemplates(theme, s.funcs())
	if err != nil {
		return nil, err
	}
	s.Broker = NewBroker(st, log)
	s.Viewports = viewport.New(st, s.Count)
	s.proxies = parseProxies(cfg.TrustedProxies)
	s.encoded, s.seen = cache.New(encodedBudget, cache.Bytes), cache.New[struct{}](seenEntries, nil)
	s.Busy = new(loadMeter).busy
	s.Visits = &procedures.Visits{Store: st, Now: func() time.Time { return s.Now() }, Log: log}
	s.Broker.MaxPerClient, s.Broker.MaxTotal = cfg.StreamsPerClient, cfg.StreamsTotal
	if cfg.AnalysisBackground > 0 {
		s.Analysis.SetBackgroundTexts(cfg.AnalysisBackground)
	}
	return s, nil
}

// App builds the Fiber app with the shared middleware; the caller registers
// the audiences' routes on it.
func (s *Server) App() *fiber.App {
	s.makePolicy()
	app := fiber.New(fiber.Config{
		AppName: "Mitreden",
		// The program-wide rule for request memory (docs/architecture.md):
		// every string Fiber hands out (Params, Query, Get, Method, Path,
		// Cookies, FormValue, IP) is a copy that may outlive the request.
		Immutable:      true,
		BodyLimit:      UploadBodyLimit, // BodyLimit for all but uploads: see bodyLimit
		ReadBufferSize: 16 * 1024,
		// Headers and a street-sized viewport answer leave in one write
		// instead of two (the buffer is taken per answer, not kept per
		// idle connection).
		WriteBufferSize: 32 * 1024,
		ReadTimeout:     30 * time.Second,
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
	app.Use(s.recoverer, s.bodyLimit, s.requestLog, s.securityHeaders, s.locale, s.privateDrafts)
	return app
}

// Secure reports whether the server is reached over HTTPS (cookies get Secure).
func (s *Server) Secure() bool { return strings.HasPrefix(s.Config.BaseURL, "https://") }

// Shutdown stops the broker, which ends every live-event stream, and runs
// the functions given to OnShutdown (background work such as retention).
func (s *Server) Shutdown() {
	s.Broker.Close()
	s.FlushViews()
	for _, f := range s.stops {
		f()
	}
	s.stops = nil
}

// OnShutdown adds f to what Shutdown runs; call it while wiring, before serving.
func (s *Server) OnShutdown(f func()) { s.stops = append(s.stops, f) }
