// Package ogcapi describes Mitreden's published contributions as OGC API –
// Features (Part 1: Core, GeoJSON): the landing page, the conformance
// declaration, one collection per procedure, and the parsing of the items
// query (bbox, datetime, limit) into a store filter. The web layer serves
// what this package builds; it does no I/O itself.
package ogcapi

import (
	"errors"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Conformance classes this implementation declares.
var Conformance = []string{
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
	"http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
}

// CRS84 is the only coordinate reference system of Part 1 (lon, lat on WGS 84).
const CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"

// Paging limits of the items request.
const (
	DefaultLimit = 10
	MaxLimit     = 1000
)

// Link is a web link in OGC API documents.
type Link struct {
	Href  string `json:"href"`
	Rel   string `json:"rel"`
	Type  string `json:"type,omitempty"`
	Title string `json:"title,omitempty"`
}

// Landing is the landing page document.
type Landing struct {
	Title       string `json:"title"`
	Description string `json:"description"`
	Links       []Link `json:"links"`
}

// NewLanding builds the landing page; base is the API's absolute root
// (…/ogcapi).
func NewLanding(base, title, description string) Landing {
	return Landing{Title: title, Description: description, Links: []Link{
		{Href: base, Rel: "self", Type: "application/json", Title: "this document"},
		{Href: base + "/api", Rel: "service-desc", Type: "application/vnd.oai.openapi+json;version=3.0", Title: "the API definition"},
		{Href: base + "/conformance", Rel: "conformance", Type: "application/json", Title: "conformance classes"},
		{Href: base + "/collections", Rel: "data", Type: "application/json", Title: "collections: one per procedure"},
	}}
}

// Extent is a collection's spatial and temporal extent.
type Extent struct {
	Spatial struct {
		BBox [][4]float64 `json:"bbox"`
		CRS  string       `json:"crs"`
	} `json:"spatial"`
	Temporal struct {
		Interval [][2]*string `json:"interval"`
		TRS      string       `json:"trs"`
	} `json:"temporal"`
}

// Collection describes the published contributions of one procedure.
type Collection struct {
	ID          string   `json:"id"`
	Title       string   `json:"title"`
	Description string   `json:"description,omitempty"`
	ItemType    string   `json:"itemType"`
	CRS         []string `json:"crs"`
	Extent      Extent   `json:"extent"`
	Links       []Link   `json:"links"`
}

// NewCollection describes procedure p; base is the API's absolute root.
func NewCollection(base string, p *model.Procedure) Collection {
	self := base + "/collections/" + url.PathEscape(p.Slug)
	c := Collection{ID: p.Slug, Title: p.Title, Description: plain(p.SummaryMD), ItemType: "feature", CRS: []string{CRS84},
		Links: []Link{
			{Href: self, Rel: "self", Type: "application/json", Title: "this collection"},
			{Href: self + "/items", Rel: "items", Type: "application/geo+json", Title: "published contributions"},
		}}
	b := orb.Bound{Min: orb.Point{-180, -90}, Max: orb.Point{180, 90}}
	if p.Area != nil {
		b = p.Area.Bound()
	}
	c.Extent.Spatial.BBox = [][4]float64{{b.Min[0], b.Min[1], b.Max[0], b.Max[1]}}
	c.Extent.Spatial.CRS = CRS84
	var start, end *string
	for i, ph := range p.Phases {
		s, e := ph.StartsAt.UTC().Format(time.RFC3339), ph.EndsAt.UTC().Format(time.RFC3339)
		if i == 0 || s < *start {
			start = &s
		}
		if i == 0 || e > *end {
			end = &e
		}
	}
	c.Extent.Temporal.Interval = [][2]*string{{start, end}}
	c.Extent.Temporal.TRS = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
	return c
}

// plain strips the most common Markdown marks from a summary.
func plain(md string) string {
	return strings.NewReplacer("**", "", "__", "", "`", "", "#", "").Replace(strings.TrimSpace(md))
}

// ErrQuery is wrapped by every complaint about an items query.
var ErrQuery = errors.New("ogcapi: invalid query")

func bad(format string, args ...any) error {
	return fmt.Errorf("%w: %s", ErrQuery, fmt.Sprintf(format, args...))
}

// itemsParams are the query parameters the items request knows; any other
// is refused (OGC API – Features, /req/core/query-param-unknown).
var itemsParams = map[string]bool{"limit": true, "bbox": true, "datetime": true, "cursor": true, "f": true}

// ParseItems turns an items query into a filter of the procedure's
// published contributions, newest first.
func ParseItems(procedureID int64, q url.Values) (store.Filter, error) {
	f := store.Filter{ProcedureID: procedureID, Limit: DefaultLimit, Sort: store.SortNewest}
	for k := range q {
		if !itemsParams[k] {
			return f, bad("unknown parameter %q (known: limit, bbox, datetime, cursor, f)", k)
		}
		if len(q[k]) > 1 {
			return f, bad("parameter %q given more than once", k)
		}
	}
	if v := q.Get("f"); v != "" && v != "json" && v != "geojson" {
		return f, bad("f must be json")
	}
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return f, bad("limit must be a whole number of at least 1")
		}
		f.Limit = min(n, MaxLimit)
	}
	if v := q.Get("bbox"); v != "" {
		b, err := parseBBox(v)
		if err != nil {
			return f, err
		}
		f.BBox = &b
	}
	if v := q.Get("datetime"); v != "" {
		from, to, err := ParseDatetime(v)
		if err != nil {
			return f, err
		}
		f.CreatedFrom, f.CreatedTo = from, to
	}
	f.Cursor = q.Get("cursor")
	return f, nil
}

// parseBBox reads "minLon,minLat,maxLon,maxLat" or the six-number form
// with heights, which are ignored (contributions have none).
func parseBBox(v string) (orb.Bound, error) {
	parts := strings.Split(v, ",")
	if len(parts) != 4 && len(parts) != 6 {
		return orb.Bound{}, bad("bbox must hold 4 (or 6) numbers")
	}
	n := make([]float64, len(parts))
	for i, p := range parts {
		x, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
		if err != nil || math.IsNaN(x) || math.IsInf(x, 0) {
			return orb.Bound{}, bad("bbox must hold numbers")
		}
		n[i] = x
	}
	if len(n) == 6 {
		n = []float64{n[0], n[1], n[3], n[4]}
	}
	if n[0] < -180 || n[2] > 180 || n[1] < -90 || n[3] > 90 || n[1] > n[3] {
		return orb.Bound{}, bad("bbox is outside longitude -180..180 / latitude -90..90 or upside down")
	}
	if n[0] > n[2] {
		return orb.Bound{}, bad("bbox crossing the antimeridian is not supported")
	}
	return orb.Bound{Min: orb.Point{n[0], n[1]}, Max: orb.Point{n[2], n[3]}}, nil
}

// ParseDatetime reads an RFC 3339 instant or an interval "start/end"
// where either end may be ".." or empty (open); nil means open.
func ParseDatetime(v string) (from, to *time.Time, err error) {
	parse := func(s string) (*time.Time, error) {
		if s == "" || s == ".." {
			return nil, nil
		}
		t, err := time.Parse(time.RFC3339Nano, s)
		if err != nil {
			if d, err2 := time.Parse("2006-01-02", s); err2 == nil {
				return &d, nil
			}
			return nil, bad("datetime %q is not an RFC 3339 time", s)
		}
		return &t, nil
	}
	start, end, interval := strings.Cut(v, "/")
	if from, err = parse(start); err != nil {
		return nil, nil, err
	}
	if !interval {
		if from == nil {
			return nil, nil, bad("datetime must name a time or an interval")
		}
		if len(start) == len("2006-01-02") { // a whole day
			t := from.Add(24*time.Hour - time.Millisecond)
			return from, &t, nil
		}
		return from, from, nil
	}
	if to, err = parse(end); err != nil {
		return nil, nil, err
	}
	if from == nil && to == nil {
		return nil, nil, bad("a datetime interval needs at least one end")
	}
	if from != nil && to != nil && to.Before(*from) {
		return nil, nil, bad("datetime interval ends before it starts")
	}
	return from, to, nil
}
