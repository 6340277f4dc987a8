package viewport_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"path/filepath"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/viewport"
)

// countingStore counts the rows the viewport reads through Features.
type countingStore struct {
	*store.Store
	features int
}

func (c *countingStore) Features(ctx context.Context, f store.Filter) ([][]byte, string, int, error) {
	c.features++
	return c.Store.Features(ctx, f)
}

// TestDenseViewportsAnswerLikeTheStore: street-sized viewports holding
// more than the page, newest and oldest first, paged to the end, answer
// byte for byte what the store's query answers, without asking it; so do
// the pages of the OGC API's items (Service.Page).
func TestDenseViewportsAnswerLikeTheStore(t *testing.T) { testDenseViewports(t) }

// The same where the tiles are too full to keep all their features: the
// newest come from the kept heads, the rest by seq.
func TestDenseViewportsOfFullTilesAnswerLikeTheStore(t *testing.T) {
	defer viewport.SetTileFeatureLimits(300, 40)()
	testDenseViewports(t)
}

func testDenseViewports(t *testing.T) {
	defer viewport.SetPiecesAfter(1)()
	ctx := context.Background()
	st, p, rng := denseFixture(t)
	count := func(ctx context.Context, _ *model.Procedure, f store.Filter) (int, error) {
		return st.CountContributions(ctx, f)
	}
	cst := &countingStore{Store: st}
	vp := viewport.New(cst, count)
	joined := 0
	for i := 0; i < 24; i++ {
		w := 0.001 + rng.Float64()*0.004
		x, y := 9.95+rng.Float64()*0.004, 53.55+rng.Float64()*0.002
		b := orb.Bound{Min: orb.Point{x, y}, Max: orb.Point{x + w, y + w/2}}
		if i >= 12 {
			// Views whose edges lie on the edges of the tiles they cover.
			z := geo.TileZoom(b, 2, 14, 17)
			tx, ty := geo.TileXY(b.Center(), z)
			lo, hi := geo.TileBound(tx, ty, z), geo.TileBound(tx+1, ty-1, z)
			switch i % 3 {
			case 0:
				b = orb.Bound{Min: lo.Min, Max: hi.Max}
			case 1:
				b.Min = orb.Point{lo.Max.Lon(), lo.Max.Lat()}
			default:
				b.Max = orb.Point{lo.Max.Lon(), b.Max.Lat()}
				b.Min = orb.Point{b.Min.Lon(), lo.Min.Lat()}
			}
			if b.Min.Lon() >= b.Max.Lon() || b.Min.Lat() >= b.Max.Lat() {
				b = orb.Bound{Min: lo.Min, Max: hi.Max}
			}
		}
		sort := []string{store.SortNewest, store.SortOldest}[i%2]
		f := store.Filter{ProcedureID: p.ID, BBox: &b, Sort: sort, Limit: 97}
		for page := 0; ; page++ {
			got, err := vp.Answer(ctx, p, viewport.Query{Filter: f, Key: fmt.Sprint(i, page), Gzip: true})
			if err != nil {
				t.Fatal(err)
			}
			feats, next, total, err := st.Features(ctx, f)
			if err != nil {
				t.Fatal(err)
			}
			// The OGC API's pages: the store's features, cursor and count
			// (first page only), from the kept tiles.
			pf, pnext, ptotal, err := vp.Page(ctx, p, f)
			if err != nil {
				t.Fatal(err)
			}
			if pnext != next || ptotal != total || len(pf) != len(feats) {
				t.Fatalf("viewport %d (%s) page %d: Page gave %d features, next %q, total %d; the store %d, %q, %d", i, sort, page, len(pf), pnext, ptotal, len(feats), next, total)
			}
			for k := range pf {
				if string(pf[k]) != string(feats[k]) {
					t.Fatalf("viewport %d page %d: Page's feature %d differs from the store's", i, page, k)
				}
			}
			if total < 0 {
				total, _ = st.CountContributions(ctx, f)
			}
			want := viewport.Collection(nil, feats, total, next)
			if string(got.Body) != string(want) {
				t.Fatalf("viewport %d (%s) page %d: answer differs from the store's\n got %.300s\nwant %.300s", i, sort, page, got.Body, want)
			}
			if got.Gzip != nil {
				if b := inflate(t, got.Gzip); string(b) != string(want) {
					t.Fatalf("viewport %d (%s) page %d: the joined gzip answer inflates to other bytes than the answer", i, sort, page)
				}
				joined++
			}
			got.Release()
			if next == "" {
				break
			}
			f.Cursor = next
		}
	}
	if cst.features != 0 {
		t.Errorf("street viewports asked the store's full query %d times, want 0", cst.features)
	}
	t.Logf("%d answers joined from pieces", joined)
}

// denseFixture makes a store with a procedure of 3,000 contributions in a
// few streets, lines across tile edges and points on them.
func denseFixture(t *testing.T) (*store.Store, *model.Procedure, *rand.Rand) {
	ctx := context.Background()
	st, err := store.Open(filepath.Join(t.TempDir(), "v.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	if _, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: model.Procedure{Slug: "v", Title: "V", Settings: model.DefaultSettings(),
		Area:       orb.Polygon{{{9.9, 53.5}, {10.0, 53.5}, {10.0, 53.6}, {9.9, 53.6}, {9.9, 53.5}}},
		Categories: []model.Category{{Key: "gruen", Label: model.Labels{"de": "Grün"}}}}}); err != nil {
		t.Fatal(err)
	}
	p, err := st.ProcedureBySlug(ctx, "v")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(3, 4))
	var cs []*model.Contribution
	for i := 0; i < 3000; i++ {
		x, y := 9.95+rng.Float64()*0.006, 53.55+rng.Float64()*0.003
		var g orb.Geometry = orb.Point{x, y}
		if i%10 == 0 { // lines crossing tile edges
			g = orb.LineString{{x, y}, {x + 0.003, y + 0.001}}
		}
		created := now.Add(-time.Duration(rng.IntN(500)) * time.Minute) // many equal times
		cs = append(cs, &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: fmt.Sprint("T", i),
			Text: "Ein Text mit genug Zeichen.", Geometry: g, Origin: "online", Status: model.Published, CreatedAt: created, UpdatedAt: created})
	}
	// Points on tile edges and corners at the zooms viewports use.
	for z := 14; z <= 17; z++ {
		tx, ty := geo.TileXY(orb.Point{9.953, 53.5515}, z)
		for k := 0; k < 40; k++ {
			tb := geo.TileBound(tx+k%3, ty+k%2, z)
			var g orb.Geometry = orb.Point{tb.Min.Lon(), tb.Min.Lat() + rng.Float64()*0.001}
			if k%4 == 1 {
				g = orb.Point{tb.Min.Lon(), tb.Min.Lat()}
			} else if k%4 == 2 {
				g = orb.Point{tb.Min.Lon() + rng.Float64()*0.001, tb.Max.Lat()}
			}
			created := now.Add(-time.Duration(rng.IntN(500)) * time.Minute)
			cs = append(cs, &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: "gruen", Title: fmt.Sprint("E", z, k),
				Text: "Ein Text mit genug Zeichen.", Geometry: g, Origin: "online", Status: model.Published, CreatedAt: created, UpdatedAt: created})
		}
	}
	if err := st.InsertContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	if p, err = st.ProcedureBySlug(ctx, "v"); err != nil {
		t.Fatal(err)
	}
	return st, p, rng
}
