package authoring

import (
	"bytes"
	"testing"
)

func codes(t *testing.T, errs interface{ Error() string }) string {
	t.Helper()
	if errs == nil {
		return ""
	}
	return errs.Error()
}

func TestTimelineRules(t *testing.T) {
	for _, c := range []struct {
		name string
		rows []PhaseRow
		want string // a code in the errors, "" for valid
	}{
		{"valid, given out of order", []PhaseRow{{Kind: "evaluation", Start: "2031-04-01", End: "2031-04-30"},
			{Kind: "participation", Start: "2031-03-01", End: "2031-03-31"}, {}}, ""},
		{"adjacent days do not overlap", []PhaseRow{{Kind: "information", Start: "2031-02-01", End: "2031-02-28"},
			{Kind: "participation", Start: "2031-03-01", End: "2031-03-01"}}, ""},
		{"overlap", []PhaseRow{{Kind: "participation", Start: "2031-03-01", End: "2031-03-31"},
			{Kind: "evaluation", Start: "2031-03-31", End: "2031-04-30"}}, "phase-2-start: author_phase_overlap"},
		{"no participation", []PhaseRow{{Kind: "information", Start: "2031-03-01", End: "2031-03-31"}}, "phases: author_phase_participation"},
		{"nothing", nil, "phases: author_phase_participation"},
		{"unknown kind", []PhaseRow{{Kind: "party", Start: "2031-03-01", End: "2031-03-31"}}, "phase-1-kind: author_phase_kind"},
		{"bad date", []PhaseRow{{Kind: "participation", Start: "1.3.2031", End: "2031-03-31"}}, "phase-1-start: author_phase_date"},
		{"backwards", []PhaseRow{{Kind: "participation", Start: "2031-03-31", End: "2031-03-01"}}, "phase-1-end: author_phase_backwards"},
	} {
		phases, errs := ParsePhases(c.rows)
		got := ""
		if len(errs) > 0 {
			got = codes(t, errs)
		}
		if c.want == "" && got != "" || c.want != "" && !bytes.Contains([]byte(got), []byte(c.want)) {
			t.Errorf("%s: %q, want %q", c.name, got, c.want)
		}
		if c.want == "" && (len(phases) == 0 || !phases[0].StartsAt.Before(phases[len(phases)-1].StartsAt) && len(phases) > 1) {
			t.Errorf("%s: phases %v not in order", c.name, phases)
		}
	}
}

func TestFilesAreJudgedByContent(t *testing.T) {
	for _, c := range []struct {
		name string
		data []byte
		kind string
		code string
	}{
		{"pdf", []byte("%PDF-1.7\n..."), "application/pdf", ""},
		{"png", []byte("\x89PNG\r\n\x1a\n0000"), "image/png", ""},
		{"jpeg", []byte("\xff\xd8\xff\xe0\x00\x10JFIF"), "image/jpeg", ""},
		{"windows program", []byte("MZ\x90\x00\x03\x00"), "", "author_file_type"},
		{"svg", []byte(`<svg xmlns="http://www.w3.org/2000/svg"><script>x()</script></svg>`), "", "author_file_svg"},
		{"svg after a BOM and comment", []byte("\xef\xbb\xbf<!-- a --><SVG onload=x()>"), "", "author_file_svg"},
		{"html", []byte("<html><body>hi"), "", "author_file_type"},
		{"empty", nil, "", "author_file_empty"},
		{"too big", append([]byte("%PDF-"), make([]byte, MaxUpload)...), "", "author_file_too_big"},
	} {
		kind, code := Sniff(c.data)
		if kind != c.kind || code != c.code {
			t.Errorf("%s: %q %q, want %q %q", c.name, kind, code, c.kind, c.code)
		}
	}
	for name, want := range map[string]string{`C:\Users\x\Plan Entwurf.exe`: "Plan-Entwurf.pdf", "../../etc/passwd": "passwd.pdf",
		"Grünfläche.PDF": "Gruenflaeche.pdf", `"<>.pdf`: "datei.pdf"} {
		if got := SafeName(name, "application/pdf"); got != want {
			t.Errorf("SafeName(%q) = %q, want %q", name, got, want)
		}
	}
}

func TestAreaFromEveryInput(t *testing.T) {
	square := `{"type":"Polygon","coordinates":[[[9.93,53.55],[9.95,53.55],[9.95,53.56],[9.93,53.55]]]}`
	for _, c := range []struct {
		name string
		in   AreaInput
		code string
	}{
		{"polygon", AreaInput{Source: AreaGeoJSON, Text: square}, ""},
		{"feature", AreaInput{Source: AreaFile, File: []byte(`{"type":"Feature","properties":null,"geometry":` + square + `}`)}, ""},
		{"multipolygon of one", AreaInput{Source: AreaGeoJSON, Text: `{"type":"MultiPolygon","coordinates":[[[[9.93,53.55],[9.95,53.55],[9.95,53.56],[9.93,53.55]]]]}`}, ""},
		{"two features", AreaInput{Source: AreaFile, File: []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":` + square + `},{"type":"Feature","geometry":` + square + `}]}`)}, "author_area_one"},
		{"line", AreaInput{Source: AreaGeoJSON, Text: `{"type":"LineString","coordinates":[[9.93,53.55],[9.95,53.55]]}`}, "author_area_polygon"},
		{"not closed", AreaInput{Source: AreaGeoJSON, Text: `{"type":"Polygon","coordinates":[[[9.93,53.55],[9.95,53.55],[9.95,53.56],[9.94,53.57]]]}`}, "geometry_not_closed"},
		{"bow tie", AreaInput{Source: AreaGeoJSON, Text: `{"type":"Polygon","coordinates":[[[0,0],[1,1],[1,0],[0,1],[0,0]]]}`}, "geometry_self_intersection"},
		{"out of range", AreaInput{Source: AreaCoords, Text: "95, 9\n53, 9.1\n53.1, 9.1"}, "geometry_range"},
		{"typed, German commas", AreaInput{Source: AreaCoords, Text: "53,55; 9,93\n53,55; 9,95\n53,56; 9,95"}, ""},
		{"typed, two corners", AreaInput{Source: AreaCoords, Text: "53.55 9.93\n53.55 9.95"}, "geometry_too_few_vertices"},
		{"empty", AreaInput{Source: AreaGeoJSON}, "required"},
	} {
		_, errs := ParseArea(c.in)
		got := ""
		if len(errs) > 0 {
			got = errs[0].Code
		}
		if got != c.code {
			t.Errorf("%s: %q, want %q", c.name, got, c.code)
		}
	}
}
