package export_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"
	"github.com/xuri/excelize/v2"

	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/workshop"
)

type fixture struct {
	st        *store.Store
	p         *model.Procedure
	formula   *model.Contribution // title starts with "=", text has quotes and line breaks
	noPlace   *model.Contribution
	hidden    *model.Contribution
	withdrawn *model.Contribution
	polygon   *model.Contribution
	exported  int // how many an export holds
}

func openStore(t testing.TB) *store.Store {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "export.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	return st
}

func newProcedure(t testing.TB, st *store.Store) *model.Procedure {
	t.Helper()
	now := time.Now()
	p := model.Procedure{Slug: "park", Title: "Park am Fluss", SummaryMD: "Ein Park.", Settings: model.DefaultSettings(),
		Area:   orb.Polygon{{{9.9, 53.5}, {10.0, 53.5}, {10.0, 53.6}, {9.9, 53.6}, {9.9, 53.5}}},
		Phases: []model.Phase{{Kind: model.PhaseParticipation, StartsAt: now.Add(-time.Hour), EndsAt: now.Add(time.Hour)}},
		Categories: []model.Category{{Key: "gruen", Label: model.Labels{"de": "Grün", "en": "Green"}, Colour: "#2e7d32"},
			{Key: "verkehr", Label: model.Labels{"de": "Verkehr", "en": "Traffic"}, Colour: "#1f5fa8"}}}
	if _, err := st.CreateProcedure(context.Background(), store.ProcedureSeed{Procedure: p}); err != nil {
		t.Fatal(err)
	}
	got, err := st.ProcedureBySlug(context.Background(), p.Slug)
	if err != nil {
		t.Fatal(err)
	}
	return got
}

func add(t testing.TB, st *store.Store, p *model.Procedure, title, text string, g orb.Geometry, at time.Time) *model.Contribution {
	t.Helper()
	c := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: title, Text: text,
		Geometry: g, AuthorName: "Anna", Origin: "online", Status: model.Published, CreatedAt: at, UpdatedAt: at}
	if err := st.InsertContribution(context.Background(), c, nil, ""); err != nil {
		t.Fatal(err)
	}
	return c
}

func setStatus(t testing.TB, st *store.Store, c *model.Contribution, s model.ContributionStatus) {
	t.Helper()
	if _, err := st.UpdateContribution(context.Background(), c.ID, func(x *model.Contribution) error {
		x.Status, x.Reason = s, "Doppelt"
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	c.Status = s
}

func newFixture(t testing.TB, extra int) *fixture {
	t.Helper()
	ctx := context.Background()
	st := openStore(t)
	p := newProcedure(t, st)
	f := &fixture{st: st, p: p}
	at := time.Date(2026, 11, 2, 10, 0, 0, 0, time.UTC)
	f.formula = add(t, st, p, "=HYPERLINK(\"http://evil\")", "Er sagte: \"Hier, bitte\"\nzweite Zeile; dritte, mit Komma", orb.Point{9.95, 53.55}, at)
	f.noPlace = add(t, st, p, "Ohne Ort", "Ein Beitrag ganz ohne Ort auf der Karte.", nil, at.Add(time.Minute))
	f.polygon = add(t, st, p, "Fläche", "Diese Fläche soll grün werden, bitte.",
		orb.Polygon{{{9.93, 53.52}, {9.94, 53.52}, {9.94, 53.53}, {9.93, 53.53}, {9.93, 53.52}}}, at.Add(2*time.Minute))
	f.hidden = add(t, st, p, "Versteckt", "Dieser Beitrag wurde moderiert.", orb.LineString{{9.91, 53.51}, {9.92, 53.52}}, at.Add(3*time.Minute))
	setStatus(t, st, f.hidden, model.Hidden)
	f.withdrawn = add(t, st, p, "Zurückgezogen", "Den habe ich zurückgezogen.", orb.Point{9.96, 53.56}, at.Add(4*time.Minute))
	setStatus(t, st, f.withdrawn, model.Withdrawn)
	for i := 0; i < extra; i++ {
		add(t, st, p, "Beitrag "+strconv.Itoa(i), "Ein weiterer Beitrag mit Text.", orb.Point{9.9 + float64(i%100)/1000, 53.5 + float64(i%90)/1000}, at.Add(time.Duration(5+i)*time.Minute))
	}
	f.exported = 4 + extra
	first := model.Comment{ContributionID: f.formula.ID, Text: "Sehe ich auch so!", AuthorName: "Ben", CreatedAt: at.Add(time.Hour)}
	if err := st.AddComment(ctx, &first); err != nil {
		t.Fatal(err)
	}
	if err := st.AddComment(ctx, &model.Comment{ContributionID: f.formula.ID, ParentID: first.ID, Text: "Ich nicht.", CreatedAt: at.Add(2 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddComment(ctx, &model.Comment{ContributionID: f.polygon.ID, Text: "Gute Idee für die Fläche.", CreatedAt: at.Add(3 * time.Hour)}); err != nil {
		t.Fatal(err)
	}
	if err := st.AddResponse(ctx, f.polygon.ID, &model.Response{Author: "Bezirksamt", TextMD: "Wir prüfen das.", CreatedAt: at.Add(4 * time.Hour)}, 0); err != nil {
		t.Fatal(err)
	}
	// the procedure again, for its version
	if f.p, _ = st.ProcedureBySlug(ctx, p.Slug); f.p == nil {
		t.Fatal("procedure gone")
	}
	return f
}

func write(t *testing.T, f *fixture, format export.Format, opt export.Options) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := export.Write(context.Background(), f.st, format, f.p, &buf, opt); err != nil {
		t.Fatalf("%s: %v", format, err)
	}
	return buf.Bytes()
}

func readCSV(t *testing.T, b []byte) [][]string {
	t.Helper()
	if !bytes.HasPrefix(b, []byte("\uFEFF")) {
		t.Fatal("CSV has no byte order mark")
	}
	recs, err := csv.NewReader(bytes.NewReader(b[3:])).ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	return recs
}

func TestCSVHoldsEveryExportableContributionSafely(t *testing.T) {
	f := newFixture(t, 3)
	recs := readCSV(t, write(t, f, export.CSV, export.Options{Locale: "en"}))
	if len(recs) != f.exported+1 {
		t.Fatalf("%d records, want header + %d", len(recs), f.exported)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, k := range []string{"id", "title", "text", "status", "category_label", "wkt", "lon", "lat", "comment_count"} {
		if _, ok := col[k]; !ok {
			t.Fatalf("no column %q in %v", k, recs[0])
		}
	}
	byID := map[string][]string{}
	for _, r := range recs[1:] {
		byID[r[col["id"]]] = r
	}
	if _, ok := byID[f.withdrawn.ID]; ok {
		t.Fatal("a withdrawn contribution was exported")
	}
	r := byID[f.formula.ID]
	if r[col["title"]] != "'"+f.formula.Title {
		t.Fatalf("formula title exported as %q", r[col["title"]])
	}
	if r[col["text"]] != f.formula.Text {
		t.Fatalf("text changed on the way: %q", r[col["text"]])
	}
	if r[col["category_label"]] != "Green" || r[col["comment_count"]] != "2" || r[col["wkt"]] != "POINT(9.95 53.55)" {
		t.Fatalf("row %v", r)
	}
	if r := byID[f.noPlace.ID]; r[col["wkt"]] != "" || r[col["lon"]] != "" || r[col["geometry_type"]] != "none" {
		t.Fatalf("contribution without place: %v", r)
	}
	if r := byID[f.hidden.ID]; r[col["status"]] != "hidden" || r[col["reason"]] != "Doppelt" {
		t.Fatalf("hidden contribution: %v", r)
	}
	if r := byID[f.polygon.ID]; !strings.HasPrefix(r[col["wkt"]], "POLYGON((") {
		t.Fatalf("polygon WKT %q", r[col["wkt"]])
	}
}

func TestSafeCell(t *testing.T) {
	for in, want := range map[string]string{
		"=1+1": "'=1+1", "+49 40": "'+49 40", "-x": "'-x", "@SUM(A1)": "'@SUM(A1)", "\tx": "'\tx", "\rx": "'\nx",
		"a\r\nb": "a\nb", "normal": "normal", "": "", "a=b": "a=b", "\xff": "\uFFFD",
	} {
		if got := export.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestXLSXHasLocalisedHeadingsAndEveryRow(t *testing.T) {
	f := newFixture(t, 2)
	tr := map[string]string{"export.col.title": "Titel", "export.sheet.contributions": "Beiträge"}
	b := write(t, f, export.XLSX, export.Options{Locale: "de", T: func(id string) string {
		if s, ok := tr[id]; ok {
			return s
		}
		return id
	}})
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows("Beiträge")
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != f.exported+1 || rows[0][5] != "Titel" {
		t.Fatalf("%d rows, heading %v", len(rows), rows[0])
	}
	found := false
	for _, r := range rows[1:] {
		if r[0] == f.formula.ID {
			found = true
			if r[5] != f.formula.Title || r[6] != f.formula.Text {
				t.Fatalf("row %v", r)
			}
			typ, _ := x.GetCellType("Beiträge", "F"+strconv.Itoa(2))
			formula, _ := x.GetCellFormula("Beiträge", "F2")
			if formula != "" {
				t.Fatalf("title became a formula %q (type %v)", formula, typ)
			}
		}
	}
	if !found {
		t.Fatal("contribution missing")
	}
	// GDAL's XLSX driver reads the same file as a table of the same size
	path := filepath.Join(t.TempDir(), "out.xlsx")
	os.WriteFile(path, b, 0o644)
	if out, ok := ogrinfo(t, "-ro", "-so", "-al", path); ok {
		if !strings.Contains(out, "Feature Count: "+strconv.Itoa(f.exported)) || !strings.Contains(out, "Titel: String") {
			t.Fatalf("ogrinfo on the XLSX:\n%s", out)
		}
	}
}

type gjFeature struct {
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties map[string]any  `json:"properties"`
}

func TestSynopsisCarriesTheDiscussionAndResponses(t *testing.T) {
	f := newFixture(t, 0)
	b := write(t, f, export.Synopsis, export.Options{Locale: "de"})
	x, err := excelize.OpenReader(bytes.NewReader(b))
	if err != nil {
		t.Fatal(err)
	}
	rows, err := x.GetRows(x.GetSheetName(0))
	if err != nil {
		t.Fatal(err)
	}
	if len(rows) != f.exported+1 {
		t.Fatalf("%d rows", len(rows))
	}
	var formula, polygon []string
	for _, r := range rows[1:] {
		switch r[2] {
		case f.formula.Title:
			formula = r
		case f.polygon.Title:
			polygon = r
		}
	}
	if formula == nil || polygon == nil {
		t.Fatalf("rows %v", rows)
	}
	if !strings.Contains(formula[6], "Ben (2026-11-02): Sehe ich auch so!") || !strings.Contains(formula[6], "↳ export.synopsis.anonymous (2026-11-02): Ich nicht.") {
		t.Fatalf("discussion %q", formula[6])
	}
	if len(polygon) < 8 || !strings.Contains(polygon[7], "Bezirksamt (2026-11-02): Wir prüfen das.") || !strings.Contains(polygon[6], "Gute Idee") {
		t.Fatalf("polygon row %q", polygon)
	}
}

func TestBundleRoundTripIsIdempotent(t *testing.T) {
	f := newFixture(t, 2)
	b := write(t, f, export.Bundle, export.Options{})
	ctx := context.Background()
	st2 := openStore(t)
	p2 := newProcedure(t, st2)
	d := &workshop.Decoder{Procedure: p2, Limits: geo.DefaultLimits()}
	res, err := workshop.Import(ctx, st2, d, bytes.NewReader(b), nil)
	if err != nil {
		t.Fatal(err)
	}
	if res.Added != f.exported+1 || res.Comments != 3 || res.Skipped != 0 { // +1: the withdrawn one travels too
		t.Fatalf("first import %+v", res)
	}
	res, err = workshop.Import(ctx, st2, d, bytes.NewReader(b), nil)
	if err != nil || res != (store.ImportResult{Skipped: f.exported + 1}) {
		t.Fatalf("second import %+v, %v", res, err)
	}
	got, err := st2.Contribution(ctx, f.formula.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Title != f.formula.Title || got.Text != f.formula.Text || got.Comments != 2 || !got.CreatedAt.Equal(f.formula.CreatedAt) {
		t.Fatalf("imported %+v", got)
	}
	comments, _ := st2.Comments(ctx, f.formula.ID)
	if len(comments) != 1 || len(comments[0].Replies) != 1 || comments[0].Replies[0].Text != "Ich nicht." {
		t.Fatalf("comments %+v", comments)
	}
	hidden, _ := st2.Contribution(ctx, f.hidden.ID)
	if hidden == nil || hidden.Status != model.Hidden {
		t.Fatalf("hidden arrived as %+v", hidden)
	}
	// the imported contributions are found by the map like any other
	feats, _, _, err := st2.Features(ctx, store.Filter{ProcedureID: p2.ID, BBox: &orb.Bound{Min: orb.Point{9.9, 53.5}, Max: orb.Point{10, 53.6}}, Limit: 100})
	if err != nil || len(feats) != f.exported-2 { // neither the hidden nor the one without place
		t.Fatalf("%d features in the viewport, %v", len(feats), err)
	}
	// and a GeoJSON export of the copy imported back into the first store adds nothing
	var gj bytes.Buffer
	if err := export.Write(ctx, st2, export.GeoJSON, p2, &gj, export.Options{}); err != nil {
		t.Fatal(err)
	}
	res, err = workshop.Import(ctx, f.st, &workshop.Decoder{Procedure: f.p, Limits: geo.DefaultLimits()}, &gj, nil)
	if err != nil || res.Added != 0 {
		t.Fatalf("GeoJSON back into the source: %+v, %v", res, err)
	}
}

func TestWriteFileIsAtomic(t *testing.T) {
	f := newFixture(t, 50)
	dir := t.TempDir()
	for _, format := range export.Formats {
		path := filepath.Join(dir, "out."+format.Ext())
		ctx, cancel := context.WithCancel(context.Background())
		opt := export.Options{Progress: func(done, total int) {
			cancel() // at the start: the stream must stop and leave nothing
		}}
		err := export.WriteFile(ctx, f.st, format, f.p, path, opt)
		cancel()
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("%s: cancelled export returned %v", format, err)
		}
		entries, _ := os.ReadDir(dir)
		if len(entries) != 0 {
			t.Fatalf("%s: cancelled export left %v", format, entries)
		}
		var calls, last int
		opt = export.Options{Progress: func(done, total int) { calls++; last = done }}
		if err := export.WriteFile(context.Background(), f.st, format, f.p, path, opt); err != nil {
			t.Fatal(err)
		}
		want := f.exported
		if format == export.Bundle {
			want++ // a bundle carries the withdrawn contribution too
		}
		if last != want || calls < 2 {
			t.Fatalf("%s: progress ended at %d after %d calls", format, last, calls)
		}
		os.Remove(path)
	}
}

func TestParseFormat(t *testing.T) {
	for _, s := range []string{"csv", "csv-de", "xlsx", "geojson", "gpkg", "synopsis", "bundle"} {
		if f, err := export.ParseFormat(s); err != nil || string(f) != s {
			t.Fatalf("%s: %v", s, err)
		}
	}
	for _, s := range []string{"", "CSV", "pdf", "csv "} {
		if _, err := export.ParseFormat(s); !errors.Is(err, export.ErrUnknownFormat) {
			t.Fatalf("%q accepted", s)
		}
	}
}
