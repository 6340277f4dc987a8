package web

import (
	"errors"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Require lets a request through only when it carries an API token
// (Authorization: Bearer TOKEN) of an account whose role may do action;
// the account is then in c.Locals("user"). Without a valid token it
// answers 401, with a token of a role that may not, 403.
func (s *Server) Require(action string) fiber.Handler {
	return func(c *fiber.Ctx) error {
		l := Localizer(c)
		h := c.Get(fiber.HeaderAuthorization)
		scheme, tok, ok := strings.Cut(h, " ")
		tok = strings.TrimSpace(tok)
		if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" || len(tok) > 200 {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="mitreden"`)
			return s.Fail(c, fiber.StatusUnauthorized, "unauthorized", l.T("error.unauthorized"))
		}
		u, err := s.Store.UserByTokenHash(c.Context(), auth.HashToken(tok))
		if errors.Is(err, store.ErrNotFound) {
			c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="mitreden", error="invalid_token"`)
			return s.Fail(c, fiber.StatusUnauthorized, "unauthorized", l.T("error.unauthorized"))
		}
		if err != nil {
			return err
		}
		if !auth.Can(u.Role, action) {
			return s.Fail(c, fiber.StatusForbidden, "forbidden", l.T("error.forbidden"))
		}
		c.Locals("user", u)
		return c.Next()
	}
}

// User is the account Require admitted (nil on public routes).
func User(c *fiber.Ctx) *model.User {
	u, _ := c.Locals("user").(*model.User)
	return u
}
