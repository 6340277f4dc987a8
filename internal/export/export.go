// Package export writes a procedure's contributions for planners and GIS
// users: CSV, XLSX, GeoJSON, GeoPackage, the synopsis table and the
// workshop bundle. Every format streams the store's rows one at a time,
// so memory stays flat however many contributions a procedure holds.
package export

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb/encoding/wkt"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Format is an export format.
type Format string

// The formats.
const (
	CSV      Format = "csv"
	CSVDE    Format = "csv-de" // German spreadsheets: ";", CRLF, decimal commas
	XLSX     Format = "xlsx"
	GeoJSON  Format = "geojson"
	GPKG     Format = "gpkg"
	Synopsis Format = "synopsis"
	Bundle   Format = "bundle"
)

// Formats lists every format in the order help texts show them.
var Formats = []Format{CSV, CSVDE, XLSX, GeoJSON, GPKG, Synopsis, Bundle}

// ErrUnknownFormat is returned by ParseFormat.
var ErrUnknownFormat = errors.New("export: unknown format")

// ParseFormat accepts the names in Formats.
func ParseFormat(s string) (Format, error) {
	for _, f := range Formats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w %q (csv, csv-de, xlsx, geojson, gpkg, synopsis or bundle)", ErrUnknownFormat, s)
}

// Ext is the file name extension of the format.
func (f Format) Ext() string {
	switch f {
	case CSVDE:
		return "de.csv"
	case Synopsis:
		return "synopsis.xlsx"
	case Bundle:
		return "bundle.json"
	}
	return string(f)
}

// ContentType is the media type of the format.
func (f Format) ContentType() string {
	switch f {
	case CSV, CSVDE:
		return "text/csv; charset=utf-8"
	case XLSX, Synopsis:
		return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	case GeoJSON:
		return "application/geo+json"
	case GPKG:
		return "application/geopackage+sqlite3"
	case Bundle:
		return "application/json"
	}
	return "application/octet-stream"
}

// Options adjust an export.
type Options struct {
	// Locale of category labels and of the column headings of the
	// spreadsheet formats (CSV, GeoJSON and GeoPackage keep stable
	// machine-readable column names).
	Locale string
	// T translates message ids for headings; nil shows the ids.
	T func(id string) string
	// Progress, when set, is called with the rows written so far and the total.
	Progress func(done, total int)
	// Now stamps the export (bundle, GeoPackage); zero means time.Now.
	Now time.Time
	// BundleKey signs a bundle (workshop.SignedBundleVersion); nil writes
	// an unsigned one.
	BundleKey []byte
}

func (o *Options) t(id string) string {
	if o.T == nil {
		return id
	}
	return o.T(id)
}

func (o *Options) now() time.Time {
	if o.Now.IsZero() {
		return time.Now().UTC()
	}
	return o.Now.UTC()
}

// Store is what an export reads of the data store: the procedure's rows,
// streamed in order, and how many there are (for progress). The SQLite
// store (internal/store) satisfies it; a second store satisfies it beside
// it.
type Store interface {
	CountExportable(ctx context.Context, procedureID int64) (int, error)
	CountBundle(ctx context.Context, procedureID int64) (int, error)
	StreamContributions(ctx context.Context, procedureID int64, opt store.ExportOptions, fn func(*store.ExportRow) error) error
}

// Write writes the procedure's export in format f to w.
func Write(ctx context.Context, st Store, f Format, p *model.Procedure, w io.Writer, opt Options) error {
	if f == GPKG {
		// A GeoPackage is a SQLite file: build it on disk, then copy it.
		dir, err := os.MkdirTemp("", "mitreden-export-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		path := filepath.Join(dir, "export.gpkg")
		if err := writeGPKG(ctx, st, p, path, opt); err != nil {
			return err
		}
		fh, err := os.Open(path)
		if err != nil {
			return err
		}
		defer fh.Close()
		_, err = io.Copy(w, fh)
		return err
	}
	s := newStream(ctx, st, p, opt)
	switch f {
	case CSV, CSVDE:
		return writeCSV(s, w, f == CSVDE)
	case XLSX:
		return writeXLSX(s, w)
	case GeoJSON:
		return writeGeoJSON(s, w)
	case Synopsis:
		return writeSynopsis(s, w)
	case Bundle:
		return writeBundle(s, w)
	}
	return fmt.Errorf("%w %q", ErrUnknownFormat, f)
}

// WriteFile writes the export to path, atomically: the file appears
// complete or not at all.
func WriteFile(ctx context.Context, st Store, f Format, p *model.Procedure, path string, opt Options) (err error) {
	tmp := path + ".part"
	defer func() {
		if err != nil {
			os.Remove(tmp)
		}
	}()
	if f == GPKG {
		os.Remove(tmp)
		if err := writeGPKG(ctx, st, p, tmp, opt); err != nil {
			return err
		}
		return os.Rename(tmp, path)
	}
	fh, err := os.OpenFile(tmp, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, 0o644)
	if err != nil {
		return err
	}
	if err := Write(ctx, st, f, p, fh, opt); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Sync(); err != nil {
		fh.Close()
		return err
	}
	if err := fh.Close(); err != nil {
		return err
	}
	return os.Rename(tmp, path)
}

// stream feeds the rows of one export with progress reporting.
type stream struct {
	ctx  context.Context
	st   Store
	p    *model.Procedure
	opt  Options
	done int
}

func newStream(ctx context.Context, st Store, p *model.Procedure, opt Options) *stream {
	return &stream{ctx: ctx, st: st, p: p, opt: opt}
}

// each calls fn for every row; discussion adds comments and responses.
func (s *stream) each(discussion bool, fn func(*store.ExportRow) error) error {
	return s.run(store.ExportOptions{Discussion: discussion}, fn)
}

// eachAll calls fn for every row with everything a bundle carries.
func (s *stream) eachAll(fn func(*store.ExportRow) error) error {
	return s.run(store.ExportOptions{All: true}, fn)
}

func (s *stream) run(opt store.ExportOptions, fn func(*store.ExportRow) error) error {
	total := 0
	if s.opt.Progress != nil {
		count := s.st.CountExportable
		if opt.All {
			count = s.st.CountBundle
		}
		n, err := count(s.ctx, s.p.ID)
		if err != nil {
			return err
		}
		total = n
		s.opt.Progress(0, total)
	}
	err := s.st.StreamContributions(s.ctx, s.p.ID, opt, func(r *store.ExportRow) error {
		if err := s.ctx.Err(); err != nil {
			return err
		}
		if err := fn(r); err != nil {
			return err
		}
		s.done++
		if s.opt.Progress != nil && (s.done%1000 == 0 || s.done == total) {
			s.opt.Progress(s.done, total)
		}
		return nil
	})
	if err == nil && s.opt.Progress != nil {
		s.opt.Progress(s.done, max(total, s.done))
	}
	return err
}

// column is one field of the tabular formats.
type column struct {
	key  string // machine name (CSV header, GeoJSON property, GeoPackage column)
	text bool   // free text a spreadsheet could mistake for a formula
	num  bool   // integer or real
	get  func(p *model.Procedure, locale string, c *model.Contribution) string
}

// columns are the tabular fields, geometry aside.
var columns = []column{
	{key: "id", get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.ID }},
	{key: "category", text: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.Category }},
	{key: "category_label", text: true, get: func(p *model.Procedure, l string, c *model.Contribution) string {
		return p.CategoryLabel(c.Category, l)
	}},
	{key: "type", text: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.Type }},
	{key: "type_label", text: true, get: func(p *model.Procedure, l string, c *model.Contribution) string {
		if c.Type == "" {
			return ""
		}
		return p.TypeLabel(c.Type, l)
	}},
	{key: "title", text: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.Title }},
	{key: "text", text: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.Text }},
	{key: "author_name", text: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.AuthorName }},
	{key: "origin", text: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.Origin }},
	{key: "status", get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return string(c.Status) }},
	{key: "reason", text: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.Reason }},
	{key: "rating_up", num: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return strconv.Itoa(c.Up) }},
	{key: "rating_down", num: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return strconv.Itoa(c.Down) }},
	{key: "comment_count", num: true, get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return strconv.Itoa(c.Comments) }},
	{key: "geometry_type", get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return c.GeometryType() }},
	{key: "created_at", get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return stamp(c.CreatedAt) }},
	{key: "updated_at", get: func(_ *model.Procedure, _ string, c *model.Contribution) string { return stamp(c.UpdatedAt) }},
}

// stamp formats a time as RFC 3339 in UTC.
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339) }

// coords returns the centre and WKT of a contribution's geometry ("" when it has none).
func coords(c *model.Contribution) (lon, lat, wktText string) {
	if c.Geometry == nil {
		return "", "", ""
	}
	ctr := c.Geometry.Bound().Center()
	return strconv.FormatFloat(ctr[0], 'f', 7, 64), strconv.FormatFloat(ctr[1], 'f', 7, 64), wkt.MarshalString(c.Geometry)
}

// SafeCell makes s safe for a spreadsheet cell: invalid UTF-8 becomes
// U+FFFD, line breaks become \n, and every part of the text a spreadsheet
// could take for a cell of its own — the whole text, and whatever follows a
// ",", ";", tab or line break, because German Excel and LibreOffice split a
// .csv at ";" and a file opened with the other separator breaks lines
// inside quotes — gets an apostrophe before it when it would start a
// formula: = + - @ or a tab, after any quotes and spaces (OWASP's advice
// against CSV injection, applied to every part). So no field starts like a
// formula whichever of the separators the program splits at.
func SafeCell(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	var b strings.Builder
	b.Grow(len(s) + 1)
	if s != "" && s[0] == '\n' { // a leading line break (once a carriage return) as before
		b.WriteByte('\'')
	}
	start := true
	for i := 0; i < len(s); i++ {
		if start {
			j := i
			for j < len(s) && (s[j] == '"' || s[j] == ' ') {
				j++
			}
			if j < len(s) && formulaStart(s[j]) {
				b.WriteByte('\'')
			}
			start = false
		}
		b.WriteByte(s[i])
		start = CellSeparator(s[i])
	}
	return b.String()
}

// formulaStart reports whether a cell starting with c is evaluated.
func formulaStart(c byte) bool {
	switch c {
	case '=', '+', '-', '@', '\t':
		return true
	}
	return false
}

// CellSeparator reports whether a spreadsheet may end a cell at c: the
// separators of CSV files in any locale (",", ";", tab) and line breaks.
func CellSeparator(c byte) bool {
	switch c {
	case ',', ';', '\t', '\n', '\r':
		return true
	}
	return false
}
