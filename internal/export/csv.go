package export

import (
	"bufio"
	"encoding/csv"
	"io"
	"strings"

	"github.com/mitreden/mitreden/internal/store"
)

// csvHeader is the CSV's first line: the column keys, then lon, lat and
// the geometry as WKT (which QGIS and GDAL read directly).
func csvHeader() []string {
	h := make([]string, 0, len(columns)+3)
	for _, c := range columns {
		h = append(h, c.key)
	}
	return append(h, "lon", "lat", "wkt")
}

// writeCSV writes RFC 4180 CSV in UTF-8 with a byte order mark, so that
// spreadsheet programs pick the right encoding. The German dialect
// (csv-de) is what German Excel and LibreOffice open directly, as DIPAS
// writes it: ";" between fields, CRLF line ends and decimal commas in lon
// and lat. Text cells are safe in either (SafeCell): a spreadsheet that
// splits the file at the other separator finds no formula either.
func writeCSV(s *stream, w io.Writer, german bool) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := newCSVWriter(bw, german)
	if err := cw.Write(csvHeader()); err != nil {
		return err
	}
	rec := make([]string, len(columns)+3)
	err := s.each(false, func(r *store.ExportRow) error {
		c := r.Contribution
		for i, col := range columns {
			v := col.get(s.p, s.opt.Locale, c)
			if col.text {
				v = SafeCell(v)
			}
			rec[i] = v
		}
		n := len(columns)
		rec[n], rec[n+1], rec[n+2] = coords(c)
		if german {
			rec[n] = strings.Replace(rec[n], ".", ",", 1)
			rec[n+1] = strings.Replace(rec[n+1], ".", ",", 1)
		}
		return cw.Write(rec)
	})
	if err != nil {
		return err
	}
	cw.Flush()
	if err := cw.Error(); err != nil {
		return err
	}
	return bw.Flush()
}

func newCSVWriter(w io.Writer, german bool) *csv.Writer {
	cw := csv.NewWriter(w)
	if german {
		cw.Comma, cw.UseCRLF = ';', true
	}
	return cw
}
