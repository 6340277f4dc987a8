package public

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/valyala/fasthttp"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/site"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// signPage is where the site (BITV 2.0 §4) and each procedure explain
// themselves in German Sign Language: the video with its captions, or,
// until the operators upload one, a text saying that it will come.
const signPage = "gebaerdensprache"

func (h *Handler) registerSignLanguage(app *fiber.App, csrf fiber.Handler) {
	app.Get("/"+signPage, csrf, h.signLanguage)
	app.Get("/"+signPage+"/video", h.signVideo)
	app.Get("/"+signPage+"/captions.vtt", h.signCaptions)
	app.Get("/p/:slug/"+signPage, csrf, h.signLanguage)
	app.Get("/p/:slug/"+signPage+"/video", h.signVideo)
	app.Get("/p/:slug/"+signPage+"/captions.vtt", h.signCaptions)
}

// signSource is what a sign-language route shows.
type signSource struct {
	P     *model.Procedure // nil on the site's page
	Video *store.SignVideo // nil until one is uploaded
	Base  string           // the path the video and captions are served under
}

// signSourceOf finds the video a page shows: the procedure's own, else the
// site's. ok is false when the answer is written (an unknown procedure).
func (h *Handler) signSourceOf(c *fiber.Ctx) (s signSource, ok bool, err error) {
	s.Base = "/" + signPage
	if c.Params("slug") != "" {
		if s.P, err = h.LoadProcedure(c); s.P == nil {
			return s, false, err
		}
		v, err := h.Site.Video(c.UserContext(), s.P.ID)
		if err == nil {
			s.Video, s.Base = v, "/p/"+s.P.Slug+"/"+signPage
			return s, true, nil
		}
		if !errors.Is(err, site.ErrNotFound) {
			return s, false, err
		}
	}
	s.Video, err = h.Site.Video(c.UserContext(), store.SiteProcedure)
	if errors.Is(err, site.ErrNotFound) {
		return s, true, nil
	}
	return s, err == nil, err
}

func (h *Handler) signLanguage(c *fiber.Ctx) error {
	s, ok, err := h.signSourceOf(c)
	if !ok {
		return err
	}
	l := web.Localizer(c)
	data := fiber.Map{"Title": l.T("dgs.title"), "VideoURL": s.Base + "/video", "CaptionsURL": s.Base + "/captions.vtt"}
	if s.Video != nil {
		data["Video"], data["Own"] = s.Video, s.P != nil && s.Video.ProcedureID == s.P.ID
	}
	if s.P != nil {
		pv, err := h.procView(c, s.P)
		if err != nil {
			return err
		}
		data["P"] = pv
	}
	return h.Render(c, "signlanguage", data)
}

// signVideo serves the video; browsers ask for parts of it (Range).
func (h *Handler) signVideo(c *fiber.Ctx) error {
	s, ok, err := h.signSourceOf(c)
	if !ok {
		return err
	}
	if s.Video == nil {
		return h.notFound(c, "dgs.none")
	}
	return serveBytes(c, s.Video, s.Video.MIME, s.Video.Video)
}

func (h *Handler) signCaptions(c *fiber.Ctx) error {
	s, ok, err := h.signSourceOf(c)
	if !ok {
		return err
	}
	if s.Video == nil {
		return h.notFound(c, "dgs.none")
	}
	return serveBytes(c, s.Video, "text/vtt; charset=utf-8", []byte(s.Video.Captions))
}

// serveBytes answers with data, whole or the one byte range asked for,
// validated by an ETag of the upload's time.
func serveBytes(c *fiber.Ctx, v *store.SignVideo, contentType string, data []byte) error {
	etag := `"` + strconv.FormatInt(v.ProcedureID, 10) + "-" + strconv.FormatInt(v.UpdatedAt.UnixMilli(), 36) + `"`
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "public, max-age=300")
	c.Set(fiber.HeaderXContentTypeOptions, "nosniff")
	c.Set(fiber.HeaderAcceptRanges, "bytes")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	c.Set(fiber.HeaderContentType, contentType)
	r := c.Get(fiber.HeaderRange)
	if r == "" || (c.Get(fiber.HeaderIfRange) != "" && c.Get(fiber.HeaderIfRange) != etag) {
		return c.Send(data)
	}
	start, end, err := fasthttp.ParseByteRange([]byte(r), len(data))
	if err != nil {
		c.Set(fiber.HeaderContentRange, "bytes */"+strconv.Itoa(len(data)))
		return c.SendStatus(fiber.StatusRequestedRangeNotSatisfiable)
	}
	c.Set(fiber.HeaderContentRange, "bytes "+strconv.Itoa(start)+"-"+strconv.Itoa(end)+"/"+strconv.Itoa(len(data)))
	c.Status(fiber.StatusPartialContent)
	return c.Send(data[start : end+1])
}
