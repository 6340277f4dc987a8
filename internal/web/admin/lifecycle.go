package admin

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/accounts"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/lifecycle"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// lifecycleErrors names the message of each refused step and the form
// field it belongs to.
var lifecycleErrors = []struct {
	err        error
	field, key string
}{
	{lifecycle.ErrUnknownStatus, "status", "lifecycle.error_status"},
	{lifecycle.ErrSameStatus, "status", "lifecycle.error_same"},
	{lifecycle.ErrUnconfirmed, "confirm", "lifecycle.error_confirm"},
	{lifecycle.ErrBadSlug, "new-slug", "lifecycle.error_slug"},
	{lifecycle.ErrSlugTaken, "new-slug", "lifecycle.error_slug_taken"},
	{lifecycle.ErrBadTitle, "new-title", "lifecycle.error_title"},
	{lifecycle.ErrWrongSlug, "delete-slug", "lifecycle.error_delete"},
}

// lifecyclePage shows a procedure's status with the form to change it,
// the preview link of a draft, the form to copy it as a template and (for
// admins) the one to delete it.
func (h *Handler) lifecyclePage(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderLifecycle(c, p, nil)
}

func (h *Handler) renderLifecycle(c *fiber.Ctx, p *model.Procedure, errs map[string]string) error {
	l := web.Localizer(c)
	notice := ""
	switch k := c.Query("notice"); k {
	case "status", "duplicated":
		notice = l.T("lifecycle.notice_" + k)
	}
	u := web.User(c)
	team, err := h.team(c, p)
	if err != nil {
		return err
	}
	return h.Render(c, "admin-lifecycle", fiber.Map{"Title": l.T("lifecycle.title") + " – " + p.Title, "User": u,
		"Proc": p, "State": string(p.State()), "States": model.Lifecycles, "Errors": errs, "Notice": notice,
		"Preview": h.BaseURL(c) + h.PreviewLink(p), "CanDelete": auth.Can(u.Role, "manage_users"), "Team": team})
}

// team lists the accounts that act in p (admins and unscoped accounts
// act everywhere and are not listed).
func (h *Handler) team(c *fiber.Ctx, p *model.Procedure) ([]model.User, error) {
	all, err := accounts.Users(c.UserContext(), h.Store)
	if err != nil {
		return nil, err
	}
	var out []model.User
	for _, u := range all {
		if u.Role == model.RoleAdmin || !u.Scoped {
			continue
		}
		if ok, err := accounts.ActsIn(c.UserContext(), h.Store, &u, p.ID); err != nil {
			return nil, err
		} else if ok {
			out = append(out, u)
		}
	}
	return out, nil
}

// lifecycleFail shows the page again with err beside its field, or
// answers err as a server error when it is none of the steps' own.
func (h *Handler) lifecycleFail(c *fiber.Ctx, p *model.Procedure, err error) error {
	for _, m := range lifecycleErrors {
		if errors.Is(err, m.err) {
			c.Status(fiber.StatusUnprocessableEntity)
			return h.renderLifecycle(c, p, map[string]string{m.field: web.Localizer(c).T(m.key)})
		}
	}
	return h.WriteError(c, err)
}

// setStatus moves the procedure to another lifecycle state.
func (h *Handler) setStatus(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	status := model.Lifecycle(utils.CopyString(c.FormValue("status")))
	err = lifecycle.New(h.Store).SetStatus(c.UserContext(), web.User(c).Email, p, status, c.FormValue("confirm") == "on")
	if err != nil {
		return h.lifecycleFail(c, p, err)
	}
	return c.Redirect("/admin/p/"+p.Slug+"/lifecycle?notice=status", fiber.StatusSeeOther)
}

// duplicate copies the procedure as a draft template and goes to the copy.
func (h *Handler) duplicate(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	slug, err := lifecycle.New(h.Store).Duplicate(c.UserContext(), web.User(c).Email, p,
		utils.CopyString(c.FormValue("slug")), utils.CopyString(c.FormValue("title")))
	if err != nil {
		return h.lifecycleFail(c, p, err)
	}
	return c.Redirect("/admin/p/"+slug+"/lifecycle?notice=duplicated", fiber.StatusSeeOther)
}

// deleteProcedure deletes the procedure once its slug was typed.
func (h *Handler) deleteProcedure(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if err := lifecycle.New(h.Store).Delete(c.UserContext(), web.User(c).Email, p, utils.CopyString(c.FormValue("confirm_slug"))); err != nil {
		return h.lifecycleFail(c, p, err)
	}
	return c.Redirect("/admin?notice=deleted", fiber.StatusSeeOther)
}
