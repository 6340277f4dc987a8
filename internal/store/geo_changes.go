package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/paulmach/orb"
)

// geoChanged counts a change of the procedure's spatial index
// (model.Procedure.GeoVersion) and notes the box it touched in
// geo_changes (see GeoChangedIn); every write to contributions_geo calls
// it. Changes older than keptGeoChanges are forgotten.
func geoChanged(tx *sql.Tx, procedureID int64, b orb.Bound) error {
	var v int64
	if err := tx.QueryRow(`UPDATE procedures SET geo_version = geo_version + 1 WHERE id = ? RETURNING geo_version`, procedureID).Scan(&v); err != nil {
		return fmt.Errorf("store: unable to count a change of the spatial index: %w", err)
	}
	if _, err := tx.Exec(`INSERT INTO geo_changes(procedure_id, geo_version, min_lon, min_lat, max_lon, max_lat) VALUES (?,?,?,?,?,?)`,
		procedureID, v, b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat()); err != nil {
		return fmt.Errorf("store: unable to note a change of the spatial index: %w", err)
	}
	if v > keptGeoChanges {
		if _, err := tx.Exec(`DELETE FROM geo_changes WHERE procedure_id = ? AND geo_version <= ?`, procedureID, v-keptGeoChanges); err != nil {
			return fmt.Errorf("store: unable to forget old changes of the spatial index: %w", err)
		}
	}
	return nil
}

// keptGeoChanges is how many of a procedure's newest spatial index changes
// geo_changes keeps: a tile kept further back is read again.
const keptGeoChanges = 4096

// GeoChangedIn reports whether the spatial index of the procedure changed
// within b between its geo versions after (exclusive) and upto
// (inclusive): true also when the changes are no longer all known. A map
// tile kept at after is still right at upto when it reports false.
func (s *Store) GeoChangedIn(ctx context.Context, procedureID, after, upto int64, b orb.Bound) (bool, error) {
	if after >= upto {
		return after > upto, nil
	}
	var n, overlapping int64
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*), COALESCE(SUM(min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ?), 0)
		FROM geo_changes WHERE procedure_id = ? AND geo_version > ? AND geo_version <= ?`,
		b.Max.Lon(), b.Min.Lon(), b.Max.Lat(), b.Min.Lat(), procedureID, after, upto).Scan(&n, &overlapping)
	if err != nil {
		return true, fmt.Errorf("store: unable to read the changes of the spatial index: %w", err)
	}
	return n != upto-after || overlapping > 0, nil
}

// geoBox returns the box the spatial index holds for the contribution seq;
// had is false when it holds none.
func geoBox(tx *sql.Tx, seq int64) (b orb.Bound, had bool, err error) {
	err = tx.QueryRow(`SELECT min_lon, min_lat, max_lon, max_lat FROM contributions_geo WHERE seq = ?`, seq).
		Scan(&b.Min[0], &b.Min[1], &b.Max[0], &b.Max[1])
	if errors.Is(err, sql.ErrNoRows) {
		return b, false, nil
	}
	if err != nil {
		return b, false, fmt.Errorf("store: unable to read the spatial index: %w", err)
	}
	return b, true, nil
}
