package public

import (
	"errors"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// commentDraft is a comment form sent back to its writer: what they wrote,
// and the message per field.
type commentDraft struct {
	Text, Author string
	Errors       map[string]string
}

func (h *Handler) contribution(c *fiber.Ctx) error {
	return h.renderContribution(c, commentDraft{}, "")
}

// renderContribution shows a contribution's page; draft is a comment form
// that failed (kept as written, its messages beside the fields) and
// rateError a vote that failed, shown beside the rating.
func (h *Handler) renderContribution(c *fiber.Ctx, draft commentDraft, rateError string) error {
	l := web.Localizer(c)
	ct, p, err := h.Part.Visible(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) {
		return h.removed(c)
	}
	if err == nil && p.Slug != c.Params("slug") {
		return h.notFound(c, "error.contribution_not_found")
	}
	if err != nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	comments, responses, err := h.Part.Discussion(c.UserContext(), ct.ID)
	if err != nil {
		return err
	}
	related, err := h.Part.Related(c.UserContext(), p, ct)
	if err != nil {
		return err
	}
	where, err := h.Part.Locate(c.UserContext(), p.ID, ct.Geometry)
	if err != nil {
		return err
	}
	cat, _ := p.Category(ct.Category)
	typ, _ := p.Type(ct.Type)
	return h.Render(c, "contribution", fiber.Map{"Where": placeText(l, where), "ShareURL": h.BaseURL(c) + "/p/" + p.Slug + "/contributions/" + ct.ID,
		"Title": ct.Title + " – " + v.Text.Title, "P": v, "C": ct,
		"Category": cat, "Type": typ, "Comments": comments, "Responses": responses, "Related": related,
		"Vote": h.Part.Vote(c.UserContext(), ct.ID, c.Cookies("mitreden_voter")), "Geometry": string(geo.MarshalGeometry(ct.Geometry)),
		"Notice": noticeText(l, c.Query("notice")), "NoticeKey": c.Query("notice"), "Error": c.Query("error"), "ReplyTo": replyTo(c),
		"Draft": draft, "RateError": rateError, "ContributionFeed": "/p/" + p.Slug + "/contributions/" + ct.ID + "/feed.atom"})
}

// replyTo is the comment answered: from the link (?reply=) or, after a
// failed post, from the form.
func replyTo(c *fiber.Ctx) int {
	if n := c.QueryInt("reply"); n > 0 {
		return n
	}
	n, _ := strconv.Atoi(c.FormValue("parent_id"))
	return n
}

// formError is the message of a resident's failed action that belongs
// beside its form: validation (per field, 422) or a switch that closed
// meanwhile (403). ok is false for anything else.
func formError(c *fiber.Ctx, err error) (status int, fields map[string]string, ok bool) {
	l := web.Localizer(c)
	e, ok := web.ClassifyError(l, err)
	switch {
	case !ok:
		return 0, nil, false
	case e.Code == "validation":
		return e.Status, e.Fields, true
	case e.Code == "phase_closed":
		return e.Status, map[string]string{"form": l.T("validation.phase_closed")}, true
	case e.Code == "procedure_closed":
		return e.Status, map[string]string{"form": l.T("validation.procedure_closed")}, true
	case e.Code == "comments_closed", e.Code == "ratings_closed", e.Code == "invalid_vote":
		return e.Status, map[string]string{"form": e.Message}, true
	}
	return 0, nil, false
}

// removed answers the address of a contribution that is no longer public
// with 410 and what happened: hidden with the moderation's public reason,
// merged with a link to the contribution it duplicates, or withdrawn.
func (h *Handler) removed(c *fiber.Ctx) error {
	ct, p, err := h.Part.Removed(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && p.Slug != c.Params("slug")) {
		return h.notFound(c, "error.contribution_not_found")
	}
	if err != nil {
		return err
	}
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	l := web.Localizer(c)
	c.Status(fiber.StatusGone)
	return h.Render(c, "removed", fiber.Map{"Title": l.T("removed.title") + " – " + v.Text.Title, "P": v, "C": ct})
}

func (h *Handler) back(c *fiber.Ctx, slug, id, query string) error {
	return c.Redirect("/p/"+slug+"/contributions/"+id+"?"+query, fiber.StatusSeeOther)
}

func (h *Handler) comment(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("id"))
	parent, _ := strconv.ParseInt(c.FormValue("parent_id"), 10, 64)
	if c.FormValue("website") != "" {
		return h.Fail(c, fiber.StatusBadRequest, "rejected", web.Localizer(c).T("error.rejected"))
	}
	m, err := h.Part.Comment(c.UserContext(), id, parent, c.FormValue("text"), c.FormValue("author_name"))
	if status, fields, ok := formError(c, err); ok {
		// back to the page, the text kept and the message beside it
		c.Status(status)
		return h.renderContribution(c, commentDraft{Text: c.FormValue("text"), Author: c.FormValue("author_name"), Errors: fields}, "")
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return h.back(c, c.Params("slug"), id, "notice="+commentedNotice(m)+"#comments")
}

// commentedNotice is the notice after a comment: published, or waiting
// for a moderator under pre-moderation.
func commentedNotice(m *model.Comment) string {
	if m.Status == model.Submitted {
		return "comment_pending"
	}
	return "commented"
}

func (h *Handler) rate(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("id"))
	value, err := strconv.Atoi(c.FormValue("value"))
	if err != nil {
		err = participation.ErrInvalidVote
	} else {
		key := web.VoterKey(c, h.Secure())
		if value != 0 && h.Part.Vote(c.UserContext(), id, key) == value {
			value = 0 // pressing the same thumb again takes the vote back
		}
		_, _, err = h.Part.Rate(c.UserContext(), id, key, value)
	}
	if status, fields, ok := formError(c, err); ok {
		c.Status(status)
		return h.renderContribution(c, commentDraft{}, fields["form"])
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	notice := "rated"
	if value == 0 {
		notice = "unrated"
	}
	return h.back(c, c.Params("slug"), id, "notice="+notice+"#rating")
}

func (h *Handler) flag(c *fiber.Ctx) error {
	id := utils.CopyString(c.Params("id"))
	kind, subject := "contribution", id
	if cid := c.FormValue("comment_id"); cid != "" {
		kind, subject = "comment", cid
	}
	if err := h.Part.Flag(c.UserContext(), kind, id, subject, c.FormValue("reason")); err != nil {
		return h.WriteError(c, err)
	}
	return h.back(c, c.Params("slug"), id, "notice=flagged")
}
