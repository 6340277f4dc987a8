package export_test

import (
	"bytes"
	"encoding/csv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/export"
)

// safeParts checks the invariant the CSV export keeps: split the raw file
// at any separator a spreadsheet might use (",", ";", tab, line breaks) and
// no part starts like a formula, after the quotes and spaces a spreadsheet
// skips.
func safeParts(t *testing.T, raw, what string) {
	t.Helper()
	parts := strings.FieldsFunc(raw, func(r rune) bool { return r < 128 && export.CellSeparator(byte(r)) })
	for _, p := range parts {
		p = strings.TrimLeft(p, "\" ")
		if p != "" && strings.ContainsRune("=+-@", rune(p[0])) {
			t.Fatalf("%s: part %q of %q starts like a formula", what, p, raw)
		}
	}
}

func TestSafeCellWhateverTheSeparator(t *testing.T) {
	for in, want := range map[string]string{
		"Parkplatz;=1+1;Ende":     "Parkplatz;'=1+1;Ende",
		"a,+1":                    "a,'+1",
		"a\t@SUM(A1)":             "a\t'@SUM(A1)",
		"Zeile\n-cmd|' /C calc'!": "Zeile\n'-cmd|' /C calc'!",
		`Zitat; "=1+1"`:           `Zitat;' "=1+1"`,
		"a;;=b":                   "a;;'=b",
		"Absatz\n\nzwei":          "Absatz\n\nzwei",
		"3,5 m; 40 km/h":          "3,5 m; 40 km/h",
	} {
		if got := export.SafeCell(in); got != want {
			t.Errorf("SafeCell(%q) = %q, want %q", in, got, want)
		}
	}
	for _, german := range []bool{false, true} {
		var b bytes.Buffer
		if err := export.WriteCSVRecord(&b, []string{"Parkplatz;=1+1;Ende", `x,"=2"`}, german); err != nil {
			t.Fatal(err)
		}
		safeParts(t, b.String(), "record")
	}
}

func TestGermanCSV(t *testing.T) {
	f := newFixture(t, 2)
	b := write(t, f, export.CSVDE, export.Options{Locale: "de"})
	if !bytes.HasPrefix(b, []byte("\uFEFFid;category;")) || !bytes.Contains(b, []byte("\r\n")) {
		t.Fatalf("not German CSV: %.80q", b)
	}
	r := csv.NewReader(bytes.NewReader(b[3:]))
	r.Comma = ';'
	recs, err := r.ReadAll()
	if err != nil {
		t.Fatal(err)
	}
	if len(recs) != f.exported+1 {
		t.Fatalf("%d records, want header + %d", len(recs), f.exported)
	}
	col := map[string]int{}
	for i, h := range recs[0] {
		col[h] = i
	}
	for _, rec := range recs[1:] {
		if rec[col["id"]] != f.formula.ID {
			continue
		}
		if rec[col["lon"]] != "9,9500000" || rec[col["lat"]] != "53,5500000" || rec[col["title"]] != "'"+f.formula.Title {
			t.Fatalf("row %q", rec)
		}
		safeParts(t, string(b), "German export")
		safeParts(t, string(write(t, f, export.CSV, export.Options{Locale: "de"})), "export")
		return
	}
	t.Fatal("formula row missing")
}

// FuzzCSVCell: whatever a resident typed, both CSV dialects write one
// field that reads back as exactly SafeCell's value, and no part of the
// line starts like a formula whether a spreadsheet splits it at ",", ";"
// or tab.
func FuzzCSVCell(f *testing.F) {
	for _, s := range []string{"", "=1+1", "\"quoted\"", "a,b", "line\nbreak", "\r\n=cmd|' /C calc'!A0", "@x", "-2", "\xff\xfe", " =x", "ä\u2028",
		"Parkplatz;=1+1;Ende", "a,\"=1\"", "x\t+1", "\"\"=1", "a;\"\"\"=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		for _, german := range []bool{false, true} {
			var buf bytes.Buffer
			if err := export.WriteCSVRecord(&buf, []string{s, "tail"}, german); err != nil {
				t.Fatal(err)
			}
			raw := buf.String()
			safeParts(t, raw, "record")
			r := csv.NewReader(&buf)
			if german {
				r.Comma = ';'
			}
			recs, err := r.ReadAll()
			if err != nil {
				t.Fatalf("CSV of %q does not parse: %v", s, err)
			}
			if len(recs) != 1 || len(recs[0]) != 2 || recs[0][1] != "tail" {
				t.Fatalf("CSV of %q reads back as %q", s, recs)
			}
			got := recs[0][0]
			if got != export.SafeCell(s) {
				t.Fatalf("CSV of %q reads back as %q, want %q", s, got, export.SafeCell(s))
			}
			if got != "" && strings.ContainsRune("=+-@\t\r", rune(got[0])) {
				t.Fatalf("cell %q starts like a formula", got)
			}
			if strings.ContainsRune(got, '\r') {
				t.Fatalf("cell %q keeps a carriage return", got)
			}
		}
	})
}
