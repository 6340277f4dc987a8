package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"sync"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
)

// Tile zoom levels kept in cluster_tiles.
const (
	MinTileZoom = 10
	MaxTileZoom = 19
)

// tileDelta adds d (+1 or -1) for a contribution centred at p to every zoom
// level of cluster_tiles. Inside the writer's transactions the change is
// collected in the batch's tileBatch and written once per tile at the end
// of the transaction (see Store.commit); elsewhere (migrations) at once.
func tileDelta(tx *sql.Tx, procedureID int64, p orb.Point, d int) error {
	if b := batchOf(tx); b != nil {
		b.add(procedureID, p, d)
		return nil
	}
	var b tileBatch
	b.add(procedureID, p, d)
	b.keep()
	return b.flush(tx)
}

type tileKey struct {
	proc    int64
	z, x, y int
}

type tileSum struct {
	n        int
	lon, lat float64
}

// tileBatch collects the tile count changes of one write transaction: cur
// holds those of the write running now, kept those of the writes that
// succeeded. A write that fails (rolled back to its savepoint) drops cur,
// so its changes are never counted; flush writes kept with one upsert per
// tile instead of one per contribution and zoom level.
type tileBatch struct {
	cur, kept map[tileKey]tileSum
}

func (b *tileBatch) add(proc int64, p orb.Point, d int) {
	if b.cur == nil {
		b.cur = map[tileKey]tileSum{}
	}
	for z := MinTileZoom; z <= MaxTileZoom; z++ {
		x, y := geo.TileXY(p, z)
		k := tileKey{proc, z, x, y}
		t := b.cur[k]
		t.n += d
		t.lon += float64(d) * p.Lon()
		t.lat += float64(d) * p.Lat()
		b.cur[k] = t
	}
}

// keep adds the running write's changes to the batch's.
func (b *tileBatch) keep() {
	if len(b.cur) == 0 {
		return
	}
	if b.kept == nil {
		b.kept, b.cur = b.cur, nil
		return
	}
	for k, d := range b.cur {
		t := b.kept[k]
		t.n += d.n
		t.lon += d.lon
		t.lat += d.lat
		b.kept[k] = t
	}
	clear(b.cur)
}

// drop forgets the running write's changes.
func (b *tileBatch) drop() { clear(b.cur) }

// tileUpsert adds rows of (procedure_id, z, x, y, n, sum_lon, sum_lat) to
// the counters; the number of rows is filled in.
const tileUpsert = `INSERT INTO cluster_tiles(procedure_id, z, x, y, n, sum_lon, sum_lat) VALUES %s
	ON CONFLICT(procedure_id, z, x, y) DO UPDATE SET n = n + excluded.n,
		sum_lon = sum_lon + excluded.sum_lon, sum_lat = sum_lat + excluded.sum_lat`

// flush writes the kept changes: in tile order, in statements of 32, 16,
// …, 1 rows (a handful of statement texts, so they stay prepared), then
// removes the tiles left empty.
func (b *tileBatch) flush(tx *sql.Tx) error {
	keys := make([]tileKey, 0, len(b.kept))
	for k, t := range b.kept {
		if t.n != 0 || t.lon != 0 || t.lat != 0 {
			keys = append(keys, k)
		}
	}
	slices.SortFunc(keys, func(a, b tileKey) int {
		return cmp.Or(cmp.Compare(a.proc, b.proc), cmp.Compare(a.z, b.z), cmp.Compare(a.x, b.x), cmp.Compare(a.y, b.y))
	})
	args := make([]any, 0, 7*32)
	for rest := keys; len(rest) > 0; {
		n := 32
		for n > len(rest) {
			n /= 2
		}
		args = args[:0]
		for _, k := range rest[:n] {
			t := b.kept[k]
			args = append(args, k.proc, k.z, k.x, k.y, t.n, t.lon, t.lat)
		}
		q := fmt.Sprintf(tileUpsert, strings.TrimSuffix(strings.Repeat("(?,?,?,?,?,?,?),", n), ","))
		if _, err := tx.Exec(q, args...); err != nil {
			return fmt.Errorf("store: unable to count tile: %w", err)
		}
		rest = rest[n:]
	}
	for _, k := range keys {
		if b.kept[k].n < 0 {
			if _, err := tx.Exec(`DELETE FROM cluster_tiles WHERE procedure_id = ? AND z = ? AND x = ? AND y = ? AND n <= 0`,
				k.proc, k.z, k.x, k.y); err != nil {
				return err
			}
		}
	}
	clear(b.kept)
	return nil
}

// tileBatches are the open tileBatches of the writers' transactions.
var tileBatches = struct {
	sync.Mutex
	m map[*sql.Tx]*tileBatch
}{m: map[*sql.Tx]*tileBatch{}}

// beginTileBatch collects the tile changes made in tx until endTileBatch.
func beginTileBatch(tx *sql.Tx) *tileBatch {
	b := &tileBatch{}
	tileBatches.Lock()
	tileBatches.m[tx] = b
	tileBatches.Unlock()
	return b
}

func endTileBatch(tx *sql.Tx) {
	tileBatches.Lock()
	delete(tileBatches.m, tx)
	tileBatches.Unlock()
}

func batchOf(tx *sql.Tx) *tileBatch {
	tileBatches.Lock()
	defer tileBatches.Unlock()
	return tileBatches.m[tx]
}

// counted reports whether a contribution belongs in cluster_tiles.
func counted(status model.ContributionStatus, located bool) bool {
	return status == model.Published && located
}

// TileClusters returns the tiles at zoom z that overlap b with their counts
// of published, located contributions; each cluster's bound is its tile's.
func (s *Store) TileClusters(ctx context.Context, procedureID int64, b orb.Bound, z int) ([]Cluster, int, error) {
	x0, y0, x1, y1 := geo.TileRange(b, z)
	rows, err := s.read.QueryContext(ctx, `SELECT x, y, n, sum_lon, sum_lat FROM cluster_tiles
		WHERE procedure_id = ? AND z = ? AND x BETWEEN ? AND ? AND y BETWEEN ? AND ? AND n > 0`, procedureID, z, x0, x1, y0, y1)
	if err != nil {
		return nil, 0, fmt.Errorf("store: unable to read tiles: %w", err)
	}
	defer rows.Close()
	var out []Cluster
	total := 0
	for rows.Next() {
		var x, y, n int
		var sl, sa float64
		if err := rows.Scan(&x, &y, &n, &sl, &sa); err != nil {
			return nil, 0, err
		}
		out = append(out, Cluster{Count: n, Center: orb.Point{sl / float64(n), sa / float64(n)}, Bound: geo.TileBound(x, y, z)})
		total += n
	}
	return out, total, rows.Err()
}

// recountTiles rebuilds cluster_tiles from the contributions (after the
// migration that adds it).
func recountTiles(tx *sql.Tx) error {
	if _, err := tx.Exec(`DELETE FROM cluster_tiles`); err != nil {
		return err
	}
	rows, err := tx.Query(`SELECT procedure_id, lon, lat FROM contributions WHERE status = 'published' AND lon IS NOT NULL`)
	if err != nil {
		return err
	}
	type row struct {
		proc int64
		p    orb.Point
	}
	var all []row
	for rows.Next() {
		var r row
		if err := rows.Scan(&r.proc, &r.p[0], &r.p[1]); err != nil {
			rows.Close()
			return err
		}
		all = append(all, r)
	}
	rows.Close()
	var b tileBatch
	for _, r := range all {
		b.add(r.proc, r.p, 1)
	}
	b.keep()
	return b.flush(tx)
}
