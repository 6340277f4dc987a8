package analysis

import (
	"regexp"
	"testing"
)

// Two charts on one page with titles in a non-Latin script get different
// ids (the Nu HTML checker found "chart-" twice on the Ukrainian and Arabic
// statistics pages).
func TestChartIDsKeepNonLatinLetters(t *testing.T) {
	idOf := regexp.MustCompile(`<title id="([^"]+)"`)
	a := idOf.FindStringSubmatch(string(BarChart("Внески за категоріями", nil)))
	b := idOf.FindStringSubmatch(string(BarChart("Внески за типом", nil)))
	if a == nil || b == nil || a[1] == b[1] {
		t.Fatalf("chart ids %q and %q", a, b)
	}
}
