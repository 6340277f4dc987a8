package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
)

// The tile counters are written once per batch (tiles.go): after a batch
// that mixes inserts, moves, withdrawals and failing writes — a write that
// counted a contribution and then failed, a duplicate insert — the stored
// counts must equal the counts recomputed from the contributions table.
func TestTileCountsExactAfterMixedBatches(t *testing.T) {
	st, pid := tileTestStore(t)
	ctx := context.Background()
	pt := func(i int) orb.Point {
		return orb.Point{9.90 + float64(i%17)*0.0057, 53.50 + float64(i%13)*0.0071}
	}
	var ids []string
	for i := 0; i < 40; i++ {
		c := tileTestContribution(pid, pt(i))
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			t.Fatal(err)
		}
		ids = append(ids, c.ID)
	}
	checkTiles(t, st)

	errFail := errors.New("fails after counting")
	// A batch with savepoints: inserts, moves, withdrawals, a write that
	// counts a contribution and fails, a duplicate insert.
	inBatch(t, st, 60, func(i int) error {
		switch i % 6 {
		case 0:
			return st.InsertContribution(ctx, tileTestContribution(pid, pt(100+i)), nil, "")
		case 1:
			_, err := st.UpdateContribution(ctx, ids[i%len(ids)], func(c *model.Contribution) error { c.Geometry = pt(200 + i); return nil })
			return err
		case 2:
			_, err := st.UpdateContribution(ctx, ids[i%len(ids)], func(c *model.Contribution) error { c.Status = model.Withdrawn; return nil })
			return err
		case 3:
			err := st.Write(ctx, func(tx *sql.Tx) error {
				if err := insertContribution(tx, tileTestContribution(pid, pt(300+i)), nil, "", true); err != nil {
					return err
				}
				return errFail
			})
			if !errors.Is(err, errFail) {
				return fmt.Errorf("failing write: %v", err)
			}
			return nil
		case 4:
			c := tileTestContribution(pid, pt(400+i))
			c.ID = ids[0]
			if err := st.InsertContribution(ctx, c, nil, ""); !errors.Is(err, ErrConflict) {
				return fmt.Errorf("duplicate: %v", err)
			}
			return nil
		default:
			_, err := st.UpdateContribution(ctx, ids[i%len(ids)], func(c *model.Contribution) error { c.Status = model.Published; return nil })
			return err
		}
	})
	checkTiles(t, st)

	// A batch of inserts only (committed without savepoints) with
	// duplicates among them: the batch is run again with savepoints.
	inBatch(t, st, 40, func(i int) error {
		c := tileTestContribution(pid, pt(500+i))
		if i%8 == 0 {
			c.ID = ids[1]
			if err := st.InsertContribution(ctx, c, nil, ""); !errors.Is(err, ErrConflict) {
				return fmt.Errorf("duplicate: %v", err)
			}
			return nil
		}
		return st.InsertContribution(ctx, c, nil, "")
	})
	checkTiles(t, st)
	var n int
	if err := st.read.QueryRow(`SELECT COUNT(*) FROM contributions WHERE title = 'Kachel'`).Scan(&n); err != nil || n != 40+10+35 {
		t.Fatalf("stored %d contributions (%v), want %d", n, err, 40+10+35)
	}
}

// inBatch runs n writes at once while the writer is held, so that they
// queue up and commit in one batch; each write's error fails the test.
func inBatch(t *testing.T, st *Store, n int, write func(i int) error) {
	t.Helper()
	ctx := context.Background()
	gate, held := make(chan struct{}), make(chan struct{})
	go func() {
		_ = st.Write(ctx, func(*sql.Tx) error { close(held); <-gate; return nil })
	}()
	<-held
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) { defer wg.Done(); errs[i] = write(i) }(i)
	}
	for deadline := time.Now().Add(10 * time.Second); len(st.queue) < n; {
		if time.Now().After(deadline) {
			t.Fatalf("only %d of %d writes queued", len(st.queue), n)
		}
		time.Sleep(time.Millisecond)
	}
	close(gate)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
	}
}

// checkTiles compares cluster_tiles with the counts recomputed from the
// published, located contributions.
func checkTiles(t *testing.T, st *Store) {
	t.Helper()
	want := map[tileKey]tileSum{}
	rows, err := st.read.Query(`SELECT procedure_id, lon, lat FROM contributions WHERE status = 'published' AND lon IS NOT NULL`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var proc int64
		var p orb.Point
		if err := rows.Scan(&proc, &p[0], &p[1]); err != nil {
			t.Fatal(err)
		}
		for z := MinTileZoom; z <= MaxTileZoom; z++ {
			x, y := geo.TileXY(p, z)
			k := tileKey{proc, z, x, y}
			s := want[k]
			s.n++
			s.lon += p.Lon()
			s.lat += p.Lat()
			want[k] = s
		}
	}
	rows.Close()
	got := map[tileKey]tileSum{}
	rows, err = st.read.Query(`SELECT procedure_id, z, x, y, n, sum_lon, sum_lat FROM cluster_tiles`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var k tileKey
		var s tileSum
		if err := rows.Scan(&k.proc, &k.z, &k.x, &k.y, &s.n, &s.lon, &s.lat); err != nil {
			t.Fatal(err)
		}
		got[k] = s
	}
	rows.Close()
	if len(got) != len(want) {
		t.Errorf("%d tiles stored, want %d", len(got), len(want))
	}
	for k, w := range want {
		g, ok := got[k]
		if !ok || g.n != w.n || math.Abs(g.lon-w.lon) > 1e-6 || math.Abs(g.lat-w.lat) > 1e-6 {
			t.Fatalf("tile %+v: stored %+v (%v), want %+v", k, g, ok, w)
		}
	}
}

func tileTestStore(t *testing.T) (*Store, int64) {
	t.Helper()
	st, err := Open(filepath.Join(t.TempDir(), "tiles.db"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	pid, err := st.CreateProcedure(ctx, ProcedureSeed{Procedure: model.Procedure{Slug: "kacheln", Title: "Kacheln",
		Settings:   model.DefaultSettings(),
		Area:       orb.Polygon{{{9.9, 53.5}, {10.0, 53.5}, {10.0, 53.6}, {9.9, 53.6}, {9.9, 53.5}}},
		Categories: []model.Category{{Key: "gruen"}}}})
	if err != nil {
		t.Fatal(err)
	}
	return st, pid
}

func tileTestContribution(pid int64, p orb.Point) *model.Contribution {
	now := time.Now()
	return &model.Contribution{ID: uuid.NewString(), ProcedureID: pid, Category: "gruen", Title: "Kachel",
		Text: "Ein Text mit genug Zeichen.", Geometry: p, Origin: "online", Status: model.Published, CreatedAt: now, UpdatedAt: now}
}
