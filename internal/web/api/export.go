package api

import (
	"fmt"
	"os"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/web"
)

// export answers GET /procedures/:slug/export.:format (csv, csv-de, xlsx,
// geojson, gpkg, synopsis, bundle; export.csv?dialect=de is csv-de) for
// planners: the
// file is written to a temporary file first, so a failure is a clean
// error status rather than a truncated download.
func (h *Handler) export(c *fiber.Ctx) error {
	l := web.Localizer(c)
	f, err := export.ParseFormat(c.Params("format"))
	if err != nil {
		return h.Fail(c, fiber.StatusNotFound, "unknown_format", l.T("error.export_format"))
	}
	// export.csv?dialect=de is export.csv-de: ";", CRLF, decimal commas
	switch d := c.Query("dialect"); {
	case d == "":
	case f == export.CSV && d == "de":
		f = export.CSVDE
	default:
		return h.Fail(c, fiber.StatusBadRequest, "unknown_dialect", l.T("error.export_format"))
	}
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	tmp, err := os.CreateTemp("", "mitreden-export-*")
	if err != nil {
		return err
	}
	path := tmp.Name()
	tmp.Close()
	defer os.Remove(path)
	opt := export.Options{Locale: l.Tag, T: func(id string) string { return l.T(id) }}
	opt.BundleKey = h.BundleKey
	if err := export.WriteFile(c.UserContext(), h.Store, f, p, path, opt); err != nil {
		return err
	}
	fh, err := os.Open(path)
	if err != nil {
		return err
	}
	info, err := fh.Stat()
	if err != nil {
		fh.Close()
		return err
	}
	if u := web.User(c); u != nil {
		// a read-only database must not stop an export; the log keeps the trace
		if err := export.Record(c.UserContext(), h.Store, u.Email, p, f); err != nil {
			h.Log.Warn("audit of export failed", "procedure", p.Slug, "error", err.Error())
		}
	}
	c.Set(fiber.HeaderContentType, f.ContentType())
	c.Set(fiber.HeaderContentDisposition, fmt.Sprintf(`attachment; filename="%s.%s"`, p.Slug, f.Ext()))
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	// the open file stays readable after its name is removed (deferred
	// above); fasthttp closes it when the answer is sent
	return c.SendStream(fh, int(info.Size()))
}
