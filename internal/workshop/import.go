package workshop

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// ErrInvalid wraps every complaint about an import file's content.
var ErrInvalid = errors.New("invalid import file")

// invalid reports a problem with item n (0 for the file itself).
func invalid(n int, format string, args ...any) error {
	msg := fmt.Sprintf(format, args...)
	if n > 0 {
		msg = fmt.Sprintf("contribution %d: %s", n, msg)
	}
	return fmt.Errorf("%w: %s", ErrInvalid, msg)
}

// Decoder reads an import file — a Mitreden bundle or a GeoJSON
// FeatureCollection — one contribution at a time and checks each against
// the procedure's rules, as if a resident had submitted it, except that
// the participation phase may be over (a workshop's contributions arrive
// later).
type Decoder struct {
	Procedure *model.Procedure
	Limits    geo.Limits
	Now       func() time.Time
}

// Decode reads r and calls fn for each valid contribution. It stops at the
// first invalid one with an error wrapping ErrInvalid that names it.
func (d *Decoder) Decode(r io.Reader, fn func(store.ImportItem) error) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := expectDelim(dec, '{'); err != nil {
		return invalid(0, "the file is not a JSON object (%v)", err)
	}
	var kind string // "bundle" or "geojson"
	n := 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return invalid(0, "%v", err)
		}
		key, _ := tok.(string)
		switch key {
		case "format":
			var v string
			if err := dec.Decode(&v); err != nil || v != BundleFormat {
				return invalid(0, "format must be %q", BundleFormat)
			}
			kind = "bundle"
		case "version":
			var v json.Number
			if err := dec.Decode(&v); err != nil || v.String() != strconv.Itoa(BundleVersion) {
				return invalid(0, "this Mitreden reads bundle version %d only", BundleVersion)
			}
		case "procedure":
			var v string
			if err := dec.Decode(&v); err != nil {
				return invalid(0, "procedure must be a string")
			}
			if v != d.Procedure.Slug {
				return invalid(0, "the bundle belongs to procedure %q, not %q", v, d.Procedure.Slug)
			}
		case "type":
			var v string
			if err := dec.Decode(&v); err != nil || v != "FeatureCollection" {
				return invalid(0, `a GeoJSON import must be a "FeatureCollection"`)
			}
			kind = "geojson"
		case "contributions", "features":
			want := map[string]string{"contributions": "bundle", "features": "geojson"}[key]
			if kind != want {
				return invalid(0, `%q must follow the file's "format" or "type"`, key)
			}
			if err := expectDelim(dec, '['); err != nil {
				return invalid(0, "%q must be an array", key)
			}
			for dec.More() {
				n++
				var it store.ImportItem
				var err error
				if kind == "bundle" {
					it, err = d.bundleItem(dec, n)
				} else {
					it, err = d.feature(dec, n)
				}
				if err != nil {
					return err
				}
				if err := fn(it); err != nil {
					return err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return invalid(0, "%v", err)
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return invalid(0, "%v", err)
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return invalid(0, "%v", err)
	}
	if kind == "" {
		return invalid(0, `neither a Mitreden bundle ("format") nor a GeoJSON FeatureCollection ("type")`)
	}
	if _, err := dec.Token(); err != io.EOF {
		return invalid(0, "unexpected data after the end of the file's object")
	}
	return nil
}

func expectDelim(dec *json.Decoder, want json.Delim) error {
	tok, err := dec.Token()
	if err != nil {
		return err
	}
	if d, ok := tok.(json.Delim); !ok || d != want {
		return fmt.Errorf("expected %q", string(want))
	}
	return nil
}

// bundleItem decodes and checks one bundle contribution.
func (d *Decoder) bundleItem(dec *json.Decoder, n int) (store.ImportItem, error) {
	var it bundleItem
	if err := dec.Decode(&it); err != nil {
		return store.ImportItem{}, invalid(n, "%v", err)
	}
	id, err := uuid.Parse(it.ID)
	if err != nil || id.String() != it.ID {
		return store.ImportItem{}, invalid(n, "id must be a UUID in canonical form")
	}
	status := model.ContributionStatus(it.Status)
	switch status {
	case model.Published, model.Submitted, model.Hidden:
	case "":
		status = model.Published
	default:
		return store.ImportItem{}, invalid(n, "status %q cannot be imported (published, submitted or hidden)", it.Status)
	}
	origin := it.Origin
	if origin == "" {
		origin = "import"
	}
	if it.Up < 0 || it.Down < 0 || it.Up > 1_000_000 || it.Down > 1_000_000 {
		return store.ImportItem{}, invalid(n, "rating counts must be between 0 and 1000000")
	}
	c, err := d.contribution(n, it.ID, it.Category, it.Type, it.Title, it.Text, it.AuthorName, origin, it.Geometry)
	if err != nil {
		return store.ImportItem{}, err
	}
	c.Status, c.Up, c.Down = status, it.Up, it.Down
	if c.CreatedAt, err = d.stamp(it.CreatedAt); err != nil {
		return store.ImportItem{}, invalid(n, "created_at: %v", err)
	}
	if c.UpdatedAt, err = d.stamp(it.UpdatedAt); err != nil {
		return store.ImportItem{}, invalid(n, "updated_at: %v", err)
	}
	if c.UpdatedAt.Before(c.CreatedAt) {
		c.UpdatedAt = c.CreatedAt
	}
	if len(it.Comments) > 10_000 {
		return store.ImportItem{}, invalid(n, "more than 10000 comments")
	}
	seen := map[int64]bool{}
	var comments []model.Comment
	for i, m := range it.Comments {
		text, author := model.Normalize(m.Text), model.Normalize(m.AuthorName)
		if errs := model.ValidateComment(text, author); len(errs) > 0 {
			return store.ImportItem{}, invalid(n, "comment %d: %v", i+1, errs)
		}
		if m.ID == 0 || seen[m.ID] {
			return store.ImportItem{}, invalid(n, "comment %d: id must be set and unique", i+1)
		}
		if m.ParentID != 0 && !seen[m.ParentID] {
			return store.ImportItem{}, invalid(n, "comment %d: parent_id must name an earlier comment", i+1)
		}
		seen[m.ID] = true
		at, err := d.stamp(m.CreatedAt)
		if err != nil {
			return store.ImportItem{}, invalid(n, "comment %d: created_at: %v", i+1, err)
		}
		comments = append(comments, model.Comment{ID: m.ID, ParentID: m.ParentID, Text: text, AuthorName: author,
			Status: model.Published, CreatedAt: at})
	}
	return store.ImportItem{Key: "bundle:" + it.ID, Contribution: c, Comments: comments}, nil
}

// geoFeature is a GeoJSON Feature of a contribution.
type geoFeature struct {
	Type       string          `json:"type"`
	ID         json.RawMessage `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties struct {
		Title      string `json:"title"`
		Text       string `json:"text"`
		Category   string `json:"category"`
		Type       string `json:"type"`
		AuthorName string `json:"author_name"`
		CreatedAt  string `json:"created_at"`
	} `json:"properties"`
}

// feature decodes and checks one GeoJSON Feature. Its import key is its
// "id" member, or a digest of its content when it has none, so importing
// the same file twice adds nothing.
func (d *Decoder) feature(dec *json.Decoder, n int) (store.ImportItem, error) {
	var f geoFeature
	if err := dec.Decode(&f); err != nil {
		return store.ImportItem{}, invalid(n, "%v", err)
	}
	if f.Type != "Feature" {
		return store.ImportItem{}, invalid(n, `"type" must be "Feature"`)
	}
	p := f.Properties
	var key string
	switch id := strings.TrimSpace(string(f.ID)); {
	case id == "" || id == "null":
		h := sha256.New()
		for _, s := range []string{string(f.Geometry), p.Category, p.Type, p.Title, p.Text, p.AuthorName} {
			h.Write([]byte(s))
			h.Write([]byte{0})
		}
		key = "geojson:sha256:" + hex.EncodeToString(h.Sum(nil))
	case len(id) > 200:
		return store.ImportItem{}, invalid(n, `"id" is longer than 200 characters`)
	default:
		var s string
		var num json.Number
		if json.Unmarshal(f.ID, &s) != nil && json.Unmarshal(f.ID, &num) != nil {
			return store.ImportItem{}, invalid(n, `"id" must be a string or a number`)
		}
		key = "geojson:id:" + s + num.String()
	}
	// A UUID id (as Mitreden's own GeoJSON export writes) is kept, so a
	// contribution travelling between instances stays one contribution.
	id := uuid.NewString()
	if u, err := uuid.Parse(strings.Trim(string(f.ID), `"`)); err == nil && `"`+u.String()+`"` == string(f.ID) {
		id = u.String()
	}
	c, err := d.contribution(n, id, p.Category, p.Type, p.Title, p.Text, p.AuthorName, "import", f.Geometry)
	if err != nil {
		return store.ImportItem{}, err
	}
	c.Status = model.Published
	if c.CreatedAt, err = d.stamp(p.CreatedAt); err != nil {
		return store.ImportItem{}, invalid(n, "created_at: %v", err)
	}
	c.UpdatedAt = c.CreatedAt
	return store.ImportItem{Key: key, Contribution: c}, nil
}

// contribution checks the fields shared by both formats.
func (d *Decoder) contribution(n int, id, category, typ, title, text, author, origin string, rawGeom json.RawMessage) (*model.Contribution, error) {
	g, err := geo.ParseGeometry(rawGeom, d.Limits)
	if err == nil && g != nil {
		err = geo.Validate(g, d.Procedure.Area, d.Limits)
	}
	if err != nil {
		return nil, invalid(n, "geometry: %v", err)
	}
	in := model.ContributionInput{Title: model.Normalize(title), Text: model.Normalize(text), Category: category,
		Type: typ, AuthorName: model.Normalize(author), Origin: origin, GeometryType: "none"}
	if g != nil {
		in.GeometryType = g.GeoJSONType()
	}
	var errs model.Errors
	for _, e := range d.Procedure.ValidateContribution(in, d.now()) {
		if e.Field != "phase" {
			errs = append(errs, e)
		}
	}
	if len(errs) > 0 {
		return nil, invalid(n, "%v", errs)
	}
	return &model.Contribution{ID: id, ProcedureID: d.Procedure.ID, Category: in.Category, Type: in.Type,
		Title: in.Title, Text: in.Text, Geometry: g, AuthorName: in.AuthorName, Origin: in.Origin}, nil
}

func (d *Decoder) now() time.Time {
	if d.Now == nil {
		return time.Now()
	}
	return d.Now()
}

// stamp parses an RFC 3339 time; empty means now. Times in the future are
// refused (a clock gone wrong on a workshop laptop must not sort first).
func (d *Decoder) stamp(s string) (time.Time, error) {
	if s == "" {
		return d.now().UTC(), nil
	}
	t, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		return time.Time{}, errors.New("not an RFC 3339 time")
	}
	if t.After(d.now().Add(24 * time.Hour)) {
		return time.Time{}, errors.New("lies in the future")
	}
	if t.Year() < 2000 {
		return time.Time{}, errors.New("lies before the year 2000")
	}
	return t.UTC(), nil
}

// Import reads an import file into the procedure, committing in batches.
// Contributions already present (same bundle id, same GeoJSON id or
// content) are skipped, so a repeated import adds nothing. On an invalid
// contribution it stops; the batches before it stay imported and a second
// run after the fix skips them.
func Import(ctx context.Context, st *store.Store, d *Decoder, r io.Reader, progress func(store.ImportResult)) (store.ImportResult, error) {
	const batch = 500
	var total store.ImportResult
	var items []store.ImportItem
	keys := map[string]bool{}
	flush := func() error {
		if len(items) == 0 {
			return nil
		}
		res, err := st.ImportContributions(ctx, d.Procedure.ID, items)
		if err != nil {
			return err
		}
		total.Added += res.Added
		total.Skipped += res.Skipped
		total.Comments += res.Comments
		items = items[:0]
		if progress != nil {
			progress(total)
		}
		return nil
	}
	err := d.Decode(r, func(it store.ImportItem) error {
		if keys[it.Key] { // the same item twice in one file
			total.Skipped++
			return nil
		}
		keys[it.Key] = true
		items = append(items, it)
		if len(items) >= batch {
			return flush()
		}
		return nil
	})
	if err != nil {
		return total, err
	}
	return total, flush()
}
