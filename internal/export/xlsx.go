package export

import (
	"archive/zip"
	"bufio"
	"compress/flate"
	"fmt"
	"io"
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// An XLSX file is a zip of a few XML parts (ECMA-376, SpreadsheetML). The
// worksheet is written straight into the zip as rows arrive, with inline
// strings and the fastest deflate level: 100,000 contributions take about
// a second and a few megabytes, where a general spreadsheet library kept
// every row and needed several seconds.

// xlsxContentTypes lists the parts: the workbook, its styles and one
// worksheet per %s.
const xlsxContentTypes = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>%s<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/></Types>`

const xlsxRels = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>`

// Styles: 0 plain, 1 heading (bold on light blue), 2 wrapped text at the top.
const xlsxStyles = `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<styleSheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><fonts count="2"><font><sz val="11"/><name val="Calibri"/></font><font><b/><sz val="11"/><name val="Calibri"/></font></fonts><fills count="3"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill><fill><patternFill patternType="solid"><fgColor rgb="FFDDE6F0"/><bgColor indexed="64"/></patternFill></fill></fills><borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders><cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs><cellXfs count="3"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/><xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf></cellXfs><cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`

const (
	styleHeading = 1
	styleWrap    = 2
)

// cellMax is Excel's limit on the characters of one cell.
const cellMax = 32767

// workbook is an XLSX file of one or more worksheets, written one after
// the other: every name is known at the start (the workbook part lists
// them), each sheet is streamed and ended before the next begins.
type workbook struct {
	zw   *zip.Writer
	next int // the number of worksheets started
	n    int
}

// sheet streams one worksheet into an XLSX file.
type sheet struct {
	wb   *workbook
	w    *bufio.Writer
	row  int
	cols []string // column letters
	buf  []byte
	pipe *io.PipeWriter
	done chan error // the compressing goroutine's result
}

// newWorkbook starts an XLSX file on w whose worksheets are called names,
// in this order.
func newWorkbook(w io.Writer, names []string) (*workbook, error) {
	zw := zip.NewWriter(w)
	zw.RegisterCompressor(zip.Deflate, func(out io.Writer) (io.WriteCloser, error) {
		return flate.NewWriter(out, flate.BestSpeed)
	})
	var sheets, types, rels strings.Builder
	seen := map[string]bool{}
	for i, name := range names {
		name = sheetName(name)
		for base, k := name, 2; seen[strings.ToLower(name)]; k++ { // Excel refuses two sheets of one name
			suffix := " " + strconv.Itoa(k)
			name = sheetName(string([]rune(base)[:min(len([]rune(base)), 31-len(suffix))]) + suffix)
		}
		seen[strings.ToLower(name)] = true
		fmt.Fprintf(&sheets, `<sheet name="%s" sheetId="%d" r:id="rId%d"/>`, escapeXML(name), i+1, i+1)
		fmt.Fprintf(&types, `<Override PartName="/xl/worksheets/sheet%d.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>`, i+1)
		fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet%d.xml"/>`, i+1, i+1)
	}
	fmt.Fprintf(&rels, `<Relationship Id="rId%d" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" Target="styles.xml"/>`, len(names)+1)
	workbookXML := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets>` +
		sheets.String() + `</sheets></workbook>`
	workbookRels := `<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">` + rels.String() + `</Relationships>`
	for _, part := range []struct{ name, body string }{
		{"[Content_Types].xml", fmt.Sprintf(xlsxContentTypes, types.String())}, {"_rels/.rels", xlsxRels}, {"xl/workbook.xml", workbookXML},
		{"xl/_rels/workbook.xml.rels", workbookRels}, {"xl/styles.xml", xlsxStyles},
	} {
		pw, err := zw.Create(part.name)
		if err != nil {
			return nil, err
		}
		if _, err := io.WriteString(pw, part.body); err != nil {
			return nil, err
		}
	}
	return &workbook{zw: zw, n: len(names)}, nil
}

// newSheet starts an XLSX file on w with one worksheet called name, the
// given column widths and a frozen first row.
func newSheet(w io.Writer, name string, widths []float64) (*sheet, error) {
	wb, err := newWorkbook(w, []string{name})
	if err != nil {
		return nil, err
	}
	return wb.sheet(widths)
}

// sheet starts the workbook's next worksheet with the given column widths
// and a frozen first row; the one before must be ended.
func (wb *workbook) sheet(widths []float64) (*sheet, error) {
	if wb.next >= wb.n {
		return nil, fmt.Errorf("export: a workbook of %d sheets has no sheet %d", wb.n, wb.next+1)
	}
	wb.next++
	pw, err := wb.zw.Create("xl/worksheets/sheet" + strconv.Itoa(wb.next) + ".xml")
	if err != nil {
		return nil, err
	}
	// Rows are built on this goroutine and compressed on another, so an
	// export of many rows keeps both cores busy.
	pr, pipe := io.Pipe()
	done := make(chan error, 1)
	go func() {
		_, err := io.Copy(pw, pr)
		pr.CloseWithError(err)
		done <- err
	}()
	s := &sheet{wb: wb, w: bufio.NewWriterSize(pipe, 256<<10), pipe: pipe, done: done}
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8" standalone="yes"?>` + "\n" +
		`<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetViews><sheetView workbookViewId="0">` +
		`<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/></sheetView></sheetViews><cols>`)
	for i, wd := range widths {
		fmt.Fprintf(&b, `<col min="%d" max="%d" width="%g" customWidth="1"/>`, i+1, i+1, wd)
	}
	b.WriteString(`</cols><sheetData>`)
	if _, err := s.w.WriteString(b.String()); err != nil {
		s.abort(err)
		return nil, err
	}
	for i := range widths {
		s.cols = append(s.cols, columnName(i))
	}
	return s, nil
}

// close ends the workbook after its last sheet.
func (wb *workbook) close() error {
	if wb.next != wb.n {
		return fmt.Errorf("export: %d of %d sheets written", wb.next, wb.n)
	}
	return wb.zw.Close()
}

// columnName returns the spreadsheet column letters of index i (0 → A).
func columnName(i int) string {
	name := ""
	for i++; i > 0; i = (i - 1) / 26 {
		name = string(rune('A'+(i-1)%26)) + name
	}
	return name
}

// sheetName fits name into Excel's rules: at most 31 characters, none of []:*?/\.
func sheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, cleanXML(name))
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if strings.TrimSpace(name) == "" {
		name = "Sheet1"
	}
	return name
}

// heading writes the first row in the heading style.
func (s *sheet) heading(cells []string) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = c
	}
	return s.write(vals, styleHeading)
}

// add writes a row: ints become numbers, strings inline text (never a
// formula), in the wrapped style when wrap is set.
func (s *sheet) add(vals []any, wrap bool) error {
	style := 0
	if wrap {
		style = styleWrap
	}
	return s.write(vals, style)
}

func (s *sheet) write(vals []any, style int) error {
	s.row++
	r := strconv.Itoa(s.row)
	b := s.buf[:0]
	b = append(b, `<row r="`...)
	b = append(b, r...)
	b = append(b, `">`...)
	for i, v := range vals {
		if i >= len(s.cols) {
			s.cols = append(s.cols, columnName(i))
		}
		b = append(b, `<c r="`...)
		b = append(b, s.cols[i]...)
		b = append(b, r...)
		if style != 0 {
			b = append(b, `" s="`...)
			b = strconv.AppendInt(b, int64(style), 10)
		}
		switch v := v.(type) {
		case int:
			b = append(b, `"><v>`...)
			b = strconv.AppendInt(b, int64(v), 10)
			b = append(b, `</v></c>`...)
		case string:
			b = append(b, `" t="inlineStr"><is><t xml:space="preserve">`...)
			b = appendXML(b, truncate(cleanXML(v), cellMax))
			b = append(b, `</t></is></c>`...)
		default:
			return fmt.Errorf("export: unsupported cell value %T", v)
		}
	}
	b = append(b, `</row>`...)
	s.buf = b
	_, err := s.w.Write(b)
	return err
}

// end closes the worksheet; the workbook's next one may start.
func (s *sheet) end() error {
	if _, err := s.w.WriteString(`</sheetData></worksheet>`); err != nil {
		return err
	}
	if err := s.w.Flush(); err != nil {
		s.abort(err)
		return err
	}
	s.pipe.Close()
	return <-s.done
}

// finish closes the worksheet and the zip of a one-sheet workbook.
func (s *sheet) finish() error {
	if err := s.end(); err != nil {
		return err
	}
	return s.wb.close()
}

// abort stops the compressing goroutine after a failed export.
func (s *sheet) abort(err error) {
	s.pipe.CloseWithError(err)
	<-s.done
}

// truncate cuts s to at most n characters, ending with an ellipsis when cut.
func truncate(s string, n int) string {
	if len(s) <= n || utf8.RuneCountInString(s) <= n {
		return s
	}
	r := []rune(s)
	return string(r[:n-1]) + "…"
}

// appendXML appends s with the characters XML text must not hold raw escaped.
func appendXML(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '&':
			b = append(b, "&amp;"...)
		case '<':
			b = append(b, "&lt;"...)
		case '>':
			b = append(b, "&gt;"...)
		case '"':
			b = append(b, "&quot;"...)
		case '\r':
			b = append(b, "&#13;"...)
		default:
			b = append(b, c)
		}
	}
	return b
}

func escapeXML(s string) string { return string(appendXML(nil, s)) }

// cleanXML drops characters XML 1.0 cannot carry (validation keeps them
// out of stored text, but an export must never produce a broken file).
func cleanXML(s string) string {
	ok := true
	for _, r := range s {
		if !xmlChar(r) {
			ok = false
			break
		}
	}
	if ok && utf8.ValidString(s) {
		return s
	}
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if xmlChar(r) {
			return r
		}
		return -1
	}, s)
}

func xmlChar(r rune) bool {
	return r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r <= 0xD7FF) || (r >= 0xE000 && r <= 0xFFFD) || r >= 0x10000
}

// xlsxCell turns a column's value into a cell value: counts as numbers,
// everything else as text.
func xlsxCell(col column, p *model.Procedure, locale string, c *model.Contribution) any {
	switch col.key {
	case "rating_up":
		return c.Up
	case "rating_down":
		return c.Down
	case "comment_count":
		return c.Comments
	}
	return col.get(p, locale, c)
}

// writeXLSX writes the contributions as one worksheet with localised headings.
func writeXLSX(s *stream, w io.Writer) error {
	widths := make([]float64, 0, len(columns)+3)
	head := make([]string, 0, len(columns)+3)
	for _, c := range columns {
		head = append(head, s.opt.t("export.col."+c.key))
		switch c.key {
		case "id":
			widths = append(widths, 38)
		case "title":
			widths = append(widths, 40)
		case "text":
			widths = append(widths, 80)
		default:
			widths = append(widths, 16)
		}
	}
	head = append(head, s.opt.t("export.col.lon"), s.opt.t("export.col.lat"), s.opt.t("export.col.wkt"))
	widths = append(widths, 12, 12, 40)
	sh, err := newSheet(w, s.opt.t("export.sheet.contributions"), widths)
	if err != nil {
		return fmt.Errorf("export: unable to start spreadsheet: %w", err)
	}
	if err := sh.heading(head); err != nil {
		sh.abort(err)
		return err
	}
	vals := make([]any, len(columns)+3)
	err = s.each(false, func(r *store.ExportRow) error {
		c := r.Contribution
		for i, col := range columns {
			vals[i] = xlsxCell(col, s.p, s.opt.Locale, c)
		}
		n := len(columns)
		vals[n], vals[n+1], vals[n+2] = coords(c)
		return sh.add(vals, false)
	})
	if err != nil {
		sh.abort(err)
		return err
	}
	return sh.finish()
}
