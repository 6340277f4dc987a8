package public

import (
	"errors"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/web"
)

// contribForm is what the contribution form posts, read and checked as far
// as the form itself goes; the procedure's rules are the service's.
type contribForm struct {
	In     model.ContributionInput
	Geom   orb.Geometry
	Place  string            // a known place's name, as typed
	Fields map[string]string // messages per field
	Email  string            // for news by e-mail (offered only with e-mail configured)
	// EmailReplies: news about new comments too (the form's box).
	EmailReplies bool
}

// readForm reads the contribution form. The location comes from, in this
// order: "geometry" (GeoJSON the drawing script fills), "lat"/"lon" typed
// by hand, or the name of one of the procedure's known places.
func (h *Handler) readForm(c *fiber.Ctx, p *model.Procedure) (contribForm, error) {
	l := web.Localizer(c)
	f := contribForm{In: model.ContributionInput{Title: utils.CopyString(c.FormValue("title")), Text: utils.CopyString(c.FormValue("text")),
		Category: utils.CopyString(c.FormValue("category")), Type: utils.CopyString(c.FormValue("type")),
		AuthorName: utils.CopyString(c.FormValue("author_name"))},
		Place: strings.TrimSpace(utils.CopyString(c.FormValue("place"))), Fields: map[string]string{}}
	lat, lon := strings.TrimSpace(c.FormValue("lat")), strings.TrimSpace(c.FormValue("lon"))
	switch raw := strings.TrimSpace(c.FormValue("geometry")); {
	case raw != "":
		g, err := geo.ParseGeometry([]byte(raw), geo.DefaultLimits())
		if err != nil {
			f.Fields["geometry"] = l.T("validation." + participation.GeometryError(err).Code)
		}
		f.Geom = g
	case lat != "" || lon != "":
		la, err1 := strconv.ParseFloat(strings.ReplaceAll(lat, ",", "."), 64)
		lo, err2 := strconv.ParseFloat(strings.ReplaceAll(lon, ",", "."), 64)
		if err1 != nil || err2 != nil {
			f.Fields["geometry"] = l.T("validation.geometry_coordinates")
		} else {
			f.Geom = orb.Point{lo, la}
		}
	case f.Place != "":
		pt, ok, err := h.Part.FindPlace(c.UserContext(), p.ID, f.Place)
		if err != nil {
			return f, err
		}
		if ok {
			f.Geom = pt
		} else {
			f.Fields["place"] = l.T("validation.unknown_place")
		}
	}
	return f, nil
}

// geometryView is what the form shows of a geometry: the GeoJSON for the
// drawing script and, for a point, the coordinates for the typed fields.
func geometryView(g orb.Geometry) (string, *orb.Point) {
	if g == nil {
		return "", nil
	}
	var pt *orb.Point
	if q, ok := g.(orb.Point); ok {
		pt = &q
	}
	return string(geo.MarshalGeometry(g)), pt
}

func (h *Handler) contributeForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderContribute(c, p, prefill(c, p))
}

// prefill reads a link's ?lat=…&lon=…&category=… (the table's QR hand-off,
// or any link): the form opens with that point and category set. What does
// not parse, or a category the procedure lacks, is left out.
func prefill(c *fiber.Ctx, p *model.Procedure) contribForm {
	var f contribForm
	if lat, lon, ok := queryPoint(c); ok {
		f.Geom = orb.Point{lon, lat}
	}
	if k := c.Query("category"); k != "" {
		if _, ok := p.Category(k); ok {
			f.In.Category = k
		}
	}
	return f
}

func (h *Handler) renderContribute(c *fiber.Ctx, p *model.Procedure, f contribForm) error {
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	places, err := h.Part.Places(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	geomJSON, pt := geometryView(f.Geom)
	return h.Render(c, "contribute", fiber.Map{"Title": web.Localizer(c).T("contribute.title") + " – " + v.Text.Title,
		"P": v, "In": f.In, "Errors": f.Fields, "ErrorList": errorSummary(web.Localizer(c), f.Fields), "GeometryJSON": geomJSON, "Point": pt, "Places": places, "PlaceName": f.Place,
		"Action": "/p/" + p.Slug + "/contribute", "MailOn": h.Mail != nil, "Email": f.Email, "EmailReplies": f.EmailReplies})
}

func (h *Handler) contribute(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	// A honeypot field people never see: bots fill it.
	if c.FormValue("website") != "" {
		return h.Fail(c, fiber.StatusBadRequest, "rejected", l.T("error.rejected"))
	}
	email, emailErr := h.formEmail(c)
	if emailErr != "" {
		f, err := h.readForm(c, p)
		if err != nil {
			return err
		}
		f.Fields["email"], f.Email, f.EmailReplies = emailErr, email, formReplies(c)
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderContribute(c, p, f)
	}
	f, ct, token, status, err := h.submitForm(c, p, "")
	if err != nil {
		return err
	}
	if ct == nil {
		c.Status(status)
		f.Email, f.EmailReplies = email, formReplies(c)
		return h.renderContribute(c, p, f)
	}
	mailPending, err := h.subscribe(c, ct.ID, token, email, formReplies(c))
	if err != nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	similar, near := h.similarTo(c, p, ct)
	c.Status(fiber.StatusCreated)
	c.Set(fiber.HeaderCacheControl, "no-store") // the page carries the manage link
	return h.Render(c, "submitted", fiber.Map{"Title": l.T("submitted.title"), "P": v, "C": ct,
		"ManageURL": h.BaseURL(c) + "/manage/" + token, "URL": "/p/" + p.Slug + "/contributions/" + ct.ID, "MailPending": mailPending,
		"Similar": similar, "SimilarNear": near})
}

// submitForm reads the contribution form and stores the contribution with
// origin ("" for online). When the input is refused nothing is stored
// (ct is nil), f.Fields says why and status is the answer's: 422, or 403
// outside the participation phase.
func (h *Handler) submitForm(c *fiber.Ctx, p *model.Procedure, origin string) (f contribForm, ct *model.Contribution, token string, status int, err error) {
	f, err = h.readForm(c, p)
	if err != nil {
		return f, nil, "", 0, err
	}
	if len(f.Fields) > 0 {
		return f, nil, "", fiber.StatusUnprocessableEntity, nil
	}
	f.In.Origin = origin
	ct, token, err = h.Part.Submit(c.UserContext(), p, f.In, f.Geom)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		status = fiber.StatusUnprocessableEntity
		if verrs.Has("phase") {
			status = fiber.StatusForbidden
		}
		f.Fields = web.FieldMessages(web.Localizer(c), verrs)
		return f, nil, "", status, nil
	}
	if err != nil {
		return f, nil, "", 0, err
	}
	h.Metrics.Contributions.Inc()
	return f, ct, token, fiber.StatusCreated, nil
}
