package export

import (
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/go-pdf/fpdf"
)

// The analysis as a PDF report made by the server, for the planners to
// hand on (a district assembly, a council committee): title and counts,
// the topics with their terms, size, shares and rating balance, the
// frequent words and the planners' keywords, the near-duplicate pairs, the
// timeline and a map of the hot spots drawn as vector graphics, and the
// cross tables. Its texts come from the locale files (German and English
// are what the report is made for; any loaded locale works as far as the
// core fonts' code page cp1252 carries its letters).

// pdfMaxPairs and pdfMaxWords bound the report's lists; the workbook holds all.
const (
	pdfMaxPairs = 40
	pdfMaxWords = 30
)

// PDFLocale is the locale the PDF report is written in for a reader of
// locale: the core fonts print cp1252, which carries German and English
// but not Turkish, Arabic or Ukrainian letters, so those readers get the
// English report.
func PDFLocale(locale string) string {
	switch locale {
	case "de", "de-x-ls", "en":
		return locale
	}
	return "en"
}

// pdfDoc is the report being written.
type pdfDoc struct {
	*fpdf.Fpdf
	a     *Analysis
	opt   *Options
	tr    func(string) string // UTF-8 to cp1252, the core fonts' code page
	width float64             // between the margins
}

// pdfReplacer spells what cp1252 lacks in letters it has (the translator
// prints a dot for anything it cannot map).
var pdfReplacer = strings.NewReplacer("−", "-", "↳", "->", "→", "->", "≥", ">=", "≤", "<=", "≈", "~", "\u2009", " ", "\u202f", " ")

// text readies s for the core fonts.
func (d *pdfDoc) text(s string) string { return d.tr(pdfReplacer.Replace(strings.ToValidUTF8(s, "?"))) }

func writeAnalysisPDF(a *Analysis, w io.Writer, opt Options) error {
	f := fpdf.New("P", "mm", "A4", "")
	d := &pdfDoc{Fpdf: f, a: a, opt: &opt, tr: f.UnicodeTranslatorFromDescriptor("cp1252")}
	left, _, right, _ := f.GetMargins()
	pw, _ := f.GetPageSize()
	d.width = pw - left - right
	title := opt.t("analysis_out.title") + ": " + a.Proc.Title
	f.SetTitle(title, true)
	f.SetCreator("Mitreden", true)
	f.SetLang(opt.Locale)
	f.SetCreationDate(opt.now())
	f.SetAutoPageBreak(true, 18)
	f.SetFooterFunc(func() {
		f.SetY(-12)
		f.SetFont("Helvetica", "", 8)
		f.SetTextColor(90, 90, 90)
		f.CellFormat(0, 5, d.text(a.Proc.Title+" · "+opt.t("analysis_out.page")+" "+strconv.Itoa(f.PageNo())), "", 0, "C", false, 0, "")
		f.SetTextColor(0, 0, 0)
	})
	f.AddPage()
	f.SetFont("Helvetica", "B", 18)
	f.MultiCell(0, 8, d.text(title), "", "L", false)
	f.SetFont("Helvetica", "", 9)
	f.CellFormat(0, 6, d.text(opt.t("analysis_out.generated")+" "+d.date()), "", 1, "L", false, 0, "")
	f.Ln(2)
	d.counts()
	d.topics()
	d.words()
	d.duplicates()
	d.timeline()
	d.hotSpots()
	d.cross()
	if err := f.Error(); err != nil {
		return fmt.Errorf("export: unable to write the PDF: %w", err)
	}
	return f.Output(w)
}

// date is the report's date in the locale's usual form.
func (d *pdfDoc) date() string {
	t := d.opt.now().In(berlin)
	if strings.HasPrefix(d.opt.Locale, "de") {
		return t.Format("02.01.2006 15:04")
	}
	return t.Format("2006-01-02 15:04")
}

// heading starts a section, on a new page when less than need mm are left.
func (d *pdfDoc) heading(id string, need float64) {
	d.room(need)
	d.Ln(3)
	d.SetFont("Helvetica", "B", 13)
	d.SetTextColor(0, 92, 169)
	d.Bookmark(d.text(d.opt.t(id)), 0, -1)
	d.CellFormat(0, 8, d.text(d.opt.t(id)), "", 1, "L", false, 0, "")
	d.SetTextColor(0, 0, 0)
	d.SetFont("Helvetica", "", 10)
}

// room starts a new page when less than need mm are left on this one.
func (d *pdfDoc) room(need float64) {
	_, ph := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	if d.GetY()+need > ph-bottom {
		d.AddPage()
	}
}

// field writes "label: value", the label in bold, wrapping at the margin.
func (d *pdfDoc) field(labelID, value string) {
	d.SetFont("Helvetica", "B", 9)
	d.Write(4.5, d.text(d.opt.t(labelID)+": "))
	d.SetFont("Helvetica", "", 9)
	d.Write(4.5, d.text(value))
	d.Ln(4.5)
}

// note writes a plain paragraph.
func (d *pdfDoc) note(s string) {
	d.SetFont("Helvetica", "", 9)
	d.MultiCell(0, 4.5, d.text(s), "", "L", false)
}

// pdfCol is a column of a table: its width share and alignment.
type pdfCol struct {
	head  string
	width float64 // mm
	align string  // "L" or "R"
}

// table writes a table with a heading row repeated on every page; texts
// too wide for their cell are cut with an ellipsis.
func (d *pdfDoc) table(cols []pdfCol, rows [][]string) {
	const h = 5.5
	head := func() {
		d.SetFont("Helvetica", "B", 8.5)
		d.SetFillColor(221, 230, 240)
		for _, c := range cols {
			d.CellFormat(c.width, h, d.fit(c.head, c.width), "1", 0, c.align, true, 0, "")
		}
		d.Ln(-1)
		d.SetFont("Helvetica", "", 8.5)
	}
	d.room(2 * h)
	head()
	_, ph := d.GetPageSize()
	_, _, _, bottom := d.GetMargins()
	for _, r := range rows {
		if d.GetY()+h > ph-bottom {
			d.AddPage()
			head()
		}
		for i, c := range cols {
			v := ""
			if i < len(r) {
				v = r[i]
			}
			d.CellFormat(c.width, h, d.fit(v, c.width), "1", 0, c.align, false, 0, "")
		}
		d.Ln(-1)
	}
	d.Ln(2)
}

// fit readies s for a cell w mm wide in the current font, cut with an
// ellipsis when it is wider.
func (d *pdfDoc) fit(s string, w float64) string {
	t := d.text(s)
	if d.GetStringWidth(t)+2 <= w {
		return t
	}
	r := []rune(pdfReplacer.Replace(s))
	for len(r) > 1 {
		r = r[:len(r)-1]
		if t = d.text(string(r) + "…"); d.GetStringWidth(t)+2 <= w {
			break
		}
	}
	return t
}

// cols spreads the width between the margins over columns in the given
// proportions.
func (d *pdfDoc) cols(heads []string, parts []float64, aligns string) []pdfCol {
	sum := 0.0
	for _, p := range parts {
		sum += p
	}
	out := make([]pdfCol, len(heads))
	for i, h := range heads {
		out[i] = pdfCol{head: h, width: d.width * parts[i] / sum, align: string(aligns[i])}
	}
	return out
}

func (d *pdfDoc) counts() {
	a := d.a
	d.heading("analysis_out.counts", 40)
	rows := [][]string{
		{d.opt.t("analysis_out.count.published"), strconv.Itoa(a.View.Texts)},
		{d.opt.t("analysis_out.count.topics"), strconv.Itoa(len(a.Topics))},
		{d.opt.t("analysis_out.count.duplicates"), strconv.Itoa(len(a.Duplicates))},
		{d.opt.t("analysis_out.count.keywords"), strconv.Itoa(len(a.Keywords))},
		{d.opt.t("analysis_out.count.placed"), strconv.Itoa(a.Heat.Total)},
	}
	d.table(d.cols([]string{d.opt.t("analysis_out.col.what"), d.opt.t("analysis_out.col.count")}, []float64{3, 1}, "LR"), rows)
}

func (d *pdfDoc) topics() {
	a := d.a
	d.heading("analysis_out.topics", 40)
	if len(a.Topics) == 0 {
		d.note(d.opt.t("analysis_out.no_topics"))
		return
	}
	for i, t := range a.Topics {
		d.room(30)
		d.SetFont("Helvetica", "B", 11)
		d.MultiCell(0, 6, d.text(strconv.Itoa(i+1)+". "+t.Label), "", "L", false)
		d.field("analysis_out.col.terms", strings.Join(t.Terms, ", "))
		d.field("analysis_out.col.size", fmt.Sprintf("%d (%d %%)", t.Size, percent(t.Size, a.View.Texts)))
		d.field("analysis_out.col.categories", shares(t.Categories, t.Size, func(k string) string { return categoryLabel(d.opt, a.Proc, k) }))
		d.field("analysis_out.col.origins", shares(t.Origins, t.Size, func(k string) string { return originLabel(d.opt, k) }))
		d.field("analysis_out.col.ratings", fmt.Sprintf("+%d / -%d (%s %+d)", t.Up, t.Down, d.opt.t("analysis_out.balance"), t.Up-t.Down))
		if t.Placed > 0 { // T1, T2, … on the map of the hot spots
			d.field("analysis_out.col.place", fmt.Sprintf("%s, %s (T%d)", coord(t.Centre.Lat()), coord(t.Centre.Lon()), i+1))
		}
		d.Ln(1.5)
	}
}

func (d *pdfDoc) words() {
	a := d.a
	d.heading("analysis_out.words", 30)
	if len(a.View.Words) == 0 {
		d.note(d.opt.t("analysis_out.none"))
	} else {
		var rows [][]string
		for _, w := range a.View.Words[:min(pdfMaxWords, len(a.View.Words))] {
			rows = append(rows, []string{w.Word, strconv.Itoa(w.Count), strconv.Itoa(w.Related)})
		}
		d.table(d.cols([]string{d.opt.t("analysis_out.col.word"), d.opt.t("analysis_out.col.count"), d.opt.t("analysis_out.col.related")}, []float64{3, 1, 1}, "LRR"), rows)
	}
	if len(a.Keywords) > 0 {
		d.SetFont("Helvetica", "B", 10)
		d.CellFormat(0, 6, d.text(d.opt.t("analysis_out.keywords")), "", 1, "L", false, 0, "")
		var rows [][]string
		for _, k := range a.Keywords {
			rows = append(rows, []string{k.Keyword, strconv.Itoa(len(k.Contributions))})
		}
		d.table(d.cols([]string{d.opt.t("analysis_out.col.keyword"), d.opt.t("analysis_out.col.count")}, []float64{3, 1}, "LR"), rows)
	}
}

func (d *pdfDoc) duplicates() {
	a := d.a
	d.heading("analysis_out.duplicates", 30)
	if len(a.Duplicates) == 0 {
		d.note(d.opt.t("analysis_out.none"))
		return
	}
	var rows [][]string
	for _, pr := range a.Duplicates[:min(pdfMaxPairs, len(a.Duplicates))] {
		dist := "–"
		if pr.Distance >= 0 {
			dist = strconv.Itoa(int(math.Round(pr.Distance))) + " m"
		}
		rows = append(rows, []string{strconv.Itoa(pr.Percent()) + " %", dist, pr.ATitle, pr.BTitle})
	}
	d.table(d.cols([]string{d.opt.t("analysis_out.col.score"), d.opt.t("analysis_out.col.distance"), d.opt.t("analysis_out.col.title_a"), d.opt.t("analysis_out.col.title_b")},
		[]float64{1, 1, 4, 4}, "RRLL"), rows)
	if n := len(a.Duplicates) - pdfMaxPairs; n > 0 {
		d.note(d.opt.t("analysis_out.more") + " " + strconv.Itoa(n))
	}
}

func (d *pdfDoc) cross() {
	a := d.a
	d.heading("analysis_out.cross", 30)
	if len(a.Cross) == 0 {
		d.note(d.opt.t("analysis_out.none"))
		return
	}
	cat := func(r CrossRow) string { return categoryLabel(d.opt, a.Proc, r.Category) }
	for _, t := range []struct {
		id  string
		col func(CrossRow) string
	}{
		{"analysis_out.sheet.category_origin", func(r CrossRow) string { return originLabel(d.opt, r.Origin) }},
		{"analysis_out.sheet.category_planning", func(r CrossRow) string { return planningLabel(d.opt, a.Proc, r.Planning) }},
	} {
		pv := pivotOf(a.Cross, cat, t.col)
		d.room(25)
		d.SetFont("Helvetica", "B", 10)
		d.CellFormat(0, 6, d.text(d.opt.t(t.id)), "", 1, "L", false, 0, "")
		heads := append([]string{d.opt.t("analysis_out.col.category")}, pv.Cols...)
		heads = append(heads, d.opt.t("analysis_out.col.total"))
		parts := []float64{2.5}
		aligns := "L"
		for range len(pv.Cols) + 1 {
			parts = append(parts, 1)
			aligns += "R"
		}
		var rows [][]string
		for i, r := range pv.Rows {
			row := []string{r}
			for _, n := range pv.N[i] {
				row = append(row, strconv.Itoa(n))
			}
			rows = append(rows, append(row, strconv.Itoa(pv.RowSum[i])))
		}
		total := []string{d.opt.t("analysis_out.col.total")}
		for _, n := range pv.ColSum {
			total = append(total, strconv.Itoa(n))
		}
		rows = append(rows, append(total, strconv.Itoa(pv.Total)))
		d.table(d.cols(heads, parts, aligns), rows)
	}
}

// percent is n of total in whole percent.
func percent(n, total int) int {
	if total == 0 {
		return 0
	}
	return int(math.Round(float64(n) * 100 / float64(total)))
}

// shortLabel cuts a chart label to n letters.
func shortLabel(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n-1]) + "…"
}
