package analysis_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
)

// Texts with the same words are one class and compared by place only: all
// their pairs within DuplicateDistance are found, scoring 1, the nearest
// first, each once, across the grid's cells.
func TestIdenticalTextsPairByDistance(t *testing.T) {
	var cs []seedC
	for k := range 60 { // 0 … 118 m apart along a line: 1,770 pairs
		cs = append(cs, seedC{title: radTitle, text: radText, at: north(float64(k * 2))})
	}
	cs = append(cs, seedC{title: "Bänke im Park", text: benchText, at: north(3)})
	ids, pairs := dupes(t, cs...)
	pos := map[string]int{}
	for i, id := range ids {
		pos[id] = i
	}
	if len(pairs) != 60*59/2 {
		t.Fatalf("%d pairs, want %d", len(pairs), 60*59/2)
	}
	seen := map[[2]int]bool{}
	for n, p := range pairs {
		a, b := pos[p.A], pos[p.B]
		if a >= b || a >= 60 || seen[[2]int{a, b}] {
			t.Fatalf("pair %d: %d–%d (older first, each once, no bench)", n, a, b)
		}
		seen[[2]int{a, b}] = true
		if want := float64((b - a) * 2); p.Score != 1 || p.Distance < want-1 || p.Distance > want+1 {
			t.Fatalf("pair %d: %d–%d %+v, want score 1 at %v m", n, a, b, p, want)
		}
		if n > 0 && p.Distance < pairs[n-1].Distance {
			t.Fatalf("pair %d at %v m after one at %v m", n, p.Distance, pairs[n-1].Distance)
		}
	}
}

// A crowd of identical texts larger than a MinHash bucket (500) is still
// compared as a whole: the best pairs (without a place: by ids) may be among
// the texts read last.
func TestIdenticalTextsBeyondABucket(t *testing.T) {
	st, p := empty(t)
	ctx := context.Background()
	start := time.Now().Add(-time.Hour)
	var rows []*model.Contribution
	for i := range 700 {
		at := start.Add(time.Duration(i) * time.Second)
		// The last 100 have the smallest ids.
		id := fmt.Sprintf("ffffffff-0000-4000-8000-%012d", i)
		if i >= 600 {
			id = fmt.Sprintf("00000000-0000-4000-8000-%012d", i)
		}
		rows = append(rows, &model.Contribution{ID: id, ProcedureID: p.ID, Category: "gruen", Title: radTitle,
			Text: radText, Origin: "online", Status: model.Published, CreatedAt: at, UpdatedAt: at})
	}
	if err := st.InsertContributions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcedureBySlug(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	pairs, err := analysis.New(st).Duplicates(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(pairs) != analysis.MaxPairs {
		t.Fatalf("%d pairs", len(pairs))
	}
	for n, pr := range pairs[:100*99/2] {
		if pr.A[:8] != "00000000" || pr.B[:8] != "00000000" || pr.A >= pr.B || pr.Distance != -1 || pr.Score != 1 {
			t.Fatalf("pair %d: %+v, want two of the last 100, older first", n, pr)
		}
	}
}

// The near-duplicates read with the analysis view (one read of the store
// for both) are the ones read alone: waiting contributions count, hidden
// ones do not.
func TestDuplicatesReadWithTheViewAreTheSame(t *testing.T) {
	st, p := empty(t)
	ctx := context.Background()
	start := time.Now().Add(-time.Hour)
	var rows []*model.Contribution
	for i, c := range []seedC{
		{title: radTitle, text: radText, at: north(0)},
		{title: radTitle2, text: radText2, at: north(30), status: model.Submitted},
		{title: radTitle, text: radText, at: north(5), status: model.Hidden},
		{title: "Bänke im Park", text: benchText, at: north(10)},
		{title: "Bänke im Park", text: benchText, at: north(60)},
	} {
		at := start.Add(time.Duration(i) * time.Minute)
		if c.status == "" {
			c.status = model.Published
		}
		rows = append(rows, &model.Contribution{ID: fmt.Sprintf("00000000-0000-4000-8000-%012d", i), ProcedureID: p.ID,
			Category: "gruen", Title: c.title, Text: c.text, Geometry: c.at, Origin: "online", Status: c.status, CreatedAt: at, UpdatedAt: at})
	}
	if err := st.InsertContributions(ctx, rows); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcedureBySlug(ctx, "test")
	if err != nil {
		t.Fatal(err)
	}
	alone, err := analysis.New(st).Duplicates(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	s := analysis.New(st)
	if _, err := s.Of(ctx, p); err != nil {
		t.Fatal(err)
	}
	with, err := s.Duplicates(ctx, p)
	if err != nil {
		t.Fatal(err)
	}
	if len(alone) != 2 || fmt.Sprint(alone) != fmt.Sprint(with) {
		t.Fatalf("alone %+v\nwith the view %+v", alone, with)
	}
}
