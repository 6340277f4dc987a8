package export_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/locales"
)

// localised are export options in a locale of the real message files.
func localised(t testing.TB, locale string) export.Options {
	t.Helper()
	i18n, err := content.LoadI18n(locales.FS)
	if err != nil {
		t.Fatal(err)
	}
	z := i18n.Localizer(locale)
	return export.Options{Locale: locale, T: func(id string) string { return z.T(id) }}
}

// pdfText is the text pdftotext reads from the analysis PDF.
func pdfText(t *testing.T, f *analysisFixture, locale string) string {
	t.Helper()
	if _, err := exec.LookPath("pdftotext"); err != nil {
		t.Skip("pdftotext (poppler-utils) is not installed; make system-deps installs it")
	}
	var buf bytes.Buffer
	if err := export.WriteAnalysis(context.Background(), f.svc, f.st, export.AnalysisPDF, f.p, &buf, localised(t, locale)); err != nil {
		t.Fatal(err)
	}
	if !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) {
		t.Fatalf("not a PDF: %q", buf.Bytes()[:min(20, buf.Len())])
	}
	path := filepath.Join(t.TempDir(), "analysis.pdf")
	if err := os.WriteFile(path, buf.Bytes(), 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("pdftotext", "-layout", path, "-").CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v %s", err, out)
	}
	return string(out)
}

func TestAnalysisPDFHoldsTheTopicsWithTheirUmlautsInGermanAndEnglish(t *testing.T) {
	f := newAnalysisFixture(t)
	sum := f.summary(t)
	for _, c := range []struct {
		locale string
		want   []string
	}{
		{"de", []string{"Auswertung: Park am Fluss", "Themen", "Häufige Wörter", "Ähnliche Beiträge in der Nähe", "Verlauf", "Karte der Schwerpunkte", "Kategorie × Herkunft", "Grün", "Tisch 2", "Mitte der Orte: 53.5"}},
		{"en", []string{"Analysis: Park am Fluss", "Topics", "Frequent words", "Near-duplicates", "Timeline", "Map of the hot spots", "Category × origin", "Green", "Table 2", "Centre of the places: 53.5"}},
	} {
		text := pdfText(t, f, c.locale)
		flat := strings.Join(strings.Fields(text), " ")
		for _, want := range append(c.want, f.renamed) {
			if !strings.Contains(flat, want) {
				t.Errorf("%s: the PDF's text lacks %q", c.locale, want)
			}
		}
		for _, tp := range sum.Topics {
			if !strings.Contains(flat, tp.Label) {
				t.Errorf("%s: the PDF's text lacks the topic %q", c.locale, tp.Label)
			}
		}
		if strings.Contains(flat, "Gr.nzug") && !strings.Contains(flat, "Grünzug") {
			t.Errorf("%s: umlauts were lost", c.locale)
		}
	}
}

// The core fonts print cp1252: readers of Turkish, Arabic or Ukrainian get
// the English report rather than dots for letters.
func TestPDFLocaleFallsBackToEnglishBeyondCp1252(t *testing.T) {
	for in, want := range map[string]string{"de": "de", "en": "en", "de-x-ls": "de-x-ls", "tr": "en", "ar": "en", "uk": "en"} {
		if got := export.PDFLocale(in); got != want {
			t.Errorf("PDFLocale(%q) = %q, want %q", in, got, want)
		}
	}
}
