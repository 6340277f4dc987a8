package analysis_test

import (
	"testing"

	"github.com/mitreden/mitreden/internal/analysis"
)

// A crowd of texts alike in one place (the demo generator's 100,000) pairs
// by the million; the list keeps the MaxPairs most similar, each pair once,
// and still finds the pairs across a cell's edge.
func TestNearDuplicatesOfACrowdAreBounded(t *testing.T) {
	var cs []seedC
	for i := range 110 { // 5,995 pairs
		cs = append(cs, seedC{title: radTitle, text: radText, at: north(float64(i % 3))})
	}
	// Two more 140 m apart: whichever grid cells they fall in, they pair.
	cs = append(cs, seedC{title: "Bänke im Park", text: benchText, at: north(5000)},
		seedC{title: "Bänke im Park fehlen", text: benchText, at: north(5140)})
	_, pairs := dupes(t, cs...)
	if len(pairs) != analysis.MaxPairs {
		t.Fatalf("%d pairs, want the %d kept", len(pairs), analysis.MaxPairs)
	}
	seen := map[[2]string]bool{}
	for _, p := range pairs {
		if seen[[2]string{p.A, p.B}] || p.A == p.B {
			t.Fatalf("pair %s %s twice or with itself", p.A, p.B)
		}
		seen[[2]string{p.A, p.B}] = true
	}
	// The benches pair is less similar than the crowd's identical texts, so
	// it is not among the kept ones; alone it is found.
	_, pairs = dupes(t, cs[110:]...)
	if len(pairs) != 1 || pairs[0].Distance < 135 || pairs[0].Distance > 145 {
		t.Errorf("pair across cells: %+v", pairs)
	}
}
