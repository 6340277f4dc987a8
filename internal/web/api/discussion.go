package api

import (
	"strconv"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/model"
)

func commentsJSON(cs []model.Comment) []map[string]any {
	out := make([]map[string]any, 0, len(cs))
	for _, m := range cs {
		out = append(out, map[string]any{"id": m.ID, "text": m.Text, "author_name": m.AuthorName,
			"created_at": m.CreatedAt, "replies": commentsJSON(m.Replies)})
	}
	return out
}

func (h *Handler) createComment(c *fiber.Ctx) error {
	var in struct {
		Text       *string `json:"text"`
		AuthorName *string `json:"author_name"`
		ParentID   int64   `json:"parent_id"`
	}
	if err := decodeStrict(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	m, err := h.Part.Comment(c.UserContext(), utils.CopyString(c.Params("id")), in.ParentID, str(in.Text), str(in.AuthorName))
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"id": m.ID, "contribution_id": m.ContributionID,
		"parent_id": m.ParentID, "text": m.Text, "author_name": m.AuthorName, "status": m.Status, "created_at": m.CreatedAt})
}

func (h *Handler) flag(c *fiber.Ctx) error {
	var in struct {
		Reason    string `json:"reason"`
		CommentID int64  `json:"comment_id"`
	}
	if err := decodeStrict(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	id := utils.CopyString(c.Params("id"))
	kind, subject := "contribution", id
	if in.CommentID != 0 {
		kind, subject = "comment", strconv.FormatInt(in.CommentID, 10)
	}
	if err := h.Part.Flag(c.UserContext(), kind, id, subject, in.Reason); err != nil {
		return h.WriteError(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(fiber.Map{"reported": true})
}
