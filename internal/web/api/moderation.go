package api

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"strconv"
	"strings"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/moderation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// decodeKnown decodes exactly one JSON object into v and refuses members v
// does not have, so a moderator never believes a field was changed that
// this endpoint cannot change.
func decodeKnown(body []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return err
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		return errors.New("trailing data after JSON value")
	}
	return nil
}

// moderatedJSON is a contribution as moderators see it: the public feature
// plus status, reason and merge target.
func moderatedJSON(c *model.Contribution) (contributionJSON, error) {
	var feat contributionJSON
	if err := json.Unmarshal(store.FeatureJSON(c), &feat); err != nil {
		return feat, err
	}
	feat.Properties["status"] = c.Status
	feat.Properties["reason"] = c.Reason
	if c.MergedInto != "" {
		feat.Properties["merged_into"] = c.MergedInto
	}
	return feat, nil
}

// moderate answers PATCH /contributions/:id: {"status", "reason",
// "category", "planning_status"}. A planning status alone is set with
// SetPlanningStatus (audited as such); with other fields, in one step.
func (h *Handler) moderate(c *fiber.Ctx) error {
	var in struct {
		Status         *model.ContributionStatus `json:"status"`
		Reason         *string                   `json:"reason"`
		Category       *string                   `json:"category"`
		PlanningStatus *string                   `json:"planning_status"`
	}
	if err := decodeKnown(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	if in.PlanningStatus != nil && in.Status == nil && in.Reason == nil && in.Category == nil {
		ct, err := h.Moderation.SetPlanningStatus(c.UserContext(), web.User(c), c.Params("id"), *in.PlanningStatus)
		return h.answerModerated(c, ct, err)
	}
	ct, err := h.Moderation.Moderate(c.UserContext(), web.User(c), c.Params("id"),
		moderation.Change{Status: in.Status, Reason: in.Reason, Category: in.Category, PlanningStatus: in.PlanningStatus})
	return h.answerModerated(c, ct, err)
}

// answerModerated answers a moderation step with the contribution as
// moderators see it, or with the step's error.
func (h *Handler) answerModerated(c *fiber.Ctx, ct *model.Contribution, err error) error {
	if err != nil {
		return h.WriteError(c, err)
	}
	out, err := moderatedJSON(ct)
	if err != nil {
		return err
	}
	return c.JSON(out)
}

// merge answers POST /contributions/:id/merge: {"into": "ID", "reason": "…"}.
func (h *Handler) merge(c *fiber.Ctx) error {
	var in struct {
		Into   string `json:"into"`
		Reason string `json:"reason"`
	}
	if err := decodeKnown(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	ct, err := h.Moderation.Merge(c.UserContext(), web.User(c), c.Params("id"), in.Into, in.Reason)
	return h.answerModerated(c, ct, err)
}

// respond answers POST /contributions/:id/responses: {"text": "Markdown", "author": "Bezirksamt …"}.
func (h *Handler) respond(c *fiber.Ctx) error {
	var in struct {
		Text   string `json:"text"`
		Author string `json:"author"`
	}
	if err := decodeKnown(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	if in.Author == "" {
		in.Author = web.Localizer(c).T("response.default_author")
	}
	r, err := h.Moderation.Respond(c.UserContext(), web.User(c), c.Params("id"), in.Text, in.Author)
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.Status(fiber.StatusCreated).JSON(map[string]any{"id": r.ID, "contribution_id": c.Params("id"),
		"text_md": r.TextMD, "html": string(h.Markdown.Render(r.TextMD)), "author": r.Author, "created_at": r.CreatedAt})
}

// queue answers GET /procedures/:slug/moderation for moderators: the
// contributions in the given statuses (default: submitted, i.e. waiting
// for pre-moderation), oldest first, with status, reason and the number of
// reports, paged like the public list. It is never cached.
func (h *Handler) queue(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	f := store.Filter{ProcedureID: p.ID, Sort: store.SortOldest, Limit: 50, Cursor: c.Query("cursor")}
	for _, s := range strings.Split(c.Query("status", string(model.Submitted)), ",") {
		st := model.ContributionStatus(strings.TrimSpace(s))
		if !model.ValidStatus(st) {
			return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.unknown_status"))
		}
		f.Statuses = append(f.Statuses, st)
	}
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.bad_limit"))
		}
		f.Limit = min(n, web.MaxLimit)
	}
	list, next, err := h.Moderation.Queue(c.UserContext(), f)
	if errors.Is(err, store.ErrBadCursor) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.bad_cursor"))
	}
	if err != nil {
		return err
	}
	feats := make([]contributionJSON, 0, len(list))
	for _, q := range list {
		feat, err := moderatedJSON(q.Contribution)
		if err != nil {
			return err
		}
		feat.Properties["flags"] = q.Flags
		feats = append(feats, feat)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	out := fiber.Map{"type": "FeatureCollection", "features": feats}
	if next != "" {
		out["next_cursor"] = next
	}
	return c.JSON(out)
}

// reports answers GET /procedures/:slug/reports?state=open|resolved for
// moderators: residents' reports with the reported text and the
// contribution concerned, oldest first.
func (h *Handler) reports(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	state := c.Query("state", "open")
	if state != "open" && state != "resolved" {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.unknown_report_state"))
	}
	limit := 100
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.bad_limit"))
		}
		limit = min(n, web.MaxLimit)
	}
	list, err := h.Moderation.Reports(c.UserContext(), p.ID, state == "resolved", limit)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, 0, len(list))
	for _, r := range list {
		m := fiber.Map{"id": r.ID, "kind": r.Kind, "subject_id": r.SubjectID, "contribution_id": r.ContributionID,
			"excerpt": r.Excerpt, "reason": r.Reason, "created_at": r.CreatedAt}
		if r.Conception != "" {
			m["conception"] = r.Conception
		}
		if r.ResolvedAt != nil {
			m["resolved_at"], m["resolved_by"] = r.ResolvedAt, r.ResolvedBy
		}
		out = append(out, m)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(fiber.Map{"reports": out})
}

// resolveReport answers POST /procedures/:slug/reports/:id/resolve: {"note": "…"}.
func (h *Handler) resolveReport(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.report_not_found"))
	}
	var in struct {
		Note string `json:"note"`
	}
	if len(bytes.TrimSpace(c.Body())) > 0 {
		if err := decodeKnown(c.Body(), &in); err != nil {
			return h.badJSON(c, err)
		}
	}
	err = h.Moderation.ResolveReport(c.UserContext(), web.User(c), p.ID, id, in.Note)
	if errors.Is(err, store.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.report_not_found"))
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	return c.JSON(fiber.Map{"id": id, "resolved": true})
}

// moderateComment answers PATCH /comments/:id: {"status": "hidden"|"published"}.
// The id names a residents' comment or a plan-variant comment (they share
// one id space); the answer says which, by contribution_id or conception.
func (h *Handler) moderateComment(c *fiber.Ctx) error {
	l := web.Localizer(c)
	id, err := strconv.ParseInt(c.Params("id"), 10, 64)
	if err != nil || id < 1 {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.comment_not_found"))
	}
	var in struct {
		Status model.ContributionStatus `json:"status"`
	}
	if err := decodeKnown(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	m, err := h.Moderation.ModerateComment(c.UserContext(), web.User(c), 0, id, in.Status)
	if errors.Is(err, store.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.comment_not_found"))
	}
	if err != nil {
		return h.WriteError(c, err)
	}
	out := fiber.Map{"id": id, "status": m.Status, "comment_count": m.Count}
	if m.Conception != "" {
		out["conception"] = m.Conception
	} else {
		out["contribution_id"] = m.ContributionID
	}
	return c.JSON(out)
}

// commentQueue answers GET /procedures/:slug/moderation/comments for
// moderators: the comments in a status (default submitted, i.e. waiting
// for pre-moderation) on contributions and plan variants, oldest first.
func (h *Handler) commentQueue(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	st := model.ContributionStatus(c.Query("status", string(model.Submitted)))
	if st != model.Submitted && st != model.Published && st != model.Hidden {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.unknown_status"))
	}
	limit := 100
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.bad_limit"))
		}
		limit = min(n, web.MaxLimit)
	}
	list, err := h.Moderation.Comments(c.UserContext(), p.ID, st, limit)
	if err != nil {
		return err
	}
	out := make([]fiber.Map, 0, len(list))
	for _, m := range list {
		item := fiber.Map{"id": m.ID, "text": m.Text, "author_name": m.AuthorName, "status": m.Status, "created_at": m.CreatedAt}
		if m.Conception != "" {
			item["conception"] = m.Conception
		} else {
			item["contribution_id"] = m.ContributionID
		}
		out = append(out, item)
	}
	c.Set(fiber.HeaderCacheControl, "private, no-store")
	return c.JSON(fiber.Map{"comments": out})
}
