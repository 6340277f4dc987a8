package store_test

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/data"
	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

var (
	benchOnce sync.Map // size → *benchDB
)

type benchDB struct {
	once sync.Once
	st   *store.Store
	p    *model.Procedure
	err  error
}

// benchStore returns a store with the demo procedure and n synthetic
// contributions, generated once per size and process (MITREDEN_BENCH_N
// overrides the default 100,000).
func benchStore(b *testing.B, n int) (*store.Store, *model.Procedure) {
	v, _ := benchOnce.LoadOrStore(n, &benchDB{})
	db := v.(*benchDB)
	db.once.Do(func() {
		dir, err := os.MkdirTemp("", "mitreden-bench")
		if err != nil {
			db.err = err
			return
		}
		st, err := store.Open(filepath.Join(dir, "bench.db"), store.Options{})
		if err != nil {
			db.err = err
			return
		}
		ctx := context.Background()
		if _, err := st.Migrate(ctx); err != nil {
			db.err = err
			return
		}
		sub, _ := fs.Sub(data.FS, "demo")
		seed, err := demo.ReadProcedure(sub, time.Now())
		if err != nil {
			db.err = err
			return
		}
		if _, err := st.CreateProcedure(ctx, seed); err != nil {
			db.err = err
			return
		}
		db.p, _ = st.ProcedureBySlug(ctx, seed.Procedure.Slug)
		db.err = demo.Generate(ctx, st, db.p, n, 1, nil)
		db.st = st
	})
	if db.err != nil {
		b.Fatal(db.err)
	}
	return db.st, db.p
}

func benchN() int {
	if v, err := strconv.Atoi(os.Getenv("MITREDEN_BENCH_N")); err == nil && v > 0 {
		return v
	}
	return 100_000
}

// A street-sized viewport (about 300 m × 200 m) in the middle of the area.
func viewport(p *model.Procedure) orb.Bound {
	c := p.Area.Bound().Center()
	return orb.Bound{Min: orb.Point{c[0] - 0.0022, c[1] - 0.0009}, Max: orb.Point{c[0] + 0.0022, c[1] + 0.0009}}
}

func BenchmarkViewportFeatures(b *testing.B) {
	st, p := benchStore(b, benchN())
	bb := viewport(p)
	ctx := context.Background()
	f := store.Filter{ProcedureID: p.ID, BBox: &bb, Limit: 1000}
	feats, _, _, err := st.Features(ctx, f)
	if err != nil {
		b.Fatal(err)
	}
	bytes := 0
	for _, x := range feats {
		bytes += len(x)
	}
	b.ReportMetric(float64(len(feats)), "features/op")
	b.SetBytes(int64(bytes))
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, _, err := st.Features(ctx, f); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkListNewestPage(b *testing.B) {
	st, p := benchStore(b, benchN())
	ctx := context.Background()
	for _, sort := range []string{store.SortNewest, store.SortRated} {
		b.Run(sort, func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				if _, _, err := st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Sort: sort, Limit: 20}); err != nil {
					b.Fatal(err)
				}
			}
		})
	}
}

func BenchmarkCountWithSearch(b *testing.B) {
	st, p := benchStore(b, benchN())
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		if _, err := st.CountContributions(ctx, store.Filter{ProcedureID: p.ID, Query: "Baum"}); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkSubmitGroupCommit(b *testing.B) {
	st, p := benchStore(b, 1000)
	ctx := context.Background()
	b.SetParallelism(16)
	var i int64
	var mu sync.Mutex
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			mu.Lock()
			i++
			n := i
			mu.Unlock()
			c := contribution(p, fmt.Sprintf("Bench %d", n), orb.Point{9.945, 53.556}, time.Now())
			if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
				b.Fatal(err)
			}
		}
	})
}

// BenchmarkViewportGrowth measures the same street-sized viewport at
// growing sizes; thanks to the R*Tree the cost should follow the rows the
// viewport holds, not the table. Sizes from MITREDEN_BENCH_GROWTH
// (comma-separated, default "10000,100000"; add 1000000 for the full run).
func BenchmarkViewportGrowth(b *testing.B) {
	sizes := []int{10_000, 100_000}
	if v := os.Getenv("MITREDEN_BENCH_GROWTH"); v != "" {
		sizes = nil
		for _, f := range strings.Split(v, ",") {
			if n, err := strconv.Atoi(strings.TrimSpace(f)); err == nil && n > 0 {
				sizes = append(sizes, n)
			}
		}
	}
	for _, n := range sizes {
		b.Run(strconv.Itoa(n), func(b *testing.B) {
			st, p := benchStore(b, n)
			ctx := context.Background()
			c := p.Area.Bound().Center()
			// A fixed ~70 m × 45 m box: at every size it holds a share of rows
			// proportional to the density, so per-row cost is what grows.
			bb := orb.Bound{Min: orb.Point{c[0] - 0.0005, c[1] - 0.0002}, Max: orb.Point{c[0] + 0.0005, c[1] + 0.0002}}
			f := store.Filter{ProcedureID: p.ID, BBox: &bb, Limit: 1000}
			feats, _, matched, err := st.Features(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			// At high density the box holds more than the limit: the index
			// visits every match (to pick the newest and count them all) and
			// returns 1,000, so the cost per matched row is the flat one.
			b.ReportMetric(float64(len(feats)), "rows/op")
			b.ReportMetric(float64(matched), "matched/op")
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				if _, _, _, err := st.Features(ctx, f); err != nil {
					b.Fatal(err)
				}
			}
			b.StopTimer()
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(len(feats), 1)), "ns/row")
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N)/float64(max(matched, 1)), "ns/matched")
		})
	}
}

// BenchmarkSubmitOneTxEach is the raw rate of the same inserts, one
// transaction each from a single writer, for comparison with
// BenchmarkSubmitGroupCommit.
func BenchmarkSubmitOneTxEach(b *testing.B) {
	st, p := benchStore(b, 1000)
	ctx := context.Background()
	for i := 0; i < b.N; i++ {
		c := contribution(p, fmt.Sprintf("Seriell %d", i), orb.Point{9.945, 53.556}, time.Now())
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			b.Fatal(err)
		}
	}
}
