package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/xuri/excelize/v2"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// sheet is a spreadsheet being streamed: one worksheet, a bold frozen
// heading row, rows appended one at a time (excelize spills them to a
// temporary file beyond a few megabytes, so memory stays bounded).
type sheet struct {
	f    *excelize.File
	sw   *excelize.StreamWriter
	row  int
	bold int
	wrap int
}

func newSheet(name string, widths []float64) (*sheet, error) {
	f := excelize.NewFile()
	name = sheetName(name)
	if err := f.SetSheetName("Sheet1", name); err != nil {
		return nil, err
	}
	sw, err := f.NewStreamWriter(name)
	if err != nil {
		return nil, err
	}
	bold, err := f.NewStyle(&excelize.Style{Font: &excelize.Font{Bold: true},
		Fill: excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{"DDE6F0"}}})
	if err != nil {
		return nil, err
	}
	wrap, err := f.NewStyle(&excelize.Style{Alignment: &excelize.Alignment{WrapText: true, Vertical: "top"}})
	if err != nil {
		return nil, err
	}
	for i, w := range widths {
		if err := sw.SetColWidth(i+1, i+1, w); err != nil {
			return nil, err
		}
	}
	if err := sw.SetPanes(&excelize.Panes{Freeze: true, YSplit: 1, TopLeftCell: "A2", ActivePane: "bottomLeft"}); err != nil {
		return nil, err
	}
	return &sheet{f: f, sw: sw, bold: bold, wrap: wrap}, nil
}

// sheetName fits name into Excel's rules: at most 31 characters, none of []:*?/\.
func sheetName(name string) string {
	name = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`[]:*?/\`, r) {
			return '-'
		}
		return r
	}, name)
	if r := []rune(name); len(r) > 31 {
		name = string(r[:31])
	}
	if strings.TrimSpace(name) == "" {
		name = "Sheet1"
	}
	return name
}

func (s *sheet) heading(cells []string) error {
	vals := make([]any, len(cells))
	for i, c := range cells {
		vals[i] = excelize.Cell{StyleID: s.bold, Value: c}
	}
	return s.add(vals)
}

func (s *sheet) add(vals []any) error {
	s.row++
	cell, err := excelize.CoordinatesToCellName(1, s.row)
	if err != nil {
		return err
	}
	return s.sw.SetRow(cell, vals)
}

func (s *sheet) finish(w io.Writer) error {
	if err := s.sw.Flush(); err != nil {
		return err
	}
	defer s.f.Close()
	_, err := s.f.WriteTo(w)
	return err
}

// xlsxCell turns a column's value into a cell value: numbers as numbers,
// text as text (never a formula; excelize writes strings as strings).
func xlsxCell(col column, p *model.Procedure, locale string, c *model.Contribution) any {
	switch col.key {
	case "rating_up":
		return c.Up
	case "rating_down":
		return c.Down
	case "comment_count":
		return c.Comments
	}
	return cleanXML(col.get(p, locale, c))
}

// cleanXML drops characters XML 1.0 cannot carry (validation keeps them
// out of stored text, but an export must never produce a broken file).
func cleanXML(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.Map(func(r rune) rune {
		if r == '\t' || r == '\n' || r == '\r' || (r >= 0x20 && r != 0xFFFE && r != 0xFFFF) {
			return r
		}
		return -1
	}, s)
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
	sh, err := newSheet(s.opt.t("export.sheet.contributions"), widths)
	if err != nil {
		return fmt.Errorf("export: unable to start spreadsheet: %w", err)
	}
	if err := sh.heading(head); err != nil {
		return err
	}
	vals := make([]any, len(columns)+3)
	err = s.each(false, func(r *store.ExportRow) error {
		c := r.Contribution
		for i, col := range columns {
			vals[i] = xlsxCell(col, s.p, s.opt.Locale, c)
		}
		n := len(columns)
		lon, lat, wktText := coords(c)
		vals[n], vals[n+1], vals[n+2] = lon, lat, wktText
		return sh.add(vals)
	})
	if err != nil {
		return err
	}
	return sh.finish(w)
}
