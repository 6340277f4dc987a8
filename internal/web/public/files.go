package public

import (
	"errors"
	"mime"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// file serves an attached file with the type its content was judged to
// have when it was uploaded: pictures inline, documents as downloads,
// never sniffed by the browser and never with a script running in them.
func (h *Handler) file(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil {
		return h.notFound(c, "author.not_found")
	}
	a, data, err := h.Authoring.File(c.UserContext(), p, id)
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c, "author.not_found")
	}
	if err != nil {
		return err
	}
	etag := `"` + a.SHA256 + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderContentSecurityPolicy, "default-src 'none'; style-src 'unsafe-inline'; sandbox")
	disposition := "attachment"
	if a.IsImage() {
		disposition = "inline"
	}
	c.Set(fiber.HeaderContentDisposition, mime.FormatMediaType(disposition, map[string]string{"filename": a.Filename}))
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, a.ContentType)
	return c.Send(data)
}

// download is a file as the public pages list it.
type download struct {
	model.Attachment
	URL, SizeText string
}

// downloads lists the files of a procedure that belong to page (""
// for the procedure's own), leaving out plan variants' pictures.
func (h *Handler) downloads(c *fiber.Ctx, p *model.Procedure, page string) ([]download, error) {
	files, err := h.Authoring.Files(c.UserContext(), p)
	if err != nil {
		return nil, err
	}
	var out []download
	for _, f := range files {
		if f.ConceptionKey == "" && f.PageSlug == page {
			out = append(out, download{f, authoring.FileURL(p.Slug, f), sizeText(web.Localizer(c), f.Size)})
		}
	}
	return out, nil
}

// sizeText shows a file's size for the list of downloads.
func sizeText(l interface{ T(string, ...any) string }, n int64) string {
	if n < 1<<20 {
		return l.T("author.size_kb", "N", strconv.FormatInt((n+1023)>>10, 10))
	}
	return l.T("author.size_mb", "N", strconv.FormatFloat(float64(n)/(1<<20), 'f', 1, 64))
}
