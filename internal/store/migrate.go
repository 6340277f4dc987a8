package store

import (
	"context"
	"database/sql"
	"fmt"
	"io/fs"
	"sort"
	"strconv"
	"strings"
	"time"
)

type migration struct {
	version int
	name    string
	sql     string
	// step, if set, runs after the migration's SQL in the same
	// transaction: data work that SQL alone does not express.
	step func(*sql.Tx) error
}

// migrationSteps are the Go steps of migrations, by version.
var migrationSteps = map[int]struct {
	name string
	fn   func(*sql.Tx) error
}{
	// 0003_cluster_tiles creates the tile counters; fill them from the
	// contributions already stored.
	3: {"counting tiles", recountTiles},
}

func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFS, "migrations")
	if err != nil {
		return nil, err
	}
	var ms []migration
	for _, e := range entries {
		num, _, ok := strings.Cut(e.Name(), "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("store: bad migration file name %q", e.Name())
		}
		b, err := migrationFS.ReadFile("migrations/" + e.Name())
		if err != nil {
			return nil, err
		}
		m := migration{version: v, name: e.Name(), sql: string(b)}
		if st, ok := migrationSteps[v]; ok {
			m.step = func(tx *sql.Tx) error {
				if err := st.fn(tx); err != nil {
					return fmt.Errorf("store: %s: %w", st.name, err)
				}
				return nil
			}
		}
		ms = append(ms, m)
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	return ms, nil
}

// LatestVersion is the schema version this program migrates to.
func LatestVersion() int {
	ms, err := migrations()
	if err != nil || len(ms) == 0 {
		return 0
	}
	return ms[len(ms)-1].version
}

// SchemaVersion reports the database's current schema version.
func (s *Store) SchemaVersion(ctx context.Context) (int, error) {
	var tables int
	err := s.read.QueryRowContext(ctx,
		`SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'schema_migrations'`).Scan(&tables)
	if err != nil {
		return 0, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	if tables == 0 {
		return 0, nil // a new database
	}
	var v sql.NullInt64
	err = s.read.QueryRowContext(ctx, `SELECT MAX(version) FROM schema_migrations`).Scan(&v)
	if err != nil {
		return 0, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	return int(v.Int64), nil
}

// Migrate applies pending migrations, each in its own transaction, and
// returns the resulting schema version. It refuses a database whose schema is
// newer than this program knows.
func (s *Store) Migrate(ctx context.Context) (int, error) {
	ms, err := migrations()
	if err != nil {
		return 0, err
	}
	if _, err := s.write.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)`); err != nil {
		return 0, fmt.Errorf("store: unable to create migration table: %w", err)
	}
	current, err := s.SchemaVersion(ctx)
	if err != nil {
		return 0, err
	}
	if latest := LatestVersion(); current > latest {
		return current, fmt.Errorf("%w (database %d, program %d)", ErrSchemaTooNew, current, latest)
	}
	applied := map[int]bool{}
	rows, err := s.read.QueryContext(ctx, `SELECT version FROM schema_migrations`)
	if err != nil {
		return current, fmt.Errorf("store: unable to read schema version: %w", err)
	}
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			rows.Close()
			return current, err
		}
		applied[v] = true
	}
	rows.Close()
	// Every migration not yet recorded runs, in order: a migration whose
	// record is missing (a test rolling one back) runs again even when a
	// later one has run.
	for _, m := range ms {
		if applied[m.version] {
			continue
		}
		err := s.Write(ctx, func(tx *sql.Tx) error {
			if _, err := tx.Exec(m.sql); err != nil {
				return fmt.Errorf("store: migration %s failed: %w", m.name, err)
			}
			if m.step != nil {
				if err := m.step(tx); err != nil {
					return err
				}
			}
			_, err := tx.Exec(`INSERT INTO schema_migrations(version, name, applied_at) VALUES (?, ?, ?)`,
				m.version, m.name, time.Now().UnixMilli())
			return err
		})
		if err != nil {
			return current, err
		}
		current = max(current, m.version)
	}
	return current, nil
}

// Current reports whether the schema is at the version this program knows.
func (s *Store) Current(ctx context.Context) (bool, error) {
	v, err := s.SchemaVersion(ctx)
	return v == LatestVersion(), err
}
