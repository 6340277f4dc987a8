package api

import (
	"bytes"
	"encoding/json"
	"errors"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/viewport"
	"github.com/mitreden/mitreden/internal/web"
)

func (h *Handler) contributions(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	query := c.Request().URI().QueryString()
	// An answer kept for this very query at this version was parsed
	// before, against the same procedure: it needs no parsing again.
	kept, ok := h.Viewports.Kept(p, query)
	var q viewport.Query
	if !ok {
		f, bad := web.ParseFilter(c, p)
		if bad != "" {
			return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T(bad))
		}
		q = viewport.Query{Filter: f, Cluster: c.Query("cluster") == "1", Gzip: h.JoinGzip(c)}
	}
	q.Key = string(query)
	// The procedure's version changes with every write, so it makes a
	// cheap validator for the whole answer.
	etag := weakETag(p.Version, query)
	res := &c.Response().Header
	res.SetCanonical(etagHeader, etag)
	res.SetCanonical(cacheControlHeader, noCache)
	if bytes.Equal(c.Request().Header.PeekBytes(ifNoneMatchHeader), etag) {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if ok {
		return h.SendNamed(c, viewport.Name(p, q), "application/geo+json", kept, true)
	}
	a, err := h.Viewports.Answer(c.UserContext(), p, q)
	if errors.Is(err, store.ErrBadCursor) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.bad_cursor"))
	}
	if err != nil {
		return err
	}
	defer a.Release()
	if a.Gzip != nil {
		return h.SendJoined(c, "application/geo+json", a.Gzip)
	}
	return h.SendNamed(c, viewport.Name(p, q), "application/geo+json", a.Body, a.Kept)
}

var (
	etagHeader         = []byte(fiber.HeaderETag)
	cacheControlHeader = []byte(fiber.HeaderCacheControl)
	ifNoneMatchHeader  = []byte(fiber.HeaderIfNoneMatch)
	noCache            = []byte("no-cache")
)

// contributionJSON is one contribution with its comments and responses.
type contributionJSON struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

func (h *Handler) contribution(c *fiber.Ctx) error {
	l := web.Localizer(c)
	ct, p, err := h.Part.Visible(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", l.T("error.contribution_not_found"))
	}
	if err != nil {
		return err
	}
	var feat contributionJSON
	if err := json.Unmarshal(store.FeatureJSON(ct), &feat); err != nil {
		return err
	}
	comments, responses, err := h.Part.Discussion(c.UserContext(), ct.ID)
	if err != nil {
		return err
	}
	feat.Properties["procedure"] = p.Slug
	feat.Properties["url"] = h.BaseURL(c) + "/p/" + p.Slug + "/contributions/" + ct.ID
	if p.Settings.Comments != model.SwitchOff {
		feat.Properties["comments"] = commentsJSON(comments)
	}
	rs := make([]map[string]any, 0, len(responses))
	for _, r := range responses {
		rs = append(rs, map[string]any{"text_md": r.TextMD, "author": r.Author, "created_at": r.CreatedAt})
	}
	feat.Properties["responses"] = rs
	feat.Properties["answered"] = len(responses) > 0
	return c.JSON(feat)
}

// featureIn is the body of a new contribution.
type featureIn struct {
	Type       string          `json:"type"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties *struct {
		Title      *string `json:"title"`
		Text       *string `json:"text"`
		Category   *string `json:"category"`
		Type       *string `json:"type"`
		AuthorName *string `json:"author_name"`
		Origin     *string `json:"origin"`
		Email      *string `json:"email"`
		Replies    *bool   `json:"email_replies"`
	} `json:"properties"`
}

// originGate lets a new contribution that names an origin (table:N, import…)
// through only with a planner's or moderator's API token (staff entering
// what came in at a workshop or by post): an anonymous caller could
// otherwise pass its text off as a workshop table's. Without an origin
// the request goes on as an anonymous one. A body that does not parse, or
// an origin that does not exist, is left to createContribution, which
// explains what is wrong.
func (h *Handler) originGate(staff fiber.Handler) fiber.Handler {
	return func(c *fiber.Ctx) error {
		var peek struct {
			Properties struct {
				Origin json.RawMessage `json:"origin"`
			} `json:"properties"`
		}
		if json.Unmarshal(c.Body(), &peek) != nil {
			return c.Next()
		}
		var o string
		if json.Unmarshal(peek.Properties.Origin, &o) != nil || o == "" || !model.ValidOrigin(o) {
			return c.Next() // no origin, or one createContribution refuses (400, 422)
		}
		if c.Get(fiber.HeaderAuthorization) == "" {
			return h.Fail(c, fiber.StatusForbidden, "origin_forbidden", web.Localizer(c).T("error.origin_forbidden"))
		}
		return staff(c)
	}
}

func (h *Handler) createContribution(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	var in featureIn
	if err := decodeStrict(c.Body(), &in); err != nil {
		return h.badJSON(c, err)
	}
	if in.Type != "Feature" || in.Properties == nil {
		return h.Fail(c, fiber.StatusBadRequest, "invalid_feature", l.T("error.feature_required"))
	}
	g, err := geo.ParseGeometry(in.Geometry, h.Part.Limits)
	if err != nil {
		fe := participation.GeometryError(err)
		return h.FailFields(c, fiber.StatusUnprocessableEntity, "validation", l.T("validation."+fe.Code),
			map[string]string{"geometry": l.T("validation." + fe.Code)})
	}
	pr := in.Properties
	email, refused, err := h.checkEmail(c, str(pr.Email))
	if refused {
		return err
	}
	ct, token, err := h.Part.Submit(c.UserContext(), p, model.ContributionInput{Title: str(pr.Title), Text: str(pr.Text),
		Category: str(pr.Category), Type: str(pr.Type), AuthorName: str(pr.AuthorName), Origin: str(pr.Origin)}, g)
	if err != nil {
		return h.WriteError(c, err)
	}
	h.Metrics.Contributions.Inc()
	var feat contributionJSON
	_ = json.Unmarshal(store.FeatureJSON(ct), &feat)
	feat.Properties["status"] = ct.Status
	feat.Properties["manage_token"] = token
	feat.Properties["manage_url"] = h.BaseURL(c) + "/manage/" + token
	feat.Properties["url"] = h.BaseURL(c) + "/p/" + p.Slug + "/contributions/" + ct.ID
	if email != "" {
		feat.Properties["subscription"] = h.subscribe(c, ct.ID, token, email, pr.Replies != nil && *pr.Replies)
	}
	c.Set(fiber.HeaderLocation, "/api/v1/contributions/"+ct.ID)
	c.Set(fiber.HeaderCacheControl, "no-store") // the answer carries the manage token
	return c.Status(fiber.StatusCreated).JSON(feat)
}
