package api

import (
	"errors"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) conceptions(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	cs, comments, err := h.Part.Conceptions(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	out := make([]map[string]any, 0, len(cs))
	for _, k := range cs {
		out = append(out, map[string]any{"key": k.Key, "title": k.Title, "body_md": k.BodyMD,
			"image": h.BaseURL(c) + h.Assets.URL(k.Image), "image_alt": k.ImageAlt,
			"rating_up": k.Up, "rating_down": k.Down, "comments": commentsJSON(comments[k.Key])})
	}
	return c.JSON(fiber.Map{"conceptions": out})
}

func (h *Handler) rateConception(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	value, ok := h.vote(c)
	if !ok {
		return nil
	}
	key := utils.CopyString(c.Params("key"))
	up, down, err := h.Part.RateConception(c.UserContext(), p, key, web.VoterKey(c, h.Secure()), value)
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.JSON(fiber.Map{"key": key, "rating_up": up, "rating_down": down, "your_vote": value})
}

func (h *Handler) commentConception(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	var in struct {
		Text       *string `json:"text"`
		AuthorName *string `json:"author_name"`
	}
	if err := decodeStrict(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	key := utils.CopyString(c.Params("key"))
	m, err := h.Part.CommentConception(c.UserContext(), p, key, str(in.Text), str(in.AuthorName))
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": m.ID, "conception": key, "text": m.Text, "author_name": m.AuthorName,
		"status": m.Status, "created_at": m.CreatedAt})
}

// flagConceptionComment answers POST /procedures/:slug/conceptions/:key/flags:
// {"comment_id": N, "reason": "…"}, a report on a plan-variant comment.
func (h *Handler) flagConceptionComment(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	var in struct {
		Reason    string `json:"reason"`
		CommentID int64  `json:"comment_id"`
	}
	if err := decodeStrict(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	err = h.Part.FlagConceptionComment(c.UserContext(), p, utils.CopyString(c.Params("key")), in.CommentID, in.Reason)
	if errors.Is(err, store.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.comment_not_found"))
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"reported": true})
}
