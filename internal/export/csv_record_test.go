package export

import "io"

// WriteCSVRecord writes one record the way the CSV export does (text
// fields made safe), in the German dialect when german is set; the fuzz
// target and tests use it. It lives in a test file: the export itself
// writes its records in writeCSV.
func WriteCSVRecord(w io.Writer, fields []string, german bool) error {
	cw := newCSVWriter(w, german)
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
