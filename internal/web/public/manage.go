package public

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/mail"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) manage(c *fiber.Ctx) error {
	_, ct, p, done, err := h.managed(c)
	if done {
		return err
	}
	return h.renderManage(c, p, ct, contribForm{In: model.ContributionInput{Title: ct.Title, Text: ct.Text, Category: ct.Category,
		Type: ct.Type, AuthorName: ct.AuthorName}, Geom: ct.Geometry}, c.Query("notice"))
}

func (h *Handler) renderManage(c *fiber.Ctx, p *model.Procedure, ct *model.Contribution, f contribForm, notice string) error {
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	places, err := h.Part.Places(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	geomJSON, pt := geometryView(f.Geom)
	comments, responses, err := h.Part.Discussion(c.UserContext(), ct.ID)
	if err != nil {
		return err
	}
	editable := participation.Editable(p, ct, h.Now())
	l := web.Localizer(c)
	msg := ""
	switch notice {
	case "saved", "withdrawn", "saved_for_review":
		msg = l.T("notice." + notice)
	}
	sub := ""
	if h.Mail != nil {
		if sub, err = h.Mail.State(c.UserContext(), ct.ID); err != nil {
			return err
		}
	}
	switch notice {
	case "subscribed", "unsubscribed":
		msg = l.T("mail.manage.notice_" + notice)
	}
	return h.Render(c, "manage", fiber.Map{"Title": l.T("manage.title"), "P": v, "C": ct, "In": f.In, "Errors": f.Fields,
		"GeometryJSON": geomJSON, "Point": pt, "Places": places, "PlaceName": f.Place, "Editable": editable, "Notice": msg, "NoticeKey": notice,
		"Action": "/manage/" + c.Params("token"), "Comments": comments, "Responses": responses,
		"SubscribeOn": h.Mail != nil, "Subscription": sub, "SubError": f.Fields["email"], "Email": f.Email,
		"EmailReplies": f.EmailReplies})
}

func (h *Handler) manageSave(c *fiber.Ctx) error {
	token, ct, p, done, err := h.managed(c)
	if done {
		return err
	}
	l := web.Localizer(c)
	if c.FormValue("action") == "withdraw" {
		if c.FormValue("confirm") != "yes" {
			// first the question, then (confirmed) the withdrawal
			if !participation.Editable(p, ct, h.Now()) {
				return h.WriteError(c, participation.ErrNotEditable)
			}
			v, err := h.procView(c, p)
			if err != nil {
				return err
			}
			return h.Render(c, "manage", fiber.Map{"Title": l.T("manage.confirm_title"), "P": v, "C": ct,
				"ConfirmWithdraw": true, "Action": "/manage/" + token})
		}
		if _, err := h.Part.Withdraw(c.UserContext(), p, token); err != nil {
			return h.WriteError(c, err)
		}
		return c.Redirect("/manage/"+token+"?notice=withdrawn", fiber.StatusSeeOther)
	}
	f, err := h.readForm(c, p)
	if err != nil {
		return err
	}
	if len(f.Fields) > 0 {
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderManage(c, p, ct, f, "")
	}
	edited, err := h.Part.Edit(c.UserContext(), p, token, f.In, f.Geom)
	var verrs model.Errors
	if errors.As(err, &verrs) {
		c.Status(fiber.StatusUnprocessableEntity)
		f.Fields = web.FieldMessages(l, verrs)
		return h.renderManage(c, p, ct, f, "")
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	if edited.Status == model.Submitted {
		// under pre-moderation the change waits for a moderator
		return c.Redirect("/manage/"+token+"?notice=saved_for_review", fiber.StatusSeeOther)
	}
	return c.Redirect("/manage/"+token+"?notice=saved", fiber.StatusSeeOther)
}

// manageSubscription lets the author subscribe to news about their
// contribution by e-mail (double opt-in, as on the form) or stop them.
func (h *Handler) manageSubscription(c *fiber.Ctx) error {
	token, ct, p, done, err := h.managed(c)
	if done {
		return err
	}
	if h.Mail == nil {
		return h.notFound(c, "error.not_found")
	}
	l := web.Localizer(c)
	switch c.FormValue("action") {
	case "unsubscribe":
		if err := h.Mail.Forget(c.UserContext(), ct.ID); err != nil {
			return err
		}
		return c.Redirect("/manage/"+token+"?notice=unsubscribed#subscription", fiber.StatusSeeOther)
	case "subscribe":
		email := c.FormValue("email")
		err := h.Mail.Subscribe(c.UserContext(), ct.ID, token, email, l.Tag, formReplies(c))
		if err == nil {
			return c.Redirect("/manage/"+token+"?notice=subscribed#subscription", fiber.StatusSeeOther)
		}
		key := "mail.field.invalid"
		if errors.Is(err, store.ErrTooMany) {
			key = "mail.manage.too_many"
		} else if !errors.Is(err, mail.ErrAddress) {
			return err
		}
		c.Status(fiber.StatusUnprocessableEntity)
		return h.renderManage(c, p, ct, contribForm{In: model.ContributionInput{Title: ct.Title, Text: ct.Text, Category: ct.Category,
			Type: ct.Type, AuthorName: ct.AuthorName}, Geom: ct.Geometry, Email: email, EmailReplies: formReplies(c),
			Fields: map[string]string{"email": l.T(key)}}, "")
	}
	return h.Fail(c, fiber.StatusBadRequest, "bad_request", l.T("admin.bad_action"))
}

// managed finds the contribution whose manage link the request carries
// (token, a copy of the path's); done is true when the request is answered
// already — a link that finds nothing gets the not-found page — or failed.
func (h *Handler) managed(c *fiber.Ctx) (token string, ct *model.Contribution, p *model.Procedure, done bool, err error) {
	token = utils.CopyString(c.Params("token"))
	ct, p, err = h.Part.Managed(c.UserContext(), token)
	if errors.Is(err, store.ErrNotFound) {
		return token, nil, nil, true, h.notFound(c, "error.manage_not_found")
	}
	return token, ct, p, err != nil, err
}
