package admin

import (
	"errors"
	"net/url"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) procedure(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderBoard(c, p, bulkForm{})
}

// renderBoard shows the moderation page: the queues as cards with the
// bulk form, the queue's map, reports grouped with their contribution.
// f carries a refused bulk step back (its message, selection and reason).
func (h *Handler) renderBoard(c *fiber.Ctx, p *model.Procedure, f bulkForm) error {
	// plan variants have no page of their own in the back office: their
	// published comments are listed here, each with a button to hide it
	b, err := h.Moderation.Board(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	notice := ""
	switch k := c.Query("notice"); k {
	case "published", "hidden", "comment_published", "comment_hidden":
		notice = l.T("admin.notice_" + k)
	case "bulk_published", "bulk_hidden", "bulk_planning":
		n, _ := strconv.Atoi(c.Query("n"))
		notice = l.TN("modbulk.notice_"+strings.TrimPrefix(k, "bulk_"), n)
		if sk, _ := strconv.Atoi(c.Query("skipped")); sk > 0 {
			notice += " " + l.TN("modbulk.notice_skipped", sk)
		}
	}
	errMsg := f.Error
	if errMsg == "" && c.Query("error") != "" {
		errMsg = l.T("admin.reason_required")
	}
	return h.Render(c, "admin-procedure", fiber.Map{"Title": l.T("admin.moderation") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Waiting": b.Waiting, "Reported": b.Reported, "VariantReports": b.VariantReports, "Hidden": b.Hidden,
		"Notice": notice, "Error": errMsg, "Q": "", "Bulk": f, "QueueMap": queueMap(p, l, b),
		"PlanningOptions": moderation.PlanningOptions(l, p),
		"WaitingComments": b.WaitingComments, "VariantComments": b.VariantComments, "HiddenComments": b.HiddenComments})
}

// moderateComment publishes or hides a comment of the procedure, on a
// contribution or on a plan variant, and returns to the moderation page.
func (h *Handler) moderateComment(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	status, ok := actionStatus(c)
	if !ok {
		return h.Fail(c, fiber.StatusBadRequest, "bad_action", l.T("admin.bad_action"))
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err == nil && id > 0 {
		_, err = h.Moderation.ModerateComment(c.UserContext(), web.User(c), p.ID, id, status)
	}
	if errors.Is(err, store.ErrNotFound) || id < 1 {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.comment_not_found"))
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect("/admin/p/"+p.Slug+"?notice=comment_"+map[model.ContributionStatus]string{model.Published: "published", model.Hidden: "hidden"}[status], fiber.StatusSeeOther)
}

func (h *Handler) moderate(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	status, ok := actionStatus(c)
	if !ok {
		return h.Fail(c, fiber.StatusBadRequest, "bad_action", web.Localizer(c).T("admin.bad_action"))
	}
	reason := utils.CopyString(c.FormValue("reason"))
	ch := moderation.Change{Status: &status}
	if status == model.Hidden {
		ch.Reason = &reason
	}
	_, err = h.Moderation.Moderate(c.UserContext(), web.User(c), utils.CopyString(c.Params("id")), ch)
	back := "/admin/p/" + p.Slug
	if c.FormValue("back") == "item" {
		back += "/contributions/" + url.PathEscape(c.Params("id"))
	}
	var verrs model.Errors
	if errors.As(err, &verrs) {
		return c.Redirect(back+"?error="+url.QueryEscape(verrs[0].Field), fiber.StatusSeeOther)
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect(back+"?notice="+map[model.ContributionStatus]string{model.Published: "published", model.Hidden: "hidden"}[status], fiber.StatusSeeOther)
}

// actionStatus reads a moderation form's action: publish or hide.
func actionStatus(c *fiber.Ctx) (model.ContributionStatus, bool) {
	switch c.FormValue("action") {
	case "publish":
		return model.Published, true
	case "hide":
		return model.Hidden, true
	}
	return "", false
}
