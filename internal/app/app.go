// Package app wires the server: store, web parts and every audience's
// routes, plus health, readiness, metrics and static files.
package app

import (
	"context"
	"errors"
	"log/slog"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/adaptor"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/basemap"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/mail"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
	"github.com/mitreden/mitreden/internal/web/admin"
	"github.com/mitreden/mitreden/internal/web/api"
	"github.com/mitreden/mitreden/internal/web/ogc"
	"github.com/mitreden/mitreden/internal/web/public"
	"github.com/mitreden/mitreden/locales"
	"github.com/mitreden/mitreden/themes"
)

// New builds the server over an open, migrated store.
func New(cfg config.Config, st *store.Store, log *slog.Logger) (*web.Server, *fiber.App, error) {
	var mbtiles *basemap.MBTiles
	if cfg.TileMBTiles != "" {
		// An offline base map: served by this server, so the map works
		// without network (a workshop laptop).
		var err error
		if mbtiles, err = basemap.Open(cfg.TileMBTiles); err != nil {
			return nil, nil, err
		}
		cfg.TileURL = "/tiles/{z}/{x}/{y}." + mbtiles.Format
		if mbtiles.Attrib != "" {
			cfg.TileAttribution = mbtiles.Attrib
		}
	}
	secret := []byte(cfg.SecretKey)
	if len(secret) == 0 {
		// serve always passes the persistent secret (auth.LoadSecret); a
		// server built without one signs with a key of its own, so table
		// links made elsewhere do not open its kiosk.
		secret = []byte(auth.NewToken())
	}
	cfg.SecretKey = "" // the Config reaches templates; the secret must not
	bundleKey := []byte(cfg.BundleKey)
	cfg.BundleKey = "" // nor the bundle key
	smtp, mailOn, err := mail.ParseSettings(cfg.SMTPURL, cfg.MailFrom)
	if err != nil {
		return nil, nil, err
	}
	cfg.SMTPURL = "" // nor the SMTP password
	s, err := web.NewServer(cfg, st, themes.FS, locales.FS, log)
	if err != nil {
		return nil, nil, err
	}
	s.TableSecret = secret
	if len(bundleKey) > 0 {
		s.BundleKey = bundleKey
	}
	if mailOn {
		base := cfg.BaseURL
		if base == "" {
			base = "http://localhost" + cfg.Addr
			if !strings.HasPrefix(cfg.Addr, ":") {
				base = "http://" + cfg.Addr
			}
			log.Warn("e-mail links need MITREDEN_BASE_URL; using " + base)
		}
		if s.Mail, err = mail.New(st, s.I18n, smtp, secret, base, log); err != nil {
			return nil, nil, err
		}
	}
	s.Metrics.WatchSSE(s.Broker.Count)
	app := s.App()
	if mbtiles != nil {
		// Fiber runs shutdown hooks after the last request has finished.
		app.Hooks().OnShutdown(mbtiles.Close)
	}
	app.Use(s.Compress)
	app.Get("/healthz", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"status": "ok"}) })
	app.Get("/readyz", func(c *fiber.Ctx) error {
		ctx, cancel := context.WithTimeout(c.UserContext(), 2*time.Second)
		defer cancel()
		if err := st.Ping(ctx); err != nil {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "database unreachable"})
		}
		if ok, err := st.Current(ctx); err != nil || !ok {
			return c.Status(fiber.StatusServiceUnavailable).JSON(fiber.Map{"status": "migrations pending"})
		}
		return c.JSON(fiber.Map{"status": "ready"})
	})
	metrics := adaptor.HTTPHandler(promhttp.HandlerFor(s.Metrics.Registry, promhttp.HandlerOpts{}))
	app.Get("/metrics", func(c *fiber.Ctx) error {
		if t := cfg.MetricsToken; t != "" && c.Get(fiber.HeaderAuthorization) != "Bearer "+t {
			return s.Fail(c, fiber.StatusUnauthorized, "unauthorized", web.Localizer(c).T("error.unauthorized"))
		}
		return metrics(c)
	})
	app.Get("/static/:hash/*", func(c *fiber.Ctx) error {
		name := path.Clean(c.Params("*"))
		// Compressed once at start; the Compress middleware leaves the
		// answer alone because it carries its Content-Encoding.
		b, coding, vary, err := s.Assets.Encoded(name, c.Get(fiber.HeaderAcceptEncoding))
		if err != nil {
			return fiber.ErrNotFound
		}
		if c.Params("hash") != "0" {
			c.Set(fiber.HeaderCacheControl, "public, max-age=31536000, immutable")
		}
		if vary {
			c.Vary(fiber.HeaderAcceptEncoding)
		}
		if coding != "" {
			c.Set(fiber.HeaderContentEncoding, coding)
		}
		c.Type(strings.TrimPrefix(path.Ext(name), "."))
		return c.Send(b)
	})
	if mbtiles != nil {
		app.Get("/tiles/:z/:x/:y", func(c *fiber.Ctx) error {
			z, errZ := strconv.Atoi(c.Params("z"))
			x, errX := strconv.Atoi(c.Params("x"))
			y, errY := strconv.Atoi(strings.TrimSuffix(c.Params("y"), "."+mbtiles.Format))
			if errZ != nil || errX != nil || errY != nil {
				return s.Fail(c, fiber.StatusBadRequest, "bad_tile", web.Localizer(c).T("error.not_found"))
			}
			b, err := mbtiles.Tile(c.UserContext(), z, x, y)
			if errors.Is(err, basemap.ErrNoTile) {
				return fiber.ErrNotFound
			}
			if err != nil {
				return err
			}
			c.Set(fiber.HeaderCacheControl, "public, max-age=86400")
			c.Type(mbtiles.Format)
			return c.Send(b)
		})
	}
	// The retention rules run a minute after start and then daily, until
	// Shutdown (GDPR Art. 5(1)(e): nothing personal kept longer than needed).
	retCtx, stopRet := context.WithCancel(context.Background())
	retDone := make(chan struct{})
	go func() {
		defer close(retDone)
		s.Retention.Run(retCtx, log, time.Minute, 24*time.Hour)
	}()
	s.OnShutdown(func() { stopRet(); <-retDone })
	api.Register(app, s)
	ogc.Register(app, s)
	admin.Register(app, s)
	public.Register(app, s)
	app.Use(func(c *fiber.Ctx) error { return fiber.ErrNotFound })
	return s, app, nil
}
