package web

import (
	"io"
	"log/slog"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"
)

// An answer cut short by a panic still carries the headers every document
// needs; a data answer does not, and gets the policy that allows nothing.
func TestDocumentHeadersSurviveAPanicAndLeaveDataAnswers(t *testing.T) {
	s := &Server{Log: slog.New(slog.NewTextHandler(io.Discard, nil))}
	s.makePolicy()
	app := fiber.New(fiber.Config{ErrorHandler: func(c *fiber.Ctx, err error) error {
		return c.Status(fiber.StatusInternalServerError).SendString("Fehler")
	}})
	app.Use(s.recoverer, s.securityHeaders)
	app.Get("/boom", func(c *fiber.Ctx) error { panic("boom") })
	app.Get("/data", func(c *fiber.Ctx) error { return c.JSON(fiber.Map{"ok": true}) })
	app.Get("/page", func(c *fiber.Ctx) error { c.Type("html"); return c.SendString("<p>Seite</p>") })
	for path, document := range map[string]bool{"/boom": true, "/data": false, "/page": true} {
		res, err := app.Test(httptest.NewRequest("GET", path, nil))
		if err != nil {
			t.Fatal(err)
		}
		for _, h := range []string{"X-Frame-Options", "Cross-Origin-Opener-Policy", "Permissions-Policy"} {
			if got := res.Header.Get(h) != ""; got != document {
				t.Errorf("%s: %s present = %v", path, h, got)
			}
		}
		if res.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s: no nosniff", path)
		}
		if csp := res.Header.Get("Content-Security-Policy"); !document && !strings.HasPrefix(csp, "default-src 'none';") {
			t.Errorf("%s: CSP = %q", path, csp)
		}
	}
}
