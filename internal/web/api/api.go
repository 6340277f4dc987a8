// Package api serves the JSON API v1: procedures, contributions as GeoJSON,
// comments, ratings and the live event stream.
package api

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/utils"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/participation"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// MaxLimit caps how many features one answer holds.
const MaxLimit = 1000

// Handler serves the API.
type Handler struct {
	*web.Server
	cache *cache.Cache[[]byte]
}

// Register adds the API routes.
func Register(app *fiber.App, s *web.Server) {
	h := &Handler{Server: s, cache: cache.New(answerBudget, cache.Bytes)}
	g := app.Group("/api/v1")
	g.Get("/procedures", h.procedures)
	g.Get("/procedures/:slug", h.procedure)
	g.Get("/procedures/:slug/contributions", h.contributions)
	g.Get("/procedures/:slug/places", h.places)
	g.Get("/procedures/:slug/events", h.events)
	g.Get("/contributions/:id", h.contribution)
	g.Get("/procedures/:slug/export.:format", s.Require("export"), h.export)
	g.Get("/procedures/:slug/moderation", s.Require("moderate"), h.queue)
	g.Get("/procedures/:slug/reports", s.Require("moderate"), h.reports)
	g.Post("/procedures/:slug/reports/:id/resolve", s.Require("moderate"), h.resolveReport)
	g.Patch("/contributions/:id", h.jsonOnly, s.Require("moderate"), h.moderate)
	g.Get("/procedures/:slug/moderation/comments", s.Require("moderate"), h.commentQueue)
	g.Patch("/comments/:id", h.jsonOnly, s.Require("moderate"), h.moderateComment)
	g.Post("/contributions/:id/merge", h.jsonOnly, s.Require("moderate"), h.merge)
	g.Post("/contributions/:id/responses", h.jsonOnly, s.Require("respond"), h.respond)
	w := g.Group("", s.WriteLimiter())
	w.Post("/procedures/:slug/contributions", h.jsonOnly, h.originGate(s.Require("moderate")), h.createContribution)
	w.Post("/contributions/:id/comments", h.jsonOnly, h.createComment)
	w.Post("/contributions/:id/ratings", h.jsonOnly, h.rate)
	w.Post("/contributions/:id/flags", h.jsonOnly, h.flag)
	g.Get("/procedures/:slug/conceptions", h.conceptions)
	w.Post("/procedures/:slug/conceptions/:key/ratings", h.jsonOnly, h.rateConception)
	w.Post("/procedures/:slug/conceptions/:key/comments", h.jsonOnly, h.commentConception)
	w.Post("/procedures/:slug/conceptions/:key/flags", h.jsonOnly, h.flagConceptionComment)
	g.All("/*", func(c *fiber.Ctx) error {
		return s.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.not_found"))
	})
}

func (h *Handler) jsonOnly(c *fiber.Ctx) error {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(c.Get(fiber.HeaderContentType), ";", 2)[0]))
	if ct != fiber.MIMEApplicationJSON && ct != "application/geo+json" {
		return h.Fail(c, fiber.StatusUnsupportedMediaType, "unsupported_media_type", web.Localizer(c).T("error.json_required"))
	}
	if !utf8.Valid(c.Body()) {
		return h.Fail(c, fiber.StatusBadRequest, "invalid_utf8", web.Localizer(c).T("validation.invalid_utf8"))
	}
	return c.Next()
}

type phaseJSON struct {
	Kind     string    `json:"kind"`
	Title    string    `json:"title"`
	StartsAt time.Time `json:"starts_at"`
	EndsAt   time.Time `json:"ends_at"`
	Current  bool      `json:"current"`
}

type categoryJSON struct {
	Key    string       `json:"key"`
	Label  string       `json:"label"`
	Labels model.Labels `json:"labels"`
	Colour string       `json:"colour,omitempty"`
	Icon   string       `json:"icon,omitempty"`
}

type procedureJSON struct {
	Slug              string            `json:"slug"`
	Title             string            `json:"title"`
	Summary           string            `json:"summary_md"`
	Status            string            `json:"status"`
	ParticipationOpen bool              `json:"participation_open"`
	URL               string            `json:"url"`
	Area              json.RawMessage   `json:"area"`
	Map               model.MapView     `json:"map"`
	Phases            []phaseJSON       `json:"phases,omitempty"`
	Categories        []categoryJSON    `json:"categories,omitempty"`
	Types             []categoryJSON    `json:"types,omitempty"`
	Settings          *model.Settings   `json:"settings,omitempty"`
	Contributions     *int              `json:"contribution_count,omitempty"`
	Appointments      []appointmentJSON `json:"appointments,omitempty"`
}

type appointmentJSON struct {
	Title       string    `json:"title"`
	Description string    `json:"description,omitempty"`
	StartsAt    time.Time `json:"starts_at"`
	EndsAt      time.Time `json:"ends_at"`
	Address     string    `json:"address,omitempty"`
	Lon         *float64  `json:"lon,omitempty"`
	Lat         *float64  `json:"lat,omitempty"`
}

func (h *Handler) procedureJSON(c *fiber.Ctx, p *model.Procedure, full bool) procedureJSON {
	now := h.Now()
	tag := web.Localizer(c).Tag
	t := p.Text(tag)
	out := procedureJSON{Slug: p.Slug, Title: t.Title, Summary: t.SummaryMD, Status: string(p.Status(now)),
		ParticipationOpen: p.ParticipationOpen(now), URL: h.BaseURL(c) + "/p/" + p.Slug,
		Area: geo.MarshalGeometry(areaGeometry(p)), Map: p.Map}
	if !full {
		return out
	}
	for _, ph := range p.Phases {
		out.Phases = append(out.Phases, phaseJSON{Kind: string(ph.Kind), Title: ph.Title, StartsAt: ph.StartsAt, EndsAt: ph.EndsAt, Current: ph.Contains(now)})
	}
	for _, k := range p.Categories {
		out.Categories = append(out.Categories, categoryJSON{Key: k.Key, Label: k.Label.Get(tag), Labels: k.Label, Colour: k.Colour, Icon: k.Icon})
	}
	for _, k := range p.Types {
		out.Types = append(out.Types, categoryJSON{Key: k.Key, Label: k.Label.Get(tag), Labels: k.Label})
	}
	st := p.Settings
	out.Settings = &st
	return out
}

func areaGeometry(p *model.Procedure) orb.Geometry {
	if p.Area == nil {
		return nil
	}
	return p.Area
}

func (h *Handler) procedures(c *fiber.Ctx) error {
	ps, err := h.Store.Procedures(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]procedureJSON, 0, len(ps))
	for _, p := range ps {
		out = append(out, h.procedureJSON(c, p, false))
	}
	return c.JSON(fiber.Map{"procedures": out})
}

func (h *Handler) procedure(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	out := h.procedureJSON(c, p, true)
	n, err := h.Count(c.UserContext(), p, store.Filter{ProcedureID: p.ID})
	if err != nil {
		return err
	}
	out.Contributions = &n
	appts, err := h.Store.Appointments(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	for _, a := range appts {
		aj := appointmentJSON{Title: a.Title, Description: a.Description, StartsAt: a.StartsAt, EndsAt: a.EndsAt, Address: a.Address}
		if a.Location != nil {
			lon, lat := a.Location.Lon(), a.Location.Lat()
			aj.Lon, aj.Lat = &lon, &lat
		}
		out.Appointments = append(out.Appointments, aj)
	}
	return c.JSON(out)
}

func (h *Handler) places(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	places, err := h.Store.Places(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	type placeJSON struct {
		Name string  `json:"name"`
		Kind string  `json:"kind"`
		Lon  float64 `json:"lon"`
		Lat  float64 `json:"lat"`
	}
	out := make([]placeJSON, 0, len(places))
	for _, pl := range places {
		out = append(out, placeJSON(pl))
	}
	return c.JSON(fiber.Map{"places": out})
}

// ParseFilter reads the list filters from the query string; it is shared by
// the HTML list. It returns a message key when a parameter is invalid.
func ParseFilter(c *fiber.Ctx, p *model.Procedure) (store.Filter, string) {
	f := store.Filter{ProcedureID: p.ID, Category: c.Query("category"), Type: c.Query("type"),
		GeomType: c.Query("geometry"), Origin: c.Query("origin"), Query: c.Query("q"), Sort: c.Query("sort", store.SortNewest),
		Cursor: c.Query("cursor")}
	if v := c.Query("type_geometry"); v != "" {
		f.GeomType = v
	}
	if f.Category != "" {
		if _, ok := p.Category(f.Category); !ok {
			return f, "validation.unknown_category"
		}
	}
	if f.Type != "" {
		if _, ok := p.Type(f.Type); !ok {
			return f, "validation.unknown_type"
		}
	}
	switch f.GeomType {
	case "", "Point", "LineString", "Polygon", "none":
	default:
		return f, "validation.unknown_geometry_filter"
	}
	if f.Origin != "" && f.Origin != "table" && !model.ValidOrigin(f.Origin) {
		return f, "validation.unknown_origin"
	}
	if !store.ValidSort(f.Sort) {
		return f, "validation.unknown_sort"
	}
	if !utf8.ValidString(f.Query) || len(f.Query) > 200 {
		return f, "validation.bad_query"
	}
	f.Limit = 50
	if v := c.Query("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, "validation.bad_limit"
		}
		f.Limit = min(n, MaxLimit)
	}
	if v := c.Query("bbox"); v != "" {
		b, err := geo.ParseBBox(v)
		if err != nil {
			return f, "validation.bad_bbox"
		}
		f.BBox = &b
	}
	return f, ""
}

func (h *Handler) contributions(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	f, bad := ParseFilter(c, p)
	if bad != "" {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T(bad))
	}
	// The procedure's version changes with every write, so it makes a
	// cheap validator for the whole answer.
	etag := fmt.Sprintf(`W/"%d-%x"`, p.Version, hashString(string(c.Request().URI().QueryString())))
	c.Set(fiber.HeaderETag, etag)
	c.Set(fiber.HeaderCacheControl, "no-cache")
	if c.Get(fiber.HeaderIfNoneMatch) == etag {
		return c.SendStatus(fiber.StatusNotModified)
	}
	if b, ok := h.cacheGet(p.ID, p.Version, string(c.Request().URI().QueryString())); ok {
		c.Set(fiber.HeaderContentType, "application/geo+json")
		return c.Send(b)
	}
	if c.Query("cluster") == "1" && f.BBox != nil && f.Cursor == "" && unfiltered(f) {
		// Unfiltered views read the tile counts the store keeps per zoom.
		z := tileZoom(*f.BBox)
		x0, y0, x1, y1 := geo.TileRange(*f.BBox, z)
		key := fmt.Sprintf("tiles|%d|%d-%d|%d-%d", z, x0, x1, y0, y1)
		if b, ok := h.cacheGet(p.ID, p.Version, key); ok {
			c.Set(fiber.HeaderContentType, "application/geo+json")
			return c.Send(b)
		}
		cells, total, err := h.Store.TileClusters(c.UserContext(), p.ID, *f.BBox, z)
		if err != nil {
			return err
		}
		if total > ClusterThreshold {
			out, err := clusterCollection(cells, total)
			if err != nil {
				return err
			}
			h.cachePut(p.ID, p.Version, key, out)
			c.Set(fiber.HeaderContentType, "application/geo+json")
			return c.Send(out)
		}
	} else if c.Query("cluster") == "1" && f.BBox != nil && f.Cursor == "" {
		// Clusters are computed for the viewport snapped outward to the
		// grid, so everyone panning within the same cells shares an answer.
		g := snapToGrid(f)
		key := "clusters|" + g.filter.Key()
		if b, ok := h.cacheGet(p.ID, p.Version, key); ok {
			c.Set(fiber.HeaderContentType, "application/geo+json")
			return c.Send(b)
		}
		out, clustered, err := h.clusters(c.UserContext(), p, g)
		if err != nil {
			return err
		}
		if clustered {
			h.cachePut(p.ID, p.Version, key, out)
			c.Set(fiber.HeaderContentType, "application/geo+json")
			return c.Send(out)
		}
	}
	feats, next, total, err := h.Store.Features(c.UserContext(), f)
	if errors.Is(err, store.ErrBadCursor) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.bad_cursor"))
	}
	if err != nil {
		return err
	}
	if total < 0 {
		if total, err = h.Count(c.UserContext(), p, f); err != nil {
			return err
		}
	}
	var buf bytes.Buffer
	buf.Grow(64 + len(feats)*300)
	buf.WriteString(`{"type":"FeatureCollection","features":[`)
	for i, b := range feats {
		if i > 0 {
			buf.WriteByte(',')
		}
		buf.Write(b)
	}
	fmt.Fprintf(&buf, `],"numberMatched":%d,"numberReturned":%d`, total, len(feats))
	if next != "" {
		nb, _ := json.Marshal(next)
		buf.WriteString(`,"next_cursor":`)
		buf.Write(nb)
	}
	buf.WriteString(`}`)
	out := buf.Bytes()
	h.cachePut(p.ID, p.Version, string(c.Request().URI().QueryString()), out)
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return c.Send(out)
}

// ClusterThreshold is how many contributions a viewport may hold before a
// map asking with cluster=1 gets grid clusters instead of features.
const ClusterThreshold = 500

// clusterGrid is about how many cells across the viewport clusters use.
const clusterGrid = 8

// grid is a viewport filter snapped outward to a cluster grid.
type grid struct {
	filter           store.Filter
	cellLon, cellLat float64
}

// snapToGrid widens f's viewport to whole cells of the cluster grid
// (geo.SnapGrid).
func snapToGrid(f store.Filter) grid {
	b, cellLon, cellLat := geo.SnapGrid(*f.BBox, clusterGrid)
	f.BBox = &b
	return grid{filter: f, cellLon: cellLon, cellLat: cellLat}
}

// clusters answers a viewport holding more than ClusterThreshold
// contributions with grid clusters, so a low-zoom view never ships 100,000
// points; false means the viewport is small enough for features.
func (h *Handler) clusters(ctx context.Context, p *model.Procedure, g grid) ([]byte, bool, error) {
	total, err := h.Count(ctx, p, g.filter)
	if err != nil || total <= ClusterThreshold {
		return nil, false, err
	}
	cells, err := h.Store.Clusters(ctx, g.filter, g.cellLon, g.cellLat)
	if err != nil {
		return nil, false, err
	}
	b, err := clusterCollection(cells, total)
	return b, err == nil, err
}

// unfiltered reports whether f selects by viewport only.
func unfiltered(f store.Filter) bool {
	return f.Category == "" && f.Type == "" && f.GeomType == "" && f.Origin == "" && f.Query == "" && len(f.Statuses) == 0
}

// tileZoom picks the tile zoom at which a viewport spans about clusterGrid
// tiles across.
func tileZoom(b orb.Bound) int {
	return geo.TileZoom(b, clusterGrid, store.MinTileZoom, store.MaxTileZoom)
}

// clusterCollection renders clusters as a GeoJSON FeatureCollection.
func clusterCollection(cells []store.Cluster, total int) ([]byte, error) {
	type clusterProps struct {
		Cluster bool       `json:"cluster"`
		Count   int        `json:"count"`
		BBox    [4]float64 `json:"bbox"`
	}
	type clusterFeature struct {
		Type       string          `json:"type"`
		ID         string          `json:"id"`
		Geometry   json.RawMessage `json:"geometry"`
		Properties clusterProps    `json:"properties"`
	}
	feats := make([]clusterFeature, 0, len(cells))
	for i, k := range cells {
		feats = append(feats, clusterFeature{Type: "Feature", ID: fmt.Sprintf("cluster-%d", i),
			Geometry: geo.MarshalGeometry(k.Center),
			Properties: clusterProps{Cluster: true, Count: k.Count,
				BBox: [4]float64{k.Bound.Min.Lon(), k.Bound.Min.Lat(), k.Bound.Max.Lon(), k.Bound.Max.Lat()}}})
	}
	return json.Marshal(map[string]any{"type": "FeatureCollection", "clustered": true, "features": feats,
		"numberMatched": total, "numberReturned": len(feats)})
}

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
	comments, responses, err := h.Store.Discussion(c.UserContext(), ct.ID)
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
	return c.JSON(feat)
}

func commentsJSON(cs []model.Comment) []map[string]any {
	out := make([]map[string]any, 0, len(cs))
	for _, m := range cs {
		out = append(out, map[string]any{"id": m.ID, "text": m.Text, "author_name": m.AuthorName,
			"created_at": m.CreatedAt, "replies": commentsJSON(m.Replies)})
	}
	return out
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
	} `json:"properties"`
}

func str(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

func (h *Handler) badJSON(c *fiber.Ctx, err error) error {
	l := web.Localizer(c)
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) {
		return h.Fail(c, fiber.StatusBadRequest, "invalid_json", l.T("error.json_type", "Field", te.Field))
	}
	if strings.HasPrefix(err.Error(), "json: unknown field") {
		return h.Fail(c, fiber.StatusBadRequest, "unknown_field", l.T("error.json_unknown_field"))
	}
	return h.Fail(c, fiber.StatusBadRequest, "invalid_json", l.T("error.json_malformed"))
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
	c.Set(fiber.HeaderLocation, "/api/v1/contributions/"+ct.ID)
	c.Set(fiber.HeaderCacheControl, "no-store") // the answer carries the manage token
	return c.Status(fiber.StatusCreated).JSON(feat)
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

// VoterKey returns the browser's voter key from its cookie, making one when
// missing. It identifies one browser's vote; it is stored only hashed.
func VoterKey(c *fiber.Ctx, secure bool) string {
	v := c.Cookies("mitreden_voter")
	if len(v) < 20 || len(v) > 64 {
		b := make([]byte, 18)
		_, _ = randRead(b)
		v = encode(b)
		c.Cookie(&fiber.Cookie{Name: "mitreden_voter", Value: v, Path: "/", MaxAge: 365 * 24 * 3600,
			HTTPOnly: true, Secure: secure, SameSite: "Lax"})
	}
	return utils.CopyString(v)
}

func (h *Handler) rate(c *fiber.Ctx) error {
	value, ok := h.vote(c)
	if !ok {
		return nil
	}
	id := utils.CopyString(c.Params("id"))
	up, down, err := h.Part.Rate(c.UserContext(), id, VoterKey(c, h.Secure()), value)
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

func (h *Handler) conceptions(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	cs, err := h.Store.Conceptions(c.UserContext(), p.ID)
	if err != nil {
		return err
	}
	comments, err := h.Store.ConceptionComments(c.UserContext(), p.ID)
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
	up, down, err := h.Part.RateConception(c.UserContext(), p, key, VoterKey(c, h.Secure()), value)
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
