package web

import (
	"sort"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/authoring"
)

// UploadBodyLimit bounds the bodies of the routes that take files (an
// attachment of authoring.MaxUpload and its form fields); every other
// route keeps BodyLimit (see bodyLimit).
const UploadBodyLimit = authoring.MaxUpload + 512*1024

// AllowUploads names the routes that may carry files: allow reports for a
// path whether its body may exceed BodyLimit (up to UploadBodyLimit).
func (s *Server) AllowUploads(allow func(path string) bool) { s.uploads = allow }

// bodyLimit answers 413 to a body beyond BodyLimit on any route that does
// not take files. The server reads bodies up to UploadBodyLimit.
func (s *Server) bodyLimit(c *fiber.Ctx) error {
	if len(c.Request().Body()) > BodyLimit && (s.uploads == nil || !s.uploads(c.Path())) {
		return fiber.ErrRequestEntityTooLarge
	}
	return c.Next()
}

// Names lists the theme's static files under dir ("icons/"), without the
// directory and extension, sorted: the icon set categories choose from.
func (a *Assets) Names(dir, ext string) []string {
	var out []string
	for n := range a.hashes {
		if rest, ok := strings.CutPrefix(n, dir); ok && strings.HasSuffix(rest, ext) && !strings.Contains(rest, "/") {
			out = append(out, strings.TrimSuffix(rest, ext))
		}
	}
	sort.Strings(out)
	return out
}
