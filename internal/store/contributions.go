package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
)

// InsertContribution stores a new contribution, indexes it and, when it is
// published, records a contribution.created event. manageHash is the hash of
// the private manage token (nil for none); importKey makes imports idempotent
// (empty for none).
func (s *Store) InsertContribution(ctx context.Context, c *model.Contribution, manageHash []byte, importKey string) error {
	// Rerunnable: a second run sets c.Seq again and nothing else outside
	// the transaction.
	return s.writeRerunnable(ctx, func(tx *sql.Tx) error {
		if err := insertContribution(tx, c, manageHash, importKey, true); err != nil {
			return err
		}
		return bumpVersion(tx, c.ProcedureID)
	})
}

// insertContribution stores one row and its R*Tree entry; withEvent also
// records a contribution.created event when it is published.
func insertContribution(tx *sql.Tx, c *model.Contribution, manageHash []byte, importKey string, withEvent bool) error {
	geom, err := geometryText(c.Geometry)
	if err != nil {
		return err
	}
	var lon, lat any
	if c.Geometry != nil {
		ctr := c.Geometry.Bound().Center()
		lon, lat = ctr.Lon(), ctr.Lat()
	}
	var key any
	if importKey != "" {
		key = importKey
	}
	var mh any
	if manageHash != nil {
		mh = manageHash
	}
	feat := FeatureJSON(c) // rendered once, for the row and the event
	res, err := tx.Exec(`INSERT INTO contributions(id, procedure_id, category, type, title, text, geom_type, geometry, lon, lat,
		author_name, origin, status, reason, manage_token_hash, import_key, up, down, comments, feature, created_at, updated_at, planning_status)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		c.ID, c.ProcedureID, c.Category, c.Type, c.Title, c.Text, c.GeometryType(), geom, lon, lat,
		c.AuthorName, c.Origin, c.Status, c.Reason, mh, key, c.Up, c.Down, c.Comments, feat,
		ms(c.CreatedAt), ms(c.UpdatedAt), c.PlanningStatus)
	if isUnique(err) {
		return fmt.Errorf("%w: contribution", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: unable to insert contribution: %w", err)
	}
	c.Seq, _ = res.LastInsertId()
	if c.Geometry != nil {
		if err := indexGeo(tx, c); err != nil {
			return err
		}
	}
	if counted(c.Status, c.Geometry != nil) {
		if err := tileDelta(tx, c.ProcedureID, c.Geometry.Bound().Center(), 1); err != nil {
			return err
		}
	}
	if withEvent && c.Status == model.Published {
		if err := addCreatedEvent(tx, c, feat); err != nil {
			return err
		}
	}
	return nil
}

// addCreatedEvent records the contribution.created event of c, whose
// Feature bytes are feat: addEvent with the subject known, instead of read
// back from the bytes.
func addCreatedEvent(tx *sql.Tx, c *model.Contribution, feat []byte) error {
	var subject any
	if c.ID != "" {
		subject = c.ID
	}
	if _, err := tx.Exec(`INSERT INTO events(procedure_id, type, data, created_at, contribution_id, comment_id) VALUES (?,?,?,?,?,NULL)`,
		c.ProcedureID, "contribution.created", feat, ms(time.Now()), subject); err != nil {
		return fmt.Errorf("store: unable to record event: %w", err)
	}
	return nil
}

// indexGeo adds a located contribution to the spatial index; the change
// noted covers also the boxes in also (a move's old place).
func indexGeo(tx *sql.Tx, c *model.Contribution, also ...orb.Bound) error {
	b := c.Geometry.Bound()
	if _, err := tx.Exec(`INSERT INTO contributions_geo(seq, min_lon, max_lon, min_lat, max_lat, procedure_id, published, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, c.Seq, b.Min.Lon(), b.Max.Lon(), b.Min.Lat(), b.Max.Lat(), c.ProcedureID,
		c.Status == model.Published, ms(c.CreatedAt)); err != nil {
		return fmt.Errorf("store: unable to index contribution: %w", err)
	}
	changed := b
	for _, o := range also {
		changed = changed.Union(o)
	}
	return geoChanged(tx, c.ProcedureID, changed)
}

func bumpVersion(tx *sql.Tx, procedureID int64) error {
	_, err := tx.Exec(`UPDATE procedures SET version = version + 1 WHERE id = ?`, procedureID)
	if err != nil {
		return fmt.Errorf("store: unable to bump version: %w", err)
	}
	return nil
}

const contributionCols = `seq, id, procedure_id, category, type, title, text, geometry, author_name, origin, status, reason, merged_into, up, down, comments, created_at, updated_at, planning_status`

// scanContribution reads the contributionCols of a row; extra receives
// columns selected after them.
func scanContribution(row interface{ Scan(...any) error }, extra ...any) (*model.Contribution, error) {
	var c model.Contribution
	var geom, merged sql.NullString
	var created, updated int64
	dest := append([]any{&c.Seq, &c.ID, &c.ProcedureID, &c.Category, &c.Type, &c.Title, &c.Text, &geom, &c.AuthorName,
		&c.Origin, &c.Status, &c.Reason, &merged, &c.Up, &c.Down, &c.Comments, &created, &updated, &c.PlanningStatus}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.MergedInto = merged.String
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	if geom.Valid {
		if g, err := geo.DecodeStored([]byte(geom.String)); err == nil {
			c.Geometry = g
		}
	}
	return &c, nil
}

// Contribution returns one contribution by its public id, in any status.
func (s *Store) Contribution(ctx context.Context, id string) (*model.Contribution, error) {
	c, err := scanContribution(s.read.QueryRowContext(ctx, `SELECT `+contributionCols+` FROM contributions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch contribution: %w", err)
	}
	return c, nil
}

// ContributionByManageHash returns the contribution whose manage token hashes to h.
func (s *Store) ContributionByManageHash(ctx context.Context, h []byte) (*model.Contribution, error) {
	c, err := scanContribution(s.read.QueryRowContext(ctx, `SELECT `+contributionCols+` FROM contributions WHERE manage_token_hash = ?`, h))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch contribution: %w", err)
	}
	return c, nil
}

// UpdateContribution loads the contribution id inside the write transaction,
// lets change modify it and stores the result: row, ready feature bytes,
// R*Tree entry and an event when residents can see the change.
func (s *Store) UpdateContribution(ctx context.Context, id string, change func(*model.Contribution) error) (*model.Contribution, error) {
	return s.updateContribution(ctx, id, change, nil)
}

// updateContribution is UpdateContribution with a hook that runs in the
// same transaction after the row is saved (audit entries, checks of other
// rows); its error undoes the change.
func (s *Store) updateContribution(ctx context.Context, id string, change func(*model.Contribution) error, after func(*sql.Tx, *model.Contribution) error) (*model.Contribution, error) {
	var out *model.Contribution
	err := s.Write(ctx, func(tx *sql.Tx) error {
		c, err := scanContribution(tx.QueryRow(`SELECT `+contributionCols+` FROM contributions WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		before := c.Status
		if err := change(c); err != nil {
			return err
		}
		c.UpdatedAt = time.Now().UTC()
		if err := saveContribution(tx, c); err != nil {
			return err
		}
		if after != nil {
			if err := after(tx, c); err != nil {
				return err
			}
		}
		if c.Status == model.Withdrawn && before != model.Withdrawn {
			// The address goes with the contribution (issue 15).
			if err := eraseSubscriptionOf(tx, c.ID); err != nil {
				return err
			}
		}
		if err := contributionEvents(tx, c, before); err != nil {
			return err
		}
		out = c
		return bumpVersion(tx, c.ProcedureID)
	})
	return out, err
}

// nullable stores "" as NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func saveContribution(tx *sql.Tx, c *model.Contribution) error {
	geom, err := geometryText(c.Geometry)
	if err != nil {
		return err
	}
	var oldStatus model.ContributionStatus
	var oldGeom sql.NullString
	var oldLon, oldLat sql.NullFloat64
	if err := tx.QueryRow(`SELECT status, geometry, lon, lat FROM contributions WHERE seq = ?`, c.Seq).
		Scan(&oldStatus, &oldGeom, &oldLon, &oldLat); err != nil {
		return fmt.Errorf("store: unable to read contribution: %w", err)
	}
	if err := featureChanged(tx, c.ProcedureID, c.Seq); err != nil {
		return err
	}
	var lon, lat any
	var centre orb.Point
	if c.Geometry != nil {
		centre = c.Geometry.Bound().Center()
		lon, lat = centre.Lon(), centre.Lat()
	}
	if _, err := tx.Exec(`UPDATE contributions SET category=?, type=?, title=?, text=?, geom_type=?, geometry=?, lon=?, lat=?,
		author_name=?, status=?, reason=?, merged_into=?, up=?, down=?, comments=?, feature=?, updated_at=?, planning_status=? WHERE seq=?`,
		c.Category, c.Type, c.Title, c.Text, c.GeometryType(), geom, lon, lat, c.AuthorName, c.Status, c.Reason, nullable(c.MergedInto),
		c.Up, c.Down, c.Comments, FeatureJSON(c), ms(c.UpdatedAt), c.PlanningStatus, c.Seq); err != nil {
		return fmt.Errorf("store: unable to update contribution: %w", err)
	}
	newGeom, _ := geom.(string)
	moved := oldGeom.String != newGeom || oldGeom.Valid != (c.Geometry != nil)
	if moved {
		// The change touches the old place and the new one.
		old, had, err := geoBox(tx, c.Seq)
		if err != nil {
			return err
		}
		if _, err := tx.Exec(`DELETE FROM contributions_geo WHERE seq = ?`, c.Seq); err != nil {
			return err
		}
		switch {
		case c.Geometry != nil && had:
			if err := indexGeo(tx, c, old); err != nil { // counts the change
				return err
			}
		case c.Geometry != nil:
			if err := indexGeo(tx, c); err != nil {
				return err
			}
		case had:
			if err := geoChanged(tx, c.ProcedureID, old); err != nil {
				return err
			}
		}
	} else if oldStatus != c.Status && c.Geometry != nil {
		if _, err := tx.Exec(`UPDATE contributions_geo SET published = ? WHERE seq = ?`, c.Status == model.Published, c.Seq); err != nil {
			return fmt.Errorf("store: unable to index contribution: %w", err)
		}
		if err := geoChanged(tx, c.ProcedureID, c.Geometry.Bound()); err != nil {
			return err
		}
	}
	if moved || oldStatus != c.Status {
		if counted(oldStatus, oldLon.Valid) {
			if err := tileDelta(tx, c.ProcedureID, orb.Point{oldLon.Float64, oldLat.Float64}, -1); err != nil {
				return err
			}
		}
		if counted(c.Status, c.Geometry != nil) {
			if err := tileDelta(tx, c.ProcedureID, centre, 1); err != nil {
				return err
			}
		}
	}
	return nil
}

// Contributions lists contributions matching f and returns the cursor of the
// next page ("" at the end).
func (s *Store) Contributions(ctx context.Context, f Filter) ([]*model.Contribution, string, error) {
	var out []*model.Contribution
	var keys [][2]int64
	err := f.readPage("c."+strings.ReplaceAll(contributionCols, ", ", ", c."), func(q string, args []any) (n int, err error) {
		out, keys, err = s.queryContributions(ctx, q, args)
		return len(out), err
	})
	if err != nil {
		return nil, "", err
	}
	return trimPage(out, keys, f.Limit)
}

// queryContributions reads the rows of a page query: the contribution,
// sort value and seq.
func (s *Store) queryContributions(ctx context.Context, q string, args []any) ([]*model.Contribution, [][2]int64, error) {
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to list contributions: %w", err)
	}
	defer rows.Close()
	var out []*model.Contribution
	var keys [][2]int64
	for rows.Next() {
		var sortV, seq int64
		c, err := scanContribution(rows, &sortV, &seq)
		if err != nil {
			return nil, nil, err
		}
		out = append(out, c)
		keys = append(keys, [2]int64{sortV, seq})
	}
	return out, keys, rows.Err()
}

// InsertContributions stores many synthetic contributions in one
// transaction (trials, benchmarks). It records no live events — a million
// generated rows are not news — and bumps the version once.
func (s *Store) InsertContributions(ctx context.Context, cs []*model.Contribution) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		procs := map[int64]bool{}
		for _, c := range cs {
			if err := insertContribution(tx, c, nil, "", false); err != nil {
				return err
			}
			procs[c.ProcedureID] = true
		}
		for id := range procs {
			if err := bumpVersion(tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// SeedRatings adds up and down votes from synthetic voters to a contribution
// (demo data) and updates its counts.
func (s *Store) SeedRatings(ctx context.Context, contributionID string, up, down int) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		c, err := scanContribution(tx.QueryRow(`SELECT `+contributionCols+` FROM contributions WHERE id = ?`, contributionID))
		if err != nil {
			return err
		}
		now := ms(time.Now())
		for i := 0; i < up+down; i++ {
			v := 1
			if i >= up {
				v = -1
			}
			voter := []byte(fmt.Sprintf("demo-voter-%s-%d", c.ID, i))
			if _, err := tx.Exec(`INSERT INTO ratings(contribution_seq, voter_hash, value, created_at) VALUES (?,?,?,?)`, c.Seq, voter, v, now); err != nil {
				return err
			}
		}
		c.Up += up
		c.Down += down
		return saveContribution(tx, c)
	})
}
