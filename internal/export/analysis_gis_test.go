package export_test

import (
	"context"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/export"
)

// analysisFile writes the fixture's analysis in format fm and returns its path.
func analysisFile(t *testing.T, f *analysisFixture, fm export.AnalysisFormat, locale string) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "analysis."+string(fm))
	if err := export.WriteAnalysisFile(context.Background(), f.svc, f.st, fm, f.p, path, localised(t, locale)); err != nil {
		t.Fatal(err)
	}
	return path
}

// featureCount reads "Feature Count: N" of one layer from ogrinfo -so.
func featureCount(t *testing.T, path, layer string) int {
	t.Helper()
	out, ok := ogrinfo(t, "-ro", "-so", path, layer)
	if !ok {
		t.Skip("ogrinfo not installed")
	}
	if strings.Contains(out, "ERROR") {
		t.Fatalf("ogrinfo complains about %s:\n%s", layer, out)
	}
	_, rest, found := strings.Cut(out, "Feature Count: ")
	if !found {
		t.Fatalf("no feature count for %s:\n%s", layer, out)
	}
	n, err := strconv.Atoi(strings.Fields(rest)[0])
	if err != nil {
		t.Fatal(err)
	}
	return n
}

func TestAnalysisGeoPackageHasTheGridAndTopicLayers(t *testing.T) {
	f := newAnalysisFixture(t)
	sum := f.summary(t)
	heat, err := f.svc.Heat(context.Background(), f.p, analysis.HeatFilter{})
	if err != nil {
		t.Fatal(err)
	}
	path := analysisFile(t, f, export.AnalysisGPKG, "de")
	out, ok := ogrinfo(t, "-ro", "-so", path)
	if !ok {
		return
	}
	for _, want := range []string{"heat_grid (Polygon)", "topics (Point)", "topic_members (Point)"} {
		if !strings.Contains(out, want) {
			t.Fatalf("ogrinfo lists no %q:\n%s", want, out)
		}
	}
	members := 0
	for _, tp := range sum.Topics {
		members += tp.Size // every contribution of the fixture has a place
	}
	for layer, want := range map[string]int{"heat_grid": heat.Cols * heat.Rows, "topics": len(sum.Topics), "topic_members": members} {
		if got := featureCount(t, path, layer); got != want || want == 0 {
			t.Errorf("%s: %d features, want %d", layer, got, want)
		}
	}
	// the grid's counts add up to the placed contributions; the renamed
	// topic carries its label
	out, _ = ogrinfo(t, "-ro", "-q", path, "-sql", "SELECT sum(count) AS n FROM heat_grid")
	if !strings.Contains(out, "n (Integer) = "+strconv.Itoa(heat.Total)) {
		t.Errorf("grid counts:\n%s", out)
	}
	out, _ = ogrinfo(t, "-ro", "-q", path, "-sql", "SELECT label, size, geom FROM topics WHERE topic_key = '"+sum.Topics[0].Key+"'")
	if !strings.Contains(out, f.renamed) || !strings.Contains(out, "POINT (") {
		t.Errorf("the renamed topic:\n%s", out)
	}
}

func TestAnalysisWorkbookHasASheetPerAnalysisGDALReads(t *testing.T) {
	f := newAnalysisFixture(t)
	sum := f.summary(t)
	path := analysisFile(t, f, export.AnalysisXLSX, "de")
	t.Setenv("OGR_XLSX_HEADERS", "FORCE")
	out, ok := ogrinfo(t, "-ro", "-so", path)
	if !ok {
		return
	}
	for _, want := range []string{"using driver `XLSX' successful", "Themen", "Beiträge je Thema", "Häufige Wörter", "Schlagwörter", "Ähnliche Beiträge",
		"Kreuztabelle", "Kategorie × Herkunft", "Kategorie × Art", "Kategorie × Planungsstand"} {
		if !strings.Contains(out, want) {
			t.Fatalf("the workbook lacks the sheet %q:\n%s", want, out)
		}
	}
	members := 0
	for _, tp := range sum.Topics {
		members += tp.Size
	}
	for sheet, want := range map[string]int{"Themen": len(sum.Topics), "Beiträge je Thema": members, "Ähnliche Beiträge": len(sum.Duplicates),
		"Häufige Wörter": len(sum.View.Words), "Kategorie × Herkunft": 3 /* Grün, Verkehr, Summe */} {
		if got := featureCount(t, path, sheet); got != want || want == 0 {
			t.Errorf("sheet %s: %d rows, want %d", sheet, got, want)
		}
	}
	out, _ = ogrinfo(t, "-ro", "-q", path, "Themen")
	if !strings.Contains(out, f.renamed) || !strings.Contains(out, "Thema (String) = ") {
		t.Errorf("the topics sheet:\n%s", out)
	}
	// the cross table counts every published contribution once
	out, _ = ogrinfo(t, "-ro", "-q", path, "-sql", `SELECT SUM("Anzahl") AS n FROM "Kreuztabelle"`)
	if !strings.Contains(out, "= 72") {
		t.Errorf("the cross table's sum:\n%s", out)
	}
}

// A procedure nobody has written to yet still gets every output, each
// saying there is nothing yet.
func TestAnalysisOutputsOfAProcedureWithoutContributions(t *testing.T) {
	st := openStore(t)
	p := newProcedure(t, st)
	f := &analysisFixture{st: st, p: p, svc: analysis.New(st)}
	for _, fm := range export.AnalysisFormats {
		path := analysisFile(t, f, fm, "en")
		if fm == export.AnalysisGPKG {
			if n := featureCount(t, path, "topics"); n != 0 {
				t.Errorf("topics of nothing: %d", n)
			}
		}
	}
}
