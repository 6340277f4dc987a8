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
	"unicode/utf8"

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
			n, err := 0, dec.Decode(&v)
			if err == nil {
				n, err = strconv.Atoi(v.String())
			}
			if err != nil || n < 1 || n > BundleVersion {
				return invalid(0, "this Mitreden reads bundle versions 1 to %d", BundleVersion)
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
	case model.Published, model.Submitted, model.Hidden, model.Withdrawn:
		if it.MergedInto != "" {
			return store.ImportItem{}, invalid(n, "merged_into is only for status merged")
		}
	case model.Merged:
		if u, err := uuid.Parse(it.MergedInto); err != nil || u.String() != it.MergedInto || it.MergedInto == it.ID {
			return store.ImportItem{}, invalid(n, "merged_into must name another contribution by its UUID")
		}
	case "":
		status = model.Published
	default:
		return store.ImportItem{}, invalid(n, "status %q cannot be imported (published, submitted, hidden, merged or withdrawn)", it.Status)
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
	c.Status, c.Up, c.Down, c.MergedInto = status, it.Up, it.Down, it.MergedInto
	if c.Reason, err = d.short(it.Reason, 1000); err != nil {
		return store.ImportItem{}, invalid(n, "reason: %v", err)
	}
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
	out := store.ImportItem{Key: "bundle:" + it.ID, Contribution: c}
	if out.Flags, err = d.flags(0, it.Flags); err != nil {
		return store.ImportItem{}, invalid(n, "%v", err)
	}
	seen := map[int64]bool{}
	for i, m := range it.Comments {
		text, author := model.Normalize(m.Text), model.Normalize(m.AuthorName)
		if errs := model.ValidateComment(text, author); len(errs) > 0 {
			return store.ImportItem{}, invalid(n, "comment %d: %v", i+1, errs)
		}
		if m.ID <= 0 || seen[m.ID] {
			return store.ImportItem{}, invalid(n, "comment %d: id must be set and unique", i+1)
		}
		if m.ParentID != 0 && !seen[m.ParentID] {
			return store.ImportItem{}, invalid(n, "comment %d: parent_id must name an earlier comment", i+1)
		}
		seen[m.ID] = true
		st := model.ContributionStatus(m.Status)
		switch st {
		case model.Published, model.Hidden, model.Submitted:
		case "":
			st = model.Published
		default:
			return store.ImportItem{}, invalid(n, "comment %d: status %q cannot be imported (published, submitted or hidden)", i+1, m.Status)
		}
		at, err := d.stamp(m.CreatedAt)
		if err != nil {
			return store.ImportItem{}, invalid(n, "comment %d: created_at: %v", i+1, err)
		}
		out.Comments = append(out.Comments, model.Comment{ID: m.ID, ParentID: m.ParentID, Text: text, AuthorName: author,
			Status: st, CreatedAt: at})
		fl, err := d.flags(m.ID, m.Flags)
		if err != nil {
			return store.ImportItem{}, invalid(n, "comment %d: %v", i+1, err)
		}
		out.Flags = append(out.Flags, fl...)
	}
	if len(it.Responses) > 1000 {
		return store.ImportItem{}, invalid(n, "more than 1000 responses")
	}
	for i, r := range it.Responses {
		text := model.Normalize(r.Text)
		if text == "" || len(text) > 100_000 {
			return store.ImportItem{}, invalid(n, "response %d: the text must hold 1 to 100000 bytes", i+1)
		}
		author, err := d.short(r.Author, 200)
		if err != nil {
			return store.ImportItem{}, invalid(n, "response %d: author: %v", i+1, err)
		}
		at, err := d.stamp(r.CreatedAt)
		if err != nil {
			return store.ImportItem{}, invalid(n, "response %d: created_at: %v", i+1, err)
		}
		out.Responses = append(out.Responses, model.Response{TextMD: text, Author: author, CreatedAt: at})
	}
	if it.Ratings != nil {
		if len(*it.Ratings) > 2_000_000 {
			return store.ImportItem{}, invalid(n, "more than 2000000 ratings")
		}
		voters := map[string]bool{}
		for i, r := range *it.Ratings {
			h, err := hex.DecodeString(r.Voter)
			if err != nil || len(h) == 0 || len(h) > 64 {
				return store.ImportItem{}, invalid(n, "rating %d: voter must be a hash in hex (1 to 64 bytes)", i+1)
			}
			if r.Value != 1 && r.Value != -1 {
				return store.ImportItem{}, invalid(n, "rating %d: value must be 1 or -1", i+1)
			}
			if voters[string(h)] {
				return store.ImportItem{}, invalid(n, "rating %d: the voter rated twice", i+1)
			}
			voters[string(h)] = true
			at, err := d.stamp(r.CreatedAt)
			if err != nil {
				return store.ImportItem{}, invalid(n, "rating %d: created_at: %v", i+1, err)
			}
			out.Ratings = append(out.Ratings, store.Rating{Voter: h, Value: r.Value, CreatedAt: at})
		}
	}
	return out, nil
}

// flags checks the reports on a contribution (comment 0) or a comment.
func (d *Decoder) flags(comment int64, in []bundleFlag) ([]store.Flag, error) {
	if len(in) > 10_000 {
		return nil, errors.New("more than 10000 reports")
	}
	var out []store.Flag
	for i, f := range in {
		reason, err := d.short(f.Reason, 500)
		if err != nil {
			return nil, fmt.Errorf("report %d: reason: %v", i+1, err)
		}
		by, err := d.short(f.ResolvedBy, 200)
		if err != nil {
			return nil, fmt.Errorf("report %d: resolved_by: %v", i+1, err)
		}
		at, err := d.stamp(f.CreatedAt)
		if err != nil {
			return nil, fmt.Errorf("report %d: created_at: %v", i+1, err)
		}
		x := store.Flag{CommentID: comment, Reason: reason, CreatedAt: at, ResolvedBy: by}
		if f.ResolvedAt != "" {
			if x.ResolvedAt, err = d.stamp(f.ResolvedAt); err != nil {
				return nil, fmt.Errorf("report %d: resolved_at: %v", i+1, err)
			}
		}
		out = append(out, x)
	}
	return out, nil
}

// short normalises a short text and checks its length in characters.
func (d *Decoder) short(s string, max int) (string, error) {
	s = model.Normalize(s)
	if utf8.RuneCountInString(s) > max {
		return "", fmt.Errorf("longer than %d characters", max)
	}
	return s, nil
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

// Store is what an import writes to: batches of contributions with what
// they carry, each batch in one transaction, skipping what is already
// there. The SQLite store (internal/store) satisfies it; a second store
// satisfies it beside it.
type Store interface {
	ImportContributions(ctx context.Context, procedureID int64, items []store.ImportItem) (store.ImportResult, error)
}

// Import reads an import file into the procedure, committing in batches.
// Contributions already present (same bundle id, same GeoJSON id or
// content) are not added again, but what a bundle carries with them that
// is new here (comments, responses, ratings, reports) is merged in; a
// repeated import adds nothing. On an invalid
// contribution it stops; the batches before it stay imported and a second
// run after the fix skips them.
func Import(ctx context.Context, st Store, d *Decoder, r io.Reader, progress func(store.ImportResult)) (store.ImportResult, error) {
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
		total.Responses += res.Responses
		total.Ratings += res.Ratings
		total.Flags += res.Flags
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
