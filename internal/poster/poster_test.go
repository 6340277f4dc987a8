package poster

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
)

// testProcedure is a procedure in Hamburg-Altona with German umlauts in
// its title, two phases and an English translation.
func testProcedure() *model.Procedure {
	return &model.Procedure{Slug: "gruenzug", Title: "Grünzug Altona – Straßen für alle",
		SummaryMD: "Wie soll die **Max-Brauer-Allee** aussehen? Sagen Sie es uns.",
		Area:      orb.Polygon{{{9.929, 53.55}, {9.944, 53.549}, {9.9515, 53.5545}, {9.942, 53.5592}, {9.928, 53.554}, {9.929, 53.55}}},
		Phases: []model.Phase{
			{Kind: model.PhaseInformation, StartsAt: time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), EndsAt: time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)},
			{Kind: model.PhaseParticipation, Title: "Online und vor Ort", StartsAt: time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), EndsAt: time.Date(2027, 1, 31, 0, 0, 0, 0, time.UTC)},
		},
		Translations: map[string]model.ProcedureText{"en": {Title: "Green corridor Altona"}, "uk": {Title: "Зелений коридор Альтона"}},
	}
}

var messages = map[string]map[string]string{
	"de": {"poster.heading": "Reden Sie mit!", "poster.scan": "Code scannen und mitmachen", "poster.address": "Oder besuchen Sie:",
		"poster.dates": "Termine", "poster.map": "Planungsgebiet", "poster.north": "N", "phase.information": "Information", "phase.participation": "Beteiligung"},
	"uk": {"poster.heading": "Долучайтеся!", "poster.scan": "Скануйте код", "poster.address": "Або відвідайте:",
		"poster.dates": "Дати", "poster.map": "Територія", "poster.north": "Пн", "phase.information": "Інформація", "phase.participation": "Участь"},
}

func testDoc(locale string) Doc {
	m := messages[locale]
	if m == nil {
		m = messages["de"]
	}
	t := func(id string, _ ...any) string { return m[id] }
	date := func(d time.Time) string { return d.Format("2.1.2006") }
	return New(testProcedure(), locale, t, date, "https://mitreden.example/p/gruenzug?src=poster")
}

// svgInfo reads the root's viewBox and every text of an SVG, failing on
// XML that does not parse.
func svgInfo(t *testing.T, b []byte) (viewBox string, texts []string) {
	t.Helper()
	dec := xml.NewDecoder(bytes.NewReader(b))
	inText := false
	for {
		tok, err := dec.Token()
		if err != nil {
			if err.Error() == "EOF" {
				return
			}
			t.Fatalf("the SVG is not well-formed XML: %v", err)
		}
		switch e := tok.(type) {
		case xml.StartElement:
			if e.Name.Local == "svg" {
				for _, a := range e.Attr {
					if a.Name.Local == "viewBox" {
						viewBox = a.Value
					}
				}
			}
			inText = e.Name.Local == "text"
		case xml.CharData:
			if inText {
				texts = append(texts, string(e))
			}
		case xml.EndElement:
			inText = false
		}
	}
}

func TestPosterSVGHasPaperSizeTitleAndDates(t *testing.T) {
	for _, c := range []struct {
		size, viewBox, w string
	}{{"A4", "0 0 210 297", `width="210mm"`}, {"a3", "0 0 297 420", `width="297mm"`}} {
		s, ok := SizeByName(c.size)
		if !ok {
			t.Fatalf("size %s unknown", c.size)
		}
		b, err := SVG(testDoc("de"), s)
		if err != nil {
			t.Fatal(err)
		}
		vb, texts := svgInfo(t, b)
		if vb != c.viewBox || !bytes.Contains(b, []byte(c.w)) {
			t.Errorf("%s: viewBox %q, want %q and %s", c.size, vb, c.viewBox, c.w)
		}
		all := strings.Join(texts, " ")
		for _, want := range []string{"Grünzug Altona", "Reden Sie mit!", "Termine", "Beteiligung: Online und vor Ort",
			"1.12.2026 – 31.1.2027", "mitreden.example/p/gruenzug", "Max-Brauer-Allee aussehen?", "Planungsgebiet"} {
			if !strings.Contains(all, want) {
				t.Errorf("%s: no %q in the texts %q", c.size, want, all)
			}
		}
		for _, bad := range []string{"href", "<image", "url(", "@import", "**"} {
			if bytes.Contains(b, []byte(bad)) {
				t.Errorf("%s: the SVG holds %q (it must not refer outside itself or show Markdown)", c.size, bad)
			}
		}
		if !bytes.Contains(b, []byte(`font-family="sans-serif"`)) || bytes.Contains(b, []byte("Helvetica")) {
			t.Errorf("%s: fonts must be generic families only", c.size)
		}
	}
}

func TestPosterSVGRightToLeftAndCyrillic(t *testing.T) {
	d := testDoc("uk")
	if d.Title != "Зелений коридор Альтона" || d.Dir != "ltr" || d.Lang != "uk" {
		t.Fatalf("doc %q %q %q", d.Title, d.Dir, d.Lang)
	}
	b, err := SVG(d, Sizes[0])
	if err != nil {
		t.Fatal(err)
	}
	_, texts := svgInfo(t, b)
	if !strings.Contains(strings.Join(texts, " "), "Зелений коридор") {
		t.Errorf("no Ukrainian title in %q", texts)
	}
	ar := testDoc("ar")
	if ar.Dir != "rtl" {
		t.Fatalf("Arabic poster reads %s", ar.Dir)
	}
	b, err = SVG(ar, Sizes[0])
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Contains(b, []byte(`direction="rtl"`)) {
		t.Error("the Arabic SVG does not run right to left")
	}
}

// pdftotext extracts a PDF's text (poppler-utils, make system-deps).
func pdftotext(t *testing.T, pdf []byte, args ...string) string {
	t.Helper()
	bin, err := exec.LookPath("pdftotext")
	if err != nil {
		t.Fatal("pdftotext is missing: make system-deps installs poppler-utils")
	}
	f := filepath.Join(t.TempDir(), "poster.pdf")
	if err := os.WriteFile(f, pdf, 0o600); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(bin, append(args, f, "-")...).CombinedOutput()
	if err != nil {
		t.Fatalf("pdftotext: %v: %s", err, out)
	}
	return string(out)
}

func TestPosterPDFHasTitleUmlautsAndPageSize(t *testing.T) {
	for _, s := range Sizes {
		b, err := PDF(testDoc("de"), s)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.HasPrefix(b, []byte("%PDF-")) {
			t.Fatalf("%s: not a PDF: %.20q", s.Name, b)
		}
		txt := strings.Join(strings.Fields(pdftotext(t, b)), " ")
		for _, want := range []string{"Grünzug Altona – Straßen für alle", "Reden Sie mit!", "Beteiligung: Online und vor Ort", "mitreden.example/p/gruenzug"} {
			if !strings.Contains(txt, want) {
				t.Errorf("%s: no %q in the PDF's text %q", s.Name, want, txt)
			}
		}
		// The page box in points: A4 595×842, A3 842×1191.
		info, err := exec.Command("pdfinfo", writeTemp(t, b)).CombinedOutput()
		if err != nil {
			t.Fatalf("pdfinfo: %v %s", err, info)
		}
		want := map[string]string{"A4": "595.28 x 841.89 pts (A4)", "A3": "841.89 x 1190.55 pts (A3)"}[s.Name]
		if !strings.Contains(string(info), want) {
			t.Errorf("%s: page size not %q in\n%s", s.Name, want, info)
		}
	}
}

func writeTemp(t *testing.T, b []byte) string {
	f := filepath.Join(t.TempDir(), "p.pdf")
	if err := os.WriteFile(f, b, 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

func TestPosterPDFRefusesScriptsTheCoreFontLacks(t *testing.T) {
	if _, err := PDF(testDoc("uk"), Sizes[0]); err != ErrScript {
		t.Errorf("Ukrainian PDF: %v, want ErrScript", err)
	}
	if !PDFSupports(testDoc("de")) || PDFSupports(testDoc("uk")) {
		t.Error("PDFSupports: German must fit, Ukrainian not")
	}
}

func TestPosterLocalesAreTheProceduresLanguages(t *testing.T) {
	got := strings.Join(Locales(testProcedure()), ",")
	if got != "de,en,uk" {
		t.Errorf("locales %s, want de,en,uk", got)
	}
}

func TestPlainTextDropsMarkdown(t *testing.T) {
	got := PlainText("Ein **Grünzug** mit [Wegen](https://x.example).\n\n- Bäume\n- `Bänke`")
	if got != "Ein Grünzug mit Wegen.\nBäume\nBänke" {
		t.Errorf("PlainText: %q", got)
	}
}

func TestPosterInLeichteSpracheTellsTheEasyIntroduction(t *testing.T) {
	p := testProcedure()
	p.IntroEasyMD = "Hier soll ein **Park** hin.\n\nSagen Sie uns Ihre Meinung."
	d := New(p, "de-x-ls", func(id string, _ ...any) string { return id }, func(time.Time) string { return "" }, "https://x.example/p/gruenzug")
	if d.Summary != "Hier soll ein Park hin.\nSagen Sie uns Ihre Meinung." || d.Lang != "de" {
		t.Errorf("Leichte Sprache poster: summary %q, lang %q", d.Summary, d.Lang)
	}
}

// Without an area the code stands alone; a crowded poster (a long title,
// many phases) still has a code a phone can read, inside the page.
func TestPosterWithoutAreaAndCrowded(t *testing.T) {
	d := testDoc("de")
	d.Area = nil
	pg := layout(d, Sizes[0], newMetrics(1).width, [][]bool{{true}})
	if pg.hasMap || len(pg.Polys) != 0 || pg.QR.Side < 60 {
		t.Errorf("without an area: map %v, %d shapes, code %.1f mm", pg.hasMap, len(pg.Polys), pg.QR.Side)
	}
	d = testDoc("de")
	d.Title = strings.Repeat("Sehr langer Titel eines Verfahrens ", 8)
	d.Summary = strings.Repeat("Eine lange Frage an alle. ", 40)
	for i := 0; i < 8; i++ {
		d.Dates = append(d.Dates, DateLine{Label: "Beteiligung: eine weitere Phase", Dates: "1. Januar 2027 – 31. Januar 2027"})
	}
	for _, s := range Sizes {
		k := s.W / 210
		pg = layout(d, s, newMetrics(1).width, [][]bool{{true}})
		if pg.QR.Side < 35*k || pg.QR.X < 0 || pg.QR.X+pg.QR.Side > s.W || pg.QR.Y+pg.QR.Side > s.H {
			t.Errorf("%s crowded: code at %.1f,%.1f, %.1f mm", s.Name, pg.QR.X, pg.QR.Y, pg.QR.Side)
		}
		for _, tx := range pg.Texts {
			if tx.Y < 0 || tx.Y > s.H {
				t.Errorf("%s crowded: text %q off the page at %.1f", s.Name, tx.S, tx.Y)
			}
		}
		if _, err := PDF(d, s); err != nil {
			t.Error(err)
		}
	}
}
