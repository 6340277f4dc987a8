package web

import (
	"crypto/rand"
	"encoding/base64"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
)

// VoterKey returns the browser's voter key from its cookie, making one when
// missing. It identifies one browser's vote; it is stored only hashed.
func VoterKey(c *fiber.Ctx, secure bool) string {
	v := c.Cookies("mitreden_voter")
	if len(v) < 20 || len(v) > 64 {
		b := make([]byte, 18)
		_, _ = rand.Read(b)
		v = base64.RawURLEncoding.EncodeToString(b)
		c.Cookie(&fiber.Cookie{Name: "mitreden_voter", Value: v, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, Secure: secure, SameSite: "Lax"})
	}
	return utils.CopyString(v)
}
