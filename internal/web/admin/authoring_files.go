package admin

import (
	"errors"
	"io"
	"strconv"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// upload reads the file of field, if one was sent; a file beyond
// authoring.MaxUpload is read one byte past it, so the check refuses it.
func upload(c *fiber.Ctx, field string) (*authoring.Upload, error) {
	fh, err := c.FormFile(field)
	if err != nil || fh.Size == 0 && fh.Filename == "" {
		return nil, nil
	}
	b, err := fileBytes(c, field, authoring.MaxUpload)
	if err != nil {
		return nil, err
	}
	return &authoring.Upload{Name: fh.Filename, Data: b}, nil
}

// fileBytes reads the file of field up to limit+1 bytes (so that a file
// beyond limit is refused by the check, not cut); nil when none was sent.
func fileBytes(c *fiber.Ctx, field string, limit int64) ([]byte, error) {
	fh, err := c.FormFile(field)
	if err != nil {
		return nil, nil
	}
	f, err := fh.Open()
	if err != nil {
		return nil, err
	}
	defer f.Close()
	return io.ReadAll(io.LimitReader(f, limit+1))
}

func (h *Handler) variantsForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if _, ok, err := h.editLocale(c); !ok {
		return err
	}
	return h.renderVariants(c, p, authoring.ConceptionInput{}, authoring.AppointmentInput{}, nil)
}

func (h *Handler) renderVariants(c *fiber.Ctx, p *model.Procedure, v authoring.ConceptionInput, a authoring.AppointmentInput, errs map[string]string) error {
	ctx := c.UserContext()
	variants, err := h.Authoring.Variants(ctx, p)
	if err != nil {
		return err
	}
	appts, err := h.Authoring.Appointments(ctx, p)
	if err != nil {
		return err
	}
	locale := c.Query("locale", "de")
	if !validLocale(locale) {
		locale = "de"
	}
	return h.authorPage(c, "admin-edit-variants", "variants", p, localeData(fiber.Map{"Variants": variants, "Appointments": appts,
		"V": v, "A": a, "Errors": errs}, "/admin/p/"+p.Slug+"/variants", locale))
}

func (h *Handler) saveVariant(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	in := authoring.ConceptionInput{Key: form(c, "key"), Title: form(c, "title"), Body: form(c, "body"), ImageAlt: form(c, "image_alt")}
	if in.Image, err = upload(c, "image"); err != nil {
		return err
	}
	if err := h.Authoring.SaveConception(c.UserContext(), web.User(c), p, in); err != nil {
		in.Image = nil
		return h.authorFailed(c, err, func(errs map[string]string) error {
			return h.renderVariants(c, p, in, authoring.AppointmentInput{}, errs)
		})
	}
	return c.Redirect("/admin/p/"+p.Slug+"/variants?notice=saved", fiber.StatusSeeOther)
}

func (h *Handler) deleteVariant(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if err := h.Authoring.DeleteConception(c.UserContext(), web.User(c), p, form(c, "key")); err != nil {
		return h.authorFailed(c, err, nil)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/variants?notice=deleted", fiber.StatusSeeOther)
}

func (h *Handler) addAppointment(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	in := authoring.AppointmentInput{Title: form(c, "title"), Description: form(c, "description"), Date: form(c, "date"),
		From: form(c, "from"), To: form(c, "to"), Address: form(c, "address"), Lat: form(c, "lat"), Lon: form(c, "lon")}
	if err := h.Authoring.AddAppointment(c.UserContext(), web.User(c), p, in); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error {
			return h.renderVariants(c, p, authoring.ConceptionInput{}, in, errs)
		})
	}
	return c.Redirect("/admin/p/"+p.Slug+"/variants?notice=saved#appointments", fiber.StatusSeeOther)
}

func formID(c *fiber.Ctx) int64 {
	id, _ := strconv.ParseInt(c.FormValue("id"), 10, 64)
	return id
}

func (h *Handler) deleteAppointment(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if err := h.Authoring.DeleteAppointment(c.UserContext(), web.User(c), p, formID(c)); err != nil {
		return h.authorFailed(c, err, nil)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/variants?notice=deleted#appointments", fiber.StatusSeeOther)
}

func (h *Handler) filesForm(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderFiles(c, p, "", "", nil)
}

func (h *Handler) renderFiles(c *fiber.Ctx, p *model.Procedure, title, page string, errs map[string]string) error {
	files, err := h.Authoring.Files(c.UserContext(), p)
	if err != nil {
		return err
	}
	slugs, err := h.Moderation.PageSlugs(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	type row struct {
		model.Attachment
		URL string
	}
	var rows []row
	for _, f := range files {
		rows = append(rows, row{f, authoring.FileURL(p.Slug, f)})
	}
	return h.authorPage(c, "admin-edit-files", "files", p, fiber.Map{"Files": rows, "PageSlugs": slugs,
		"FileTitle": title, "FilePage": page, "Errors": errs, "MaxMB": authoring.MaxUpload >> 20})
}

func (h *Handler) addFile(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	title, page := form(c, "title"), form(c, "page")
	up, err := upload(c, "file")
	if err != nil {
		return err
	}
	if up == nil {
		up = &authoring.Upload{}
	}
	if _, err := h.Authoring.AddFile(c.UserContext(), web.User(c), p, title, page, *up); err != nil {
		var verrs model.Errors
		if errors.As(err, &verrs) {
			for _, e := range verrs {
				if e.Code == "author_file_too_big" {
					c.Status(fiber.StatusRequestEntityTooLarge)
					return h.renderFiles(c, p, title, page, web.FieldMessages(web.Localizer(c), verrs))
				}
			}
		}
		return h.authorFailed(c, err, func(errs map[string]string) error { return h.renderFiles(c, p, title, page, errs) })
	}
	return c.Redirect("/admin/p/"+p.Slug+"/files?notice=saved", fiber.StatusSeeOther)
}

func (h *Handler) deleteFile(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if err := h.Authoring.DeleteFile(c.UserContext(), web.User(c), p, formID(c)); err != nil {
		return h.authorFailed(c, err, nil)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/files?notice=deleted", fiber.StatusSeeOther)
}
