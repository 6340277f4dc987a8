package admin

import (
	"fmt"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// Phases, plan variants and appointments are written in German; each
// editor has a locale choice (?locale=tr) that shows the fields of the
// other locale beside the German text.

// editLocale reads ?locale= (German by default); ok is false after a 400.
func (h *Handler) editLocale(c *fiber.Ctx) (string, bool, error) {
	locale := c.Query("locale", "de")
	if !validLocale(locale) {
		return "", false, h.Fail(c, fiber.StatusBadRequest, "bad_locale", web.Localizer(c).T("admin.bad_locale"))
	}
	return locale, true, nil
}

// localeData is what the locale choice (partial "authorlocales") shows.
func localeData(data fiber.Map, base, locale string) fiber.Map {
	data["AuthorLocales"], data["EditLocale"], data["EditLang"], data["LocaleBase"] = content.Locales, locale, content.LocaleOf(locale), base
	return data
}

// translation reads a translation form's locale: one of the interface
// languages but German (whose texts are the parts' own).
func (h *Handler) translation(c *fiber.Ctx) (string, bool, error) {
	locale, ok, err := h.editLocale(c)
	if ok && locale == content.DefaultLocale {
		return "", false, h.Fail(c, fiber.StatusBadRequest, "bad_locale", web.Localizer(c).T("admin.bad_locale"))
	}
	return locale, ok, err
}

func partTexts(c *fiber.Ctx) authoring.PartTexts {
	return authoring.PartTexts{Title: form(c, "title"), Body: form(c, "body"), ImageAlt: form(c, "image_alt")}
}

func (h *Handler) translateVariant(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	locale, ok, err := h.translation(c)
	if !ok {
		return err
	}
	if err := h.Authoring.TranslateConception(c.UserContext(), web.User(c), p, form(c, "key"), locale, partTexts(c)); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error {
			return h.renderVariants(c, p, authoring.ConceptionInput{}, authoring.AppointmentInput{}, errs)
		})
	}
	return c.Redirect("/admin/p/"+p.Slug+"/variants?locale="+locale+"&notice=saved", fiber.StatusSeeOther)
}

func (h *Handler) translateAppointment(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	locale, ok, err := h.translation(c)
	if !ok {
		return err
	}
	if err := h.Authoring.TranslateAppointment(c.UserContext(), web.User(c), p, formID(c), locale, partTexts(c)); err != nil {
		return h.authorFailed(c, err, func(errs map[string]string) error {
			return h.renderVariants(c, p, authoring.ConceptionInput{}, authoring.AppointmentInput{}, errs)
		})
	}
	return c.Redirect("/admin/p/"+p.Slug+"/variants?locale="+locale+"&notice=saved#appointments", fiber.StatusSeeOther)
}

// phaseTitles reads the phase row n's titles in the other locales (the
// column of the locale chosen, hidden fields for the rest).
func phaseTitles(c *fiber.Ctx, n int) model.Labels {
	out := model.Labels{}
	for _, l := range authorLocales {
		if l == content.DefaultLocale {
			continue
		}
		if v := form(c, fmt.Sprintf("phase-%d-title-%s", n, l)); v != "" {
			out[l] = v
		}
	}
	return out
}
