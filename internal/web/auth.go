package web

import (
	"errors"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/accounts"
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
		var u *model.User
		if h == "" && (c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead) {
			// A back-office session may read (exports, queues); writes
			// through the API need a token, so no cross-site form can
			// ride on the session cookie.
			u = s.SessionUser(c)
		}
		if u == nil {
			scheme, tok, ok := strings.Cut(h, " ")
			tok = strings.TrimSpace(tok)
			if !ok || !strings.EqualFold(scheme, "Bearer") || tok == "" || len(tok) > 200 {
				c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="mitreden"`)
				return s.Fail(c, fiber.StatusUnauthorized, "unauthorized", l.T("error.unauthorized"))
			}
			var err error
			u, err = accounts.UserByToken(c.UserContext(), s.Store, tok)
			if errors.Is(err, store.ErrNotFound) {
				c.Set(fiber.HeaderWWWAuthenticate, `Bearer realm="mitreden", error="invalid_token"`)
				return s.Fail(c, fiber.StatusUnauthorized, "unauthorized", l.T("error.unauthorized"))
			}
			if err != nil {
				return err
			}
		}
		if !auth.Can(u.Role, action) {
			return s.Fail(c, fiber.StatusForbidden, "forbidden", l.T("error.forbidden"))
		}
		if ok, err := s.InScope(c, u); err != nil {
			return err
		} else if !ok {
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

// SessionCookie is the back office's session cookie.
const SessionCookie = "mitreden_session"

// SessionTTL is how long a back-office login lasts.
const SessionTTL = 12 * time.Hour

// SessionUser returns the account of the request's back-office session,
// nil without a valid one.
func (s *Server) SessionUser(c *fiber.Ctx) *model.User {
	v := c.Cookies(SessionCookie)
	if v == "" || len(v) > 200 {
		return nil
	}
	u, err := accounts.SessionUser(c.UserContext(), s.Store, v)
	if err != nil {
		return nil
	}
	return u
}

// SessionHash is the stored hash of the request's session cookie (nil
// without one).
func (s *Server) SessionHash(c *fiber.Ctx) []byte {
	v := c.Cookies(SessionCookie)
	if v == "" || len(v) > 200 {
		return nil
	}
	return auth.HashToken(v)
}

// StartSession logs u in: a random cookie value (stored hashed), HttpOnly,
// SameSite=Lax, Secure behind TLS.
func (s *Server) StartSession(c *fiber.Ctx, u *model.User) error {
	tok, err := accounts.StartSession(c.UserContext(), s.Store, u.ID, time.Now().Add(SessionTTL))
	if err != nil {
		return err
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: tok, Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: s.Secure(), Expires: time.Now().Add(SessionTTL)})
	return nil
}

// EndSession logs the request's session out.
func (s *Server) EndSession(c *fiber.Ctx) error {
	if v := c.Cookies(SessionCookie); v != "" {
		if err := accounts.EndSession(c.UserContext(), s.Store, v); err != nil {
			return err
		}
	}
	c.Cookie(&fiber.Cookie{Name: SessionCookie, Value: "", Path: "/", HTTPOnly: true, SameSite: "Lax",
		Secure: s.Secure(), Expires: time.Unix(0, 0)})
	return nil
}
