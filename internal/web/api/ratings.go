package api

import (
	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"

	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) rate(c *fiber.Ctx) error {
	value, ok := h.vote(c)
	if !ok {
		return nil
	}
	id := utils.CopyString(c.Params("id"))
	up, down, err := h.Part.Rate(c.UserContext(), id, web.VoterKey(c, h.Secure()), value)
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.JSON(fiber.Map{"id": id, "rating_up": up, "rating_down": down, "your_vote": value})
}

// vote reads {"value": 1 | -1 | 0}; on bad input it has answered already
// and returns false.
func (h *Handler) vote(c *fiber.Ctx) (int, bool) {
	var in struct {
		Value *int `json:"value"`
	}
	if err := decodeStrict(c.Body(), &in); err != nil {
		_ = h.badJSON(c, err)
		return 0, false
	}
	if in.Value == nil {
		_ = h.WriteError(c, participation.ErrInvalidVote)
		return 0, false
	}
	return *in.Value, true
}
