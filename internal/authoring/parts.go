package authoring

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// AddPage creates a content page (German first; the other locales are
// edited on the page's own form) after the last one.
func (s *Service) AddPage(ctx context.Context, actor *model.User, p *model.Procedure, slug, title string) error {
	if err := allowed(actor); err != nil {
		return err
	}
	slug, title = model.Normalize(slug), model.Normalize(title)
	var errs model.Errors
	if !model.ValidSlug(slug) {
		errs = append(errs, model.FieldError{Field: "page-slug", Code: "author_slug"})
	}
	errs = append(errs, checkLine("page-title", title, true, model.TitleMax)...)
	if len(errs) > 0 {
		return errs
	}
	return s.Store.AddPage(ctx, p.ID, model.Page{Slug: slug, Title: title}, audited(actor, "page.add"))
}

// DeletePage removes a content page in every locale.
func (s *Service) DeletePage(ctx context.Context, actor *model.User, p *model.Procedure, slug string) error {
	if err := allowed(actor); err != nil {
		return err
	}
	return s.Store.DeletePage(ctx, p.ID, slug, audited(actor, "page.delete"))
}

// MovePage moves a content page up (by -1) or down (by 1).
func (s *Service) MovePage(ctx context.Context, actor *model.User, p *model.Procedure, slug string, by int) error {
	if err := allowed(actor); err != nil {
		return err
	}
	return s.Store.MovePage(ctx, p.ID, slug, by, audited(actor, "page.move"))
}

// AppointmentInput is the appointment form as typed.
type AppointmentInput struct {
	Title, Description, Date, From, To, Address, Lat, Lon string
}

// AddAppointment checks and adds an appointment: a title, a day, a start
// and an end time (Berlin), an address and optionally the place on the map.
func (s *Service) AddAppointment(ctx context.Context, actor *model.User, p *model.Procedure, in AppointmentInput) error {
	if err := allowed(actor); err != nil {
		return err
	}
	ap, errs := ParseAppointment(in)
	if len(errs) > 0 {
		return errs
	}
	return s.Store.AddAppointment(ctx, p.ID, ap, audited(actor, "appointment.add"))
}

// ParseAppointment checks an appointment (see AddAppointment).
func ParseAppointment(in AppointmentInput) (model.Appointment, model.Errors) {
	ap := model.Appointment{Title: model.Normalize(in.Title), Description: model.Normalize(in.Description), Address: model.Normalize(in.Address)}
	errs := checkLine("appt-title", ap.Title, true, model.TitleMax)
	errs = append(errs, checkMarkdown("appt-description", ap.Description, 2000)...)
	errs = append(errs, checkLine("appt-address", ap.Address, false, 300)...)
	day := strings.TrimSpace(in.Date)
	from, err1 := time.ParseInLocation(time.DateOnly+" 15:04", day+" "+strings.TrimSpace(in.From), Berlin)
	if err1 != nil {
		errs = append(errs, model.FieldError{Field: "appt-from", Code: "author_datetime"})
	}
	to, err2 := time.ParseInLocation(time.DateOnly+" 15:04", day+" "+strings.TrimSpace(in.To), Berlin)
	if err2 != nil {
		errs = append(errs, model.FieldError{Field: "appt-to", Code: "author_datetime"})
	}
	if err1 == nil && err2 == nil && !to.After(from) {
		errs = append(errs, model.FieldError{Field: "appt-to", Code: "author_appt_backwards"})
	}
	ap.StartsAt, ap.EndsAt = from.UTC(), to.UTC()
	if strings.TrimSpace(in.Lat+in.Lon) != "" {
		lat, e1 := parseNumber(in.Lat)
		lon, e2 := parseNumber(in.Lon)
		if e1 != nil || e2 != nil || lat < -90 || lat > 90 || lon < -180 || lon > 180 {
			errs = append(errs, model.FieldError{Field: "lat", Code: "geometry_range"})
		} else {
			pt := orb.Point{lon, lat}
			ap.Location = &pt
		}
	}
	return ap, errs
}

// Appointments lists a procedure's appointments for the editor.
func (s *Service) Appointments(ctx context.Context, p *model.Procedure) ([]model.Appointment, error) {
	return s.Store.Appointments(ctx, p.ID)
}

// Variants lists a procedure's plan variants for the editor.
func (s *Service) Variants(ctx context.Context, p *model.Procedure) ([]model.Conception, error) {
	return s.Store.Conceptions(ctx, p.ID)
}

// DeleteAppointment removes an appointment.
func (s *Service) DeleteAppointment(ctx context.Context, actor *model.User, p *model.Procedure, id int64) error {
	if err := allowed(actor); err != nil {
		return err
	}
	return s.Store.DeleteAppointment(ctx, p.ID, id, audited(actor, "appointment.delete"))
}

// ConceptionInput is a plan variant as the planner wrote it, with an
// optional image (see CheckUpload; only pictures).
type ConceptionInput struct {
	Key, Title, Body, ImageAlt string
	Image                      *Upload
}

// SaveConception adds or rewrites a plan variant. Its image is stored as an
// attachment of the variant and shown from there.
func (s *Service) SaveConception(ctx context.Context, actor *model.User, p *model.Procedure, in ConceptionInput) error {
	if err := allowed(actor); err != nil {
		return err
	}
	c := model.Conception{Key: model.Normalize(in.Key), Title: model.Normalize(in.Title), BodyMD: model.Normalize(in.Body), ImageAlt: model.Normalize(in.ImageAlt)}
	var errs model.Errors
	if !model.ValidSlug(c.Key) {
		errs = append(errs, model.FieldError{Field: "variant-key", Code: "author_slug"})
	}
	errs = append(errs, checkLine("variant-title", c.Title, true, model.TitleMax)...)
	errs = append(errs, checkMarkdown("variant-body", c.BodyMD, model.PageBodyMax)...)
	if c.BodyMD == "" {
		errs = append(errs, model.FieldError{Field: "variant-body", Code: "required"})
	}
	errs = append(errs, checkLine("variant-alt", c.ImageAlt, in.Image != nil, 500)...)
	var kind string
	if in.Image != nil {
		var code string
		kind, code = Sniff(in.Image.Data)
		if code == "" && !strings.HasPrefix(kind, "image/") {
			code = "author_file_image"
		}
		if code != "" {
			errs = append(errs, model.FieldError{Field: "variant-image", Code: code, Args: limitArgs()})
		}
	}
	if len(errs) > 0 {
		return errs
	}
	// Rewriting a variant in German keeps its translations.
	if old, err := s.conception(ctx, p, c.Key); err == nil {
		c.Texts = old.Texts
	} else if !errors.Is(err, store.ErrNotFound) {
		return err
	}
	if in.Image != nil {
		att := &model.Attachment{ProcedureID: p.ID, ConceptionKey: c.Key, Title: c.ImageAlt,
			Filename: SafeName(in.Image.Name, kind), ContentType: kind}
		if err := s.Store.AddAttachment(ctx, att, in.Image.Data, audited(actor, "attachment.add")); err != nil {
			return err
		}
		c.Image = FileURL(p.Slug, *att)
	}
	return s.Store.SaveConception(ctx, p.ID, c, audited(actor, "conception.save"))
}

// DeleteConception removes a plan variant with its image.
func (s *Service) DeleteConception(ctx context.Context, actor *model.User, p *model.Procedure, key string) error {
	if err := allowed(actor); err != nil {
		return err
	}
	return s.Store.DeleteConception(ctx, p.ID, key, audited(actor, "conception.delete"))
}

// FileURL is where an attachment is served.
func FileURL(slug string, a model.Attachment) string {
	return fmt.Sprintf("/p/%s/files/%d/%s", slug, a.ID, a.Filename)
}

// PartTexts are the texts of an appointment or a plan variant in one
// locale other than German, as typed; empty fields show the German text.
type PartTexts struct {
	Title, Body, ImageAlt string
}

// partTexts checks t and puts it into texts for locale; body is the name
// of the Markdown field ("description", "body_md").
func partTexts(texts model.Texts, locale, prefix, body string, t PartTexts) (model.Texts, model.Errors) {
	t = PartTexts{model.Normalize(t.Title), model.Normalize(t.Body), model.Normalize(t.ImageAlt)}
	errs := checkLine(prefix+"title", t.Title, false, model.TitleMax)
	errs = append(errs, checkMarkdown(prefix+"body", t.Body, model.PageBodyMax)...)
	errs = append(errs, checkLine(prefix+"alt", t.ImageAlt, false, 500)...)
	texts = texts.With("title", locale, t.Title).With(body, locale, t.Body)
	if body == "body_md" {
		texts = texts.With("image_alt", locale, t.ImageAlt)
	}
	return texts, errs
}

// TranslateAppointment writes the appointment id's title and description
// in locale.
func (s *Service) TranslateAppointment(ctx context.Context, actor *model.User, p *model.Procedure, id int64, locale string, t PartTexts) error {
	if err := allowed(actor); err != nil {
		return err
	}
	list, err := s.Store.Appointments(ctx, p.ID)
	if err != nil {
		return err
	}
	for _, ap := range list {
		if ap.ID != id {
			continue
		}
		texts, errs := partTexts(ap.Texts, locale, fmt.Sprintf("appt-%d-", id), "description", PartTexts{Title: t.Title, Body: t.Body})
		if len(errs) > 0 {
			return errs
		}
		return s.Store.SetAppointmentTexts(ctx, p.ID, id, texts, audited(actor, "appointment.translate"))
	}
	return store.ErrNotFound
}

// TranslateConception writes the plan variant key's title, description and
// image description in locale.
func (s *Service) TranslateConception(ctx context.Context, actor *model.User, p *model.Procedure, key, locale string, t PartTexts) error {
	if err := allowed(actor); err != nil {
		return err
	}
	c, err := s.conception(ctx, p, key)
	if err != nil {
		return err
	}
	texts, errs := partTexts(c.Texts, locale, "variant-"+key+"-", "body_md", t)
	if len(errs) > 0 {
		return errs
	}
	c.Texts, c.Image = texts, "" // "" keeps the image
	return s.Store.SaveConception(ctx, p.ID, c, audited(actor, "conception.translate"))
}

// conception returns the plan variant key (store.ErrNotFound if none).
func (s *Service) conception(ctx context.Context, p *model.Procedure, key string) (model.Conception, error) {
	list, err := s.Store.Conceptions(ctx, p.ID)
	if err != nil {
		return model.Conception{}, err
	}
	for _, c := range list {
		if c.Key == key {
			return c, nil
		}
	}
	return model.Conception{}, store.ErrNotFound
}
