// Package api serves the JSON API v1: procedures, contributions as GeoJSON,
// comments, ratings and the live event stream.
package api

import (
	"encoding/json"
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/web"
)

// Handler serves the API.
type Handler struct {
	*web.Server
}

// Register adds the API routes.
func Register(app *fiber.App, s *web.Server) {
	h := &Handler{Server: s}
	g := app.Group("/api/v1")
	g.Get("/procedures", h.procedures)
	g.Get("/procedures/:slug", h.procedure)
	g.Get("/procedures/:slug/contributions", h.contributions)
	g.Get("/procedures/:slug/places", h.places)
	g.Get("/procedures/:slug/events", h.events)
	g.Get("/procedures/:slug/similar", h.similar)
	g.Get("/contributions/:id", h.contribution)
	g.Get("/procedures/:slug/export.:format", s.Require("export"), h.export)
	g.Get("/procedures/:slug/analysis", s.Require("export"), h.analysis)
	g.Get("/procedures/:slug/moderation", s.Require("moderate"), h.queue)
	g.Get("/procedures/:slug/reports", s.Require("moderate"), h.reports)
	g.Post("/procedures/:slug/reports/:id/resolve", s.Require("moderate"), h.resolveReport)
	g.Patch("/contributions/:id", h.jsonOnly, s.Require("moderate"), h.moderate)
	g.Get("/procedures/:slug/moderation/comments", s.Require("moderate"), h.commentQueue)
	g.Patch("/comments/:id", h.jsonOnly, s.Require("moderate"), h.moderateComment)
	g.Post("/contributions/:id/merge", h.jsonOnly, s.Require("moderate"), h.merge)
	g.Post("/contributions/:id/responses", h.jsonOnly, s.Require("respond"), h.respond)
	w := g.Group("", s.WriteLimiter())
	w.Post("/procedures/:slug/contributions", h.jsonOnly, h.originGate(s.Require("moderate")), h.createContribution)
	w.Post("/contributions/:id/comments", h.jsonOnly, h.createComment)
	w.Post("/contributions/:id/ratings", h.jsonOnly, h.rate)
	w.Post("/contributions/:id/flags", h.jsonOnly, h.flag)
	g.Get("/procedures/:slug/conceptions", h.conceptions)
	w.Post("/procedures/:slug/conceptions/:key/ratings", h.jsonOnly, h.rateConception)
	w.Post("/procedures/:slug/conceptions/:key/comments", h.jsonOnly, h.commentConception)
	w.Post("/procedures/:slug/conceptions/:key/flags", h.jsonOnly, h.flagConceptionComment)
	g.All("/*", func(c *fiber.Ctx) error {
		return s.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.not_found"))
	})
}

func (h *Handler) jsonOnly(c *fiber.Ctx) error {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	if ct != fiber.MIMEApplicationJSON && ct != "application/geo+json" {
		return h.Fail(c, fiber.StatusUnsupportedMediaType, "unsupported_media_type", web.Localizer(c).T("error.json_required"))
	}
	if !utf8.Valid(c.Body()) {
		return h.Fail(c, fiber.StatusBadRequest, "invalid_utf8", web.Localizer(c).T("validation.invalid_utf8"))
	}
	return c.Next()
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (h *Handler) badJSON(c *fiber.Ctx, err error) error {
	l := web.Localizer(c)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return h.Fail(c, fiber.StatusBadRequest, "invalid_json", l.T("error.json_type", "Field", te.Field))
	}
	if strings.HasPrefix(err.Error(), "json: unknown field") {
		return h.Fail(c, fiber.StatusBadRequest, "unknown_field", l.T("error.json_unknown_field"))
	}
	return h.Fail(c, fiber.StatusBadRequest, "invalid_json", l.T("error.json_malformed"))
}
