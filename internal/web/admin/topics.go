package admin

import (
	"errors"
	"net/url"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/web"
)

// maxTopicMembers is how many contributions a topic's page lists.
const maxTopicMembers = 500

// topic shows one topic of the analysis: its terms, counts and
// contributions, with the planners' forms to rename it or merge another
// topic into it.
func (h *Handler) topic(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	topics, err := h.Analysis.Topics(c.UserContext(), p)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	t := analysis.FindTopic(topics, c.Params("key"))
	if t == nil {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("topics.not_found"))
	}
	byID, _, err := h.Analysis.Keywords(c.UserContext(), p)
	if err != nil {
		return err
	}
	type member struct {
		ID, Title string
		Keywords  []string
	}
	members := make([]member, 0, min(len(t.Members), maxTopicMembers))
	for i := range t.Members[:min(len(t.Members), maxTopicMembers)] {
		members = append(members, member{t.Members[i], t.Titles[i], byID[t.Members[i]]})
	}
	others := make([]analysis.Topic, 0, len(topics))
	for _, o := range topics {
		if o.Key != t.Key {
			others = append(others, o)
		}
	}
	return h.Render(c, "admin-topic", fiber.Map{"Title": l.T("topics.topic") + ": " + t.Label + " – " + p.Title, "User": web.User(c),
		"Proc": p, "T": t, "Members": members, "More": len(t.Members) > maxTopicMembers, "Others": others,
		"CanEdit": auth.Can(web.User(c).Role, "export"), "Notice": c.Query("notice"), "Error": c.Query("error")})
}

// editTopic renames a topic, merges another one into it, splits it in two
// or gives its contributions a keyword (planners).
func (h *Handler) editTopic(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	key := utils.CopyString(c.Params("key"))
	back := "/admin/p/" + p.Slug + "/topics/" + url.PathEscape(key)
	switch c.FormValue("action") {
	case "rename":
		err = h.Analysis.RenameTopic(c.UserContext(), p, key, utils.CopyString(c.FormValue("label")))
	case "merge":
		err = h.Analysis.MergeTopics(c.UserContext(), p, key, utils.CopyString(c.FormValue("other")))
	case "split":
		err = h.Analysis.SplitTopic(c.UserContext(), p, key)
	case "keyword":
		_, err = h.Analysis.AssignKeyword(c.UserContext(), p, key, utils.CopyString(c.FormValue("keyword")))
	default:
		return h.Fail(c, fiber.StatusBadRequest, "bad_action", web.Localizer(c).T("admin.bad_action"))
	}
	switch {
	case errors.Is(err, analysis.ErrBadLabel):
		return c.Redirect(back+"?error=label", fiber.StatusSeeOther)
	case errors.Is(err, analysis.ErrBadKeyword):
		return c.Redirect(back+"?error=keyword", fiber.StatusSeeOther)
	case errors.Is(err, analysis.ErrCannotSplit):
		return c.Redirect(back+"?error=split", fiber.StatusSeeOther)
	case errors.Is(err, analysis.ErrNoTopic):
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("topics.not_found"))
	case err != nil:
		return h.WriteError(c, err)
	}
	// A merged topic may take the other one's key, a split one's halves
	// have new keys; the analysis lists them.
	if a := c.FormValue("action"); a == "merge" || a == "split" {
		return c.Redirect("/admin/p/"+p.Slug+"/analysis?notice="+a+"#topics", fiber.StatusSeeOther)
	}
	if c.FormValue("action") == "keyword" {
		return c.Redirect(back+"?notice=keyword", fiber.StatusSeeOther)
	}
	return c.Redirect(back+"?notice=renamed", fiber.StatusSeeOther)
}
