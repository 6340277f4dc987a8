//go:build unix

package analysis_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mitreden/mitreden/data"
	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/store"
)

// bench100k is one SQLite file with the demo procedure and 100,000
// generated contributions, made once per test binary (the benchmark
// function runs again for every b.N).
var bench100k struct {
	once sync.Once
	dir  string
	slug string
	err  error
}

// TestMain removes the benchmarks' database when the run ends.
func TestMain(m *testing.M) {
	code := m.Run()
	if bench100k.dir != "" {
		os.RemoveAll(bench100k.dir)
	}
	os.Exit(code)
}

func open100k(b *testing.B) (*store.Store, string) {
	b.Helper()
	bench100k.once.Do(func() {
		ctx := context.Background()
		bench100k.dir, bench100k.err = os.MkdirTemp("", "mitreden-bench-")
		if bench100k.err != nil {
			return
		}
		st, err := store.Open(filepath.Join(bench100k.dir, "bench.db"), store.Options{})
		if err != nil {
			bench100k.err = err
			return
		}
		defer st.Close()
		if _, err = st.Migrate(ctx); err != nil {
			bench100k.err = err
			return
		}
		sub, _ := fs.Sub(data.FS, "demo")
		if bench100k.slug, err = demo.Load(ctx, st, sub, time.Now()); err != nil {
			bench100k.err = err
			return
		}
		p, err := st.ProcedureBySlug(ctx, bench100k.slug)
		if err != nil {
			bench100k.err = err
			return
		}
		bench100k.err = demo.Generate(ctx, st, p, 100_000, 1, func(int) {})
	})
	if bench100k.err != nil {
		b.Fatal(bench100k.err)
	}
	st, err := store.Open(filepath.Join(bench100k.dir, "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	return st, bench100k.slug
}

// BenchmarkAnalysis100k runs the whole analysis of a procedure with 100,000
// contributions from a real SQLite file (the demo generator's): the view
// (words, topics, timeline, hot spots: Service.Of), the topics with the
// planners' edits, the near-duplicates and a heat grid, each from a fresh
// service as after a new procedure version. Besides time it reports
// peak-MB, the most heap in use while it ran, sys-MB, the memory the
// Go runtime took from the system, and cpu-s/op, the CPU time it used (docs/benchmarks.md holds a run).
func BenchmarkAnalysis100k(b *testing.B) {
	st, slug := open100k(b)
	ctx := context.Background()
	p, err := st.ProcedureBySlug(ctx, slug)
	if err != nil {
		b.Fatal(err)
	}
	stop := analysis.WatchPeak(func(ms *runtime.MemStats) uint64 { return ms.HeapInuse })
	b.ReportAllocs()
	cpu0 := cpuSeconds()
	b.ResetTimer()
	for range b.N {
		s := analysis.New(st)
		v, err := s.Of(ctx, p)
		if err != nil || v.Texts < 100_000 || len(v.Timeline.Days) == 0 {
			b.Fatalf("view: %d texts, %v", v.Texts, err)
		}
		if ts, err := s.Topics(ctx, p); err != nil || len(ts) < 2 {
			b.Fatalf("topics: %d, %v", len(ts), err)
		}
		if _, err := s.Duplicates(ctx, p); err != nil {
			b.Fatal(err)
		}
		if h, err := s.Heat(ctx, p, analysis.HeatFilter{}); err != nil || h.Total == 0 {
			b.Fatalf("heat: %d, %v", h.Total, err)
		}
	}
	b.StopTimer()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	b.ReportMetric(float64(stop())/(1<<20), "peak-MB")
	b.ReportMetric(float64(ms.Sys)/(1<<20), "sys-MB")
	b.ReportMetric((cpuSeconds()-cpu0)/float64(b.N), "cpu-s/op")
}

// cpuSeconds is the CPU time (user and system) the process used so far: on
// a shared machine the wall time mostly measures the wait for a core.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return float64(ru.Utime.Sec+ru.Stime.Sec) + float64(ru.Utime.Usec+ru.Stime.Usec)/1e6
}

// BenchmarkSimilar100k answers the form's question "similar contributions
// nearby?" at 100,000 contributions: the index is built once per procedure
// version (before the timer), each keystroke's query reads only the
// postings of its own stems.
func BenchmarkSimilar100k(b *testing.B) {
	st, slug := open100k(b)
	ctx := context.Background()
	p, err := st.ProcedureBySlug(ctx, slug)
	if err != nil {
		b.Fatal(err)
	}
	s := analysis.New(st)
	text := "Bank fehlt hier. Im Sommer fehlt Schatten, ältere Menschen können sich nirgends ausruhen."
	centre := p.Area.Bound().Center()
	// A procedure this large gets its first index in the background;
	// until it is there nothing is similar. Wait for it.
	deadline := time.Now().Add(5 * time.Minute)
	for {
		got, err := s.Similar(ctx, p, text, &centre, 5)
		if err != nil {
			b.Fatal(err)
		}
		if len(got) > 0 {
			break
		}
		if time.Now().After(deadline) {
			b.Fatal("no similar contribution 5 minutes after the first question")
		}
		time.Sleep(100 * time.Millisecond)
	}
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if _, err := s.Similar(ctx, p, text, &centre, 5); err != nil {
			b.Fatal(err)
		}
	}
}
