package public

import (
	"errors"
	"net/url"
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// conceptionView is a plan variant with its feedback, for the page.
type conceptionView struct {
	model.Conception
	Vote     int
	Comments []model.Comment
	// Draft is this variant's comment form after a failed post, RateError
	// a failed vote's message.
	Draft     commentDraft
	RateError string
}

func (h *Handler) conceptions(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return h.renderConceptions(c, p, "", commentDraft{}, "")
}

// renderConceptions shows the plan variants; the one of key gets back its
// failed comment form (draft) or vote message (rateError).
func (h *Handler) renderConceptions(c *fiber.Ctx, p *model.Procedure, key string, draft commentDraft, rateError string) error {
	v, err := h.procView(c, p)
	if err != nil {
		return err
	}
	cs, comments, err := h.Part.Conceptions(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	voter := c.Cookies("mitreden_voter")
	views := make([]conceptionView, 0, len(cs))
	for _, k := range cs {
		cv := conceptionView{Conception: k, Vote: h.Part.ConceptionVote(c.UserContext(), p, k.Key, voter), Comments: comments[k.Key]}
		if k.Key == key {
			cv.Draft, cv.RateError = draft, rateError
		}
		views = append(views, cv)
	}
	l := web.Localizer(c)
	return h.Render(c, "conceptions", fiber.Map{"Title": l.T("conceptions.title") + " – " + v.Text.Title, "P": v,
		"Conceptions": views, "Notice": noticeText(l, c.Query("notice")), "NoticeKey": c.Query("notice"), "Focus": c.Query("k")})
}

func (h *Handler) backToConception(c *fiber.Ctx, slug, key, notice string) error {
	return c.Redirect("/p/"+slug+"/conceptions?notice="+notice+"&k="+url.QueryEscape(key)+"#conc-"+url.QueryEscape(key), fiber.StatusSeeOther)
}

func (h *Handler) rateConception(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	key := utils.CopyString(c.Params("key"))
	value, err := strconv.Atoi(c.FormValue("value"))
	if err != nil {
		err = participation.ErrInvalidVote
	} else {
		voter := web.VoterKey(c, h.Secure())
		if value != 0 && h.Part.ConceptionVote(c.UserContext(), p, key, voter) == value {
			value = 0 // pressing the same thumb again takes the vote back
		}
		_, _, err = h.Part.RateConception(c.UserContext(), p, key, voter, value)
	}
	if status, fields, ok := formError(c, err); ok {
		c.Status(status)
		return h.renderConceptions(c, p, key, commentDraft{}, fields["form"])
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	notice := "rated"
	if value == 0 {
		notice = "unrated"
	}
	return h.backToConception(c, p.Slug, key, notice)
}

func (h *Handler) commentConception(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if c.FormValue("website") != "" {
		return h.Fail(c, fiber.StatusBadRequest, "rejected", web.Localizer(c).T("error.rejected"))
	}
	key := utils.CopyString(c.Params("key"))
	m, err := h.Part.CommentConception(c.UserContext(), p, key, c.FormValue("text"), c.FormValue("author_name"))
	if status, fields, ok := formError(c, err); ok {
		// back to the variants, the text kept and the message beside it
		c.Status(status)
		return h.renderConceptions(c, p, key, commentDraft{Text: c.FormValue("text"), Author: c.FormValue("author_name"), Errors: fields}, "")
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return h.backToConception(c, p.Slug, key, commentedNotice(m))
}

// flagConceptionComment records a report on a plan-variant comment.
func (h *Handler) flagConceptionComment(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	key := utils.CopyString(c.Params("key"))
	id, _ := strconv.ParseInt(c.FormValue("comment_id"), 10, 64)
	err = h.Part.FlagConceptionComment(c.UserContext(), p, key, id, utils.CopyString(c.FormValue("reason")))
	if errors.Is(err, store.ErrNotFound) {
		return h.notFound(c, "error.comment_not_found")
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return h.backToConception(c, p.Slug, key, "flagged")
}
