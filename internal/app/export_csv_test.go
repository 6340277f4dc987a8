package app_test

import (
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// The CSV German spreadsheets open directly is offered beside the standard
// one, as export.csv-de and as export.csv?dialect=de.
func TestGermanCSVExport(t *testing.T) {
	e := newEnv(t, nil)
	planner := "Bearer " + e.token(t, "planerin@example.org", model.RolePlanner)
	base := "/api/v1/procedures/" + slug + "/export."
	for _, path := range []string{base + "csv-de", base + "csv?dialect=de"} {
		r := e.do(t, "GET", path, "", "", "Authorization", planner)
		if r.status != 200 || !strings.HasPrefix(r.body, "\uFEFFid;category;category_label;") || !strings.Contains(r.body, "\r\n") ||
			!strings.HasPrefix(r.header.Get("Content-Type"), "text/csv") ||
			!strings.Contains(r.header.Get("Content-Disposition"), `filename="`+slug+`.de.csv"`) {
			t.Fatalf("GET %s = %d %v %.100q", path, r.status, r.header, r.body)
		}
	}
	if r := e.do(t, "GET", base+"csv", "", "", "Authorization", planner); r.status != 200 || !strings.HasPrefix(r.body, "\uFEFFid,category,") {
		t.Fatalf("standard CSV: %d %.60q", r.status, r.body)
	}
	if r := e.do(t, "GET", base+"xlsx?dialect=de", "", "", "Authorization", planner); r.status != 400 || !strings.Contains(r.body, "unknown_dialect") {
		t.Fatalf("dialect on xlsx: %d %s", r.status, r.body)
	}
}
