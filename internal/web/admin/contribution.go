package admin

import (
	"errors"
	"net/url"
	"strings"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// contribution shows one contribution in any status with its discussion
// and the planners' forms: official response, category, merge, status.
func (h *Handler) contribution(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	ct, err := h.Moderation.Contribution(c.UserContext(), p.ID, utils.CopyString(c.Params("id")))
	if errors.Is(err, store.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.contribution_not_found"))
	}
	if err != nil {
		return err
	}
	comments, responses, err := h.Moderation.Discussion(c.UserContext(), ct.ID)
	if err != nil {
		return err
	}
	mergeQ := strings.TrimSpace(c.Query("merge_q"))
	if len(mergeQ) > 200 {
		mergeQ = ""
	}
	byTitle, nearby, err := h.Moderation.MergeCandidates(c.UserContext(), ct, mergeQ)
	if err != nil {
		return err
	}
	notice := ""
	switch k := c.Query("notice"); k {
	case "published", "hidden", "responded", "merged", "recategorised":
		notice = l.T("admin.notice_" + k)
	case "planning":
		notice = l.T("planning.notice_set")
	}
	errMsg := ""
	if f := c.Query("error"); f != "" {
		errMsg = l.T("admin.error_" + map[string]string{"reason": "reason", "text": "text", "into": "into", "category": "category"}[f])
		if f == "planning_status" {
			errMsg = l.T("validation.unknown_planning_status")
		}
	}
	return h.Render(c, "admin-contribution", fiber.Map{"Title": ct.Title + " – " + l.T("admin.title"), "User": web.User(c),
		"Proc": p, "C": ct, "Comments": comments, "Responses": responses, "Notice": notice, "Error": errMsg,
		"CanRespond": auth.Can(web.User(c).Role, "respond"), "PlanningOptions": moderation.PlanningOptions(l, p),
		"MergeQ": mergeQ, "ByTitle": byTitle, "Nearby": nearby, "NearbyRadius": moderation.NearbyRadius})
}

// act carries out one form of the contribution page and returns to it.
func (h *Handler) act(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	id := utils.CopyString(c.Params("id"))
	u := web.User(c)
	back := "/admin/p/" + p.Slug + "/contributions/" + url.PathEscape(id)
	if _, err := h.Moderation.Contribution(c.UserContext(), p.ID, id); errors.Is(err, store.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.contribution_not_found"))
	} else if err != nil {
		return err
	}
	var notice string
	switch c.FormValue("action") {
	case "respond":
		_, err = h.Moderation.Respond(c.UserContext(), u, id, utils.CopyString(c.FormValue("text")), utils.CopyString(c.FormValue("author")))
		notice = "responded"
	case "merge":
		_, err = h.Moderation.Merge(c.UserContext(), u, id, strings.TrimSpace(utils.CopyString(c.FormValue("into"))), utils.CopyString(c.FormValue("reason")))
		notice = "merged"
	case "category":
		cat := utils.CopyString(c.FormValue("category"))
		_, err = h.Moderation.Moderate(c.UserContext(), u, id, moderation.Change{Category: &cat})
		notice = "recategorised"
	case "planning":
		_, err = h.Moderation.SetPlanningStatus(c.UserContext(), u, id, utils.CopyString(c.FormValue("planning_status")))
		notice = "planning"
	default:
		return h.Fail(c, fiber.StatusBadRequest, "bad_action", web.Localizer(c).T("admin.bad_action"))
	}
	var verrs model.Errors
	if errors.As(err, &verrs) {
		return c.Redirect(back+"?error="+url.QueryEscape(verrs[0].Field), fiber.StatusSeeOther)
	}
	if errors.Is(err, store.ErrMergeTarget) {
		return c.Redirect(back+"?error=into", fiber.StatusSeeOther)
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Redirect(back+"?notice="+notice, fiber.StatusSeeOther)
}

// search finds contributions of a procedure by text, in every status but
// withdrawn, for the planners' work on single contributions.
func (h *Handler) search(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	q := strings.TrimSpace(c.Query("q"))
	var list []*model.Contribution
	if q != "" && len(q) <= 200 {
		list, err = h.Moderation.Search(c.UserContext(), p.ID, q)
		if err != nil {
			return err
		}
	}
	return h.Render(c, "admin-search", fiber.Map{"Title": web.Localizer(c).T("admin.search") + " – " + p.Title, "User": web.User(c),
		"Proc": p, "Q": q, "List": list, "Searched": q != ""})
}
