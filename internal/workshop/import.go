package workshop

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math"
	"strconv"
	"time"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// ErrInvalid wraps every complaint about an import file's content.
var ErrInvalid = errors.New("invalid import file")

// ErrUnsigned is an unsigned bundle refused because Decoder.RequireSigned.
var ErrUnsigned = errors.New("the bundle is not signed; unsigned bundles are refused unless allowed explicitly")

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
	// Key checks signed bundles (SignedBundleVersion); without it a signed
	// bundle is refused.
	Key []byte
	// RequireSigned refuses unsigned bundles (versions 1 and 2). GeoJSON
	// files are not bundles and stay accepted.
	RequireSigned bool
}

// Decode reads r and calls fn for each valid contribution. It stops at the
// first invalid one with an error wrapping ErrInvalid that names it. In a
// signed bundle it checks every record's signature and the file's, goes on
// past records that fail to list them all, and returns a *TamperError
// after the last when any did; a caller must not keep what fn saw before
// Decode returns nil (Import writes a signed bundle in one transaction at
// the end).
func (d *Decoder) Decode(r io.Reader, fn func(store.ImportItem) error) error {
	dec := json.NewDecoder(r)
	dec.UseNumber()
	if err := expectDelim(dec, '{'); err != nil {
		return invalid(0, "the file is not a JSON object (%v)", err)
	}
	var kind string // "bundle" or "geojson"
	var sig *signedState
	var exportedAt string
	version, n := 0, 0
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return sig.broken(n, readError{err})
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
			err := dec.Decode(&v)
			if err == nil {
				version, err = strconv.Atoi(v.String())
			}
			if err != nil || version < 1 || version > SignedBundleVersion {
				return invalid(0, "this Mitreden reads bundle versions 1 to %d", SignedBundleVersion)
			}
			if version < SignedBundleVersion && d.RequireSigned {
				return fmt.Errorf("%w: %w (version %d)", ErrInvalid, ErrUnsigned, version)
			}
			if version == SignedBundleVersion && d.Key == nil {
				return invalid(0, "the bundle is signed; the bundle key is needed to check and import it")
			}
		case "procedure":
			var v string
			if err := dec.Decode(&v); err != nil {
				return invalid(0, "procedure must be a string")
			}
			if v != d.Procedure.Slug {
				return invalid(0, "the bundle belongs to procedure %q, not %q", v, d.Procedure.Slug)
			}
		case "exported_at":
			if err := dec.Decode(&exportedAt); err != nil {
				return invalid(0, "exported_at must be a string")
			}
		case "signature":
			var v bundleSignature
			if err := dec.Decode(&v); err != nil {
				return invalid(0, "signature: %v", err)
			}
			if version != SignedBundleVersion || v.Alg != "HMAC-SHA256" {
				return invalid(0, "signature: only HMAC-SHA256 in bundle version %d is known", SignedBundleVersion)
			}
			if want := KeyID(d.Key); v.KeyID != want {
				return &TamperError{[]Problem{{Why: fmt.Sprintf("signed with another key (key id %q; the key given here has %q): the bundle comes from an instance that does not share this key", v.KeyID, want)}}}
			}
			sig = &signedState{key: d.Key, slug: d.Procedure.Slug, file: newFileMAC(d.Key, d.Procedure.Slug, exportedAt)}
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
			if kind == "bundle" && version == 0 && d.RequireSigned {
				return fmt.Errorf("%w: %w", ErrInvalid, ErrUnsigned)
			}
			if version == SignedBundleVersion && sig == nil {
				return invalid(0, `a signed bundle names its key ("signature") before its contributions`)
			}
			if err := expectDelim(dec, '['); err != nil {
				return invalid(0, "%q must be an array", key)
			}
			for dec.More() {
				n++
				var it store.ImportItem
				var err error
				switch {
				case sig != nil:
					var ok bool
					if it, ok, err = d.signedItem(dec, sig, n); err == nil && !ok {
						continue
					}
				case kind == "bundle":
					it, err = d.bundleItem(dec, n)
				default:
					it, err = d.feature(dec, n)
				}
				if err != nil {
					return sig.broken(n, err)
				}
				if err := fn(it); err != nil {
					return err
				}
			}
			if err := expectDelim(dec, ']'); err != nil {
				return sig.broken(n, readError{err})
			}
		case "count", "mac":
			if sig == nil {
				return invalid(0, "%q belongs to a signed bundle", key)
			}
			if err := sig.trailer(dec, key); err != nil {
				return sig.broken(n, readError{err})
			}
		default:
			var skip json.RawMessage
			if err := dec.Decode(&skip); err != nil {
				return sig.broken(n, readError{err})
			}
		}
	}
	if err := expectDelim(dec, '}'); err != nil {
		return sig.broken(n, readError{err})
	}
	if kind == "" {
		return invalid(0, `neither a Mitreden bundle ("format") nor a GeoJSON FeatureCollection ("type")`)
	}
	if _, err := dec.Token(); err != io.EOF {
		return sig.broken(n, readError{errors.New("unexpected data after the end of the file's object")})
	}
	if sig != nil {
		return sig.finish(n)
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
	batch := 500
	if d.Key != nil {
		// a signed bundle is written only after its last signature is
		// checked, in one transaction
		batch = math.MaxInt
	}
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
