package analysis_test

import (
	"context"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/analysis"
)

// A large analysis does not hold up the page: the next version's is
// computed in the background while the previous one is answered, marked
// stale; then the new one is answered. A small one is waited for.
func TestALargeAnalysisIsRecomputedInTheBackground(t *testing.T) {
	st, _ := seeded(t)
	ctx := context.Background()
	svc := analysis.New(st)
	p := withCorpus(t, st, 0, 40)
	if v, err := svc.Of(ctx, p); err != nil || v.Stale || v.Texts != 43 {
		t.Fatalf("first: %d texts, stale %v, %v", v.Texts, v.Stale, err)
	}
	p2 := withCorpus(t, st, 40, 10)
	if v, _ := svc.Of(ctx, p2); v.Stale || v.Texts != 53 {
		t.Fatalf("a quick analysis is waited for: %d texts, stale %v", v.Texts, v.Stale)
	}
	analysis.SetBackground(svc, 50) // 53 texts now count as many
	p3 := withCorpus(t, st, 50, 10)
	v, err := svc.Of(ctx, p3)
	if err != nil || !v.Stale || v.Version != p2.Version || v.Texts != 53 {
		t.Fatalf("while computing: version %d (want %d), stale %v, %d texts, %v", v.Version, p2.Version, v.Stale, v.Texts, err)
	}
	deadline := time.Now().Add(20 * time.Second)
	for v.Stale && time.Now().Before(deadline) {
		time.Sleep(20 * time.Millisecond)
		v, _ = svc.Of(ctx, p3)
	}
	if v.Stale || v.Version != p3.Version || v.Texts != 63 {
		t.Fatalf("after the background run: version %d, stale %v, %d texts", v.Version, v.Stale, v.Texts)
	}
}
