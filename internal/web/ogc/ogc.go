// Package ogc serves OGC API – Features under /ogcapi: the published
// contributions of every procedure for QGIS, GDAL and open-data portals.
package ogc

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/gzipjoin"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/ogcapi"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

// Handler serves the OGC API.
type Handler struct {
	*web.Server
	ogc *ogcapi.Service
}

// Register adds the /ogcapi routes.
func Register(app *fiber.App, s *web.Server) {
	h := &Handler{Server: s, ogc: ogcapi.New(s.Store, s.Viewports)}
	g := app.Group("/ogcapi")
	g.Get("/", h.landing)
	g.Get("/conformance", h.conformance)
	g.Get("/api", h.apiDefinition)
	g.Get("/collections", h.collections)
	g.Get("/collections/:slug", h.collection)
	g.Get("/collections/:slug/items", h.items)
	g.Get("/collections/:slug/items/:id", h.item)
	g.All("/*", func(c *fiber.Ctx) error {
		return s.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.not_found"))
	})
}

func (h *Handler) base(c *fiber.Ctx) string { return h.BaseURL(c) + "/ogcapi" }

// format refuses any f= but JSON (no HTML encoding is offered).
func (h *Handler) format(c *fiber.Ctx) bool {
	if f := c.Query("f"); f != "" && f != "json" && f != "geojson" {
		_ = h.Fail(c, fiber.StatusBadRequest, "bad_parameter", web.Localizer(c).T("ogc.format"))
		return false
	}
	return true
}

func (h *Handler) landing(c *fiber.Ctx) error {
	if !h.format(c) {
		return nil
	}
	l := web.Localizer(c)
	return c.JSON(ogcapi.NewLanding(h.base(c), l.T("ogc.title"), l.T("ogc.description")))
}

func (h *Handler) conformance(c *fiber.Ctx) error {
	if !h.format(c) {
		return nil
	}
	return c.JSON(fiber.Map{"conformsTo": ogcapi.Conformance})
}

func (h *Handler) apiDefinition(c *fiber.Ctx) error {
	c.Set(fiber.HeaderContentType, "application/vnd.oai.openapi+json;version=3.0")
	return c.Send(ogcapi.OpenAPI(h.base(c), web.Localizer(c).T("ogc.title")))
}

func (h *Handler) collections(c *fiber.Ctx) error {
	if !h.format(c) {
		return nil
	}
	procs, err := h.ogc.Collections(c.UserContext())
	if err != nil {
		return err
	}
	out := make([]ogcapi.Collection, 0, len(procs))
	for _, p := range procs {
		out = append(out, ogcapi.NewCollection(h.base(c), p))
	}
	return c.JSON(fiber.Map{"collections": out, "links": []ogcapi.Link{
		{Href: h.base(c) + "/collections", Rel: "self", Type: "application/json", Title: "this document"}}})
}

func (h *Handler) collection(c *fiber.Ctx) error {
	if !h.format(c) {
		return nil
	}
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	return c.JSON(ogcapi.NewCollection(h.base(c), p))
}

// items answers a page of published contributions as a GeoJSON
// FeatureCollection with numberMatched (first page), numberReturned and a
// next link carrying the keyset cursor.
func (h *Handler) items(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	l := web.Localizer(c)
	q, err := url.ParseQuery(string(c.Request().URI().QueryString()))
	if err != nil {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("ogc.bad_query", "Detail", err.Error()))
	}
	f, err := ogcapi.ParseItems(p.ID, q)
	if err != nil {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("ogc.bad_query", "Detail", strings.TrimPrefix(err.Error(), ogcapi.ErrQuery.Error()+": ")))
	}
	feats, pieces, next, total, err := h.ogc.Items(c.UserContext(), p, f, h.JoinGzip(c))
	if errors.Is(err, store.ErrBadCursor) {
		return h.Fail(c, fiber.StatusBadRequest, "bad_parameter", l.T("validation.bad_cursor"))
	}
	if err != nil {
		return err
	}
	self := h.base(c) + "/collections/" + url.PathEscape(p.Slug) + "/items"
	links := []ogcapi.Link{{Href: self + "?" + q.Encode(), Rel: "self", Type: "application/geo+json", Title: "this page"},
		{Href: h.base(c) + "/collections/" + url.PathEscape(p.Slug), Rel: "collection", Type: "application/json", Title: "the collection"}}
	if next != "" {
		nq := url.Values{}
		for k, v := range q {
			nq[k] = v
		}
		nq.Set("cursor", next)
		nq.Set("limit", strconv.Itoa(f.Limit))
		links = append(links, ogcapi.Link{Href: self + "?" + nq.Encode(), Rel: "next", Type: "application/geo+json", Title: "next page"})
	}
	b := web.LendBuffer()
	defer web.ReturnBuffer(b)
	b.WriteString(`{"type":"FeatureCollection","timeStamp":"`)
	b.WriteString(time.Now().UTC().Format(time.RFC3339))
	b.WriteString(`","numberReturned":`)
	b.WriteString(strconv.Itoa(len(feats)))
	if total >= 0 {
		b.WriteString(`,"numberMatched":`)
		b.WriteString(strconv.Itoa(total))
	}
	b.WriteString(`,"links":`)
	lj, _ := json.Marshal(links)
	b.Write(lj)
	b.WriteString(`,"features":[`)
	if pieces != nil {
		// A busy server joins the page's gzip form from its head and the
		// features' pieces (viewport.Service.PageJoinable) instead of
		// compressing it.
		gz := web.LendBuffer()
		defer web.ReturnBuffer(gz)
		size := b.Len() + 64 + 6*len(feats) // stored blocks' headers, trailer
		for _, pc := range pieces {
			size += len(pc)
		}
		gz.Grow(size)
		var j gzipjoin.Joiner
		j.Start(gz.AvailableBuffer())
		j.Plain(b.Bytes())
		j.List(pieces, feats, comma)
		j.Plain(closeFeatures)
		return h.SendJoined(c, "application/geo+json", j.Finish())
	}
	for i, ft := range feats {
		if i > 0 {
			b.Write(comma)
		}
		b.Write(ft)
	}
	b.Write(closeFeatures)
	// Each page is new (its timeStamp at least): compressed fast and
	// copied into the response, not kept.
	return h.SendFresh(c, "application/geo+json", b.Bytes())
}

var comma, closeFeatures = []byte(","), []byte("]}")

// item answers one published contribution of the collection.
func (h *Handler) item(c *fiber.Ctx) error {
	if !h.format(c) {
		return nil
	}
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	ct, owner, err := h.Part.Visible(c.UserContext(), c.Params("id"))
	if errors.Is(err, store.ErrNotFound) || (err == nil && (owner.ID != p.ID || ct.Status != model.Published)) {
		return h.Fail(c, fiber.StatusNotFound, "not_found", web.Localizer(c).T("error.contribution_not_found"))
	}
	if err != nil {
		return err
	}
	self := h.base(c) + "/collections/" + url.PathEscape(p.Slug) + "/items/" + url.PathEscape(ct.ID)
	lj, _ := json.Marshal([]ogcapi.Link{{Href: self, Rel: "self", Type: "application/geo+json"},
		{Href: h.base(c) + "/collections/" + url.PathEscape(p.Slug), Rel: "collection", Type: "application/json"}})
	feat := store.FeatureJSON(ct)
	// the stored feature ends with "}}": add the links beside its properties
	var b bytes.Buffer
	b.Write(feat[:len(feat)-1])
	b.WriteString(`,"links":`)
	b.Write(lj)
	b.WriteByte('}')
	c.Set(fiber.HeaderContentType, "application/geo+json")
	return c.Send(b.Bytes())
}
