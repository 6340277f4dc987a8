package export

import (
	"bufio"
	"encoding/csv"
	"io"

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
// spreadsheet programs pick the right encoding.
func writeCSV(s *stream, w io.Writer) error {
	bw := bufio.NewWriterSize(w, 64<<10)
	if _, err := bw.WriteString("\uFEFF"); err != nil {
		return err
	}
	cw := csv.NewWriter(bw)
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

// WriteCSVRecord writes one record the way the CSV export does (text
// fields made safe); the fuzz target and tests use it.
func WriteCSVRecord(w io.Writer, fields []string) error {
	cw := csv.NewWriter(w)
	rec := make([]string, len(fields))
	for i, f := range fields {
		rec[i] = SafeCell(f)
	}
	if err := cw.Write(rec); err != nil {
		return err
	}
	cw.Flush()
	return cw.Error()
}
