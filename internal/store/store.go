// Package store keeps Mitreden's data in SQLite: embedded ordered migrations,
// a read pool and a single writer goroutine that commits queued writes
// together (group commit), an R*Tree for bounding-box queries and FTS5 for
// full-text search. All SQL of the project lives here.
package store

import (
	"context"
	"database/sql"
	"embed"
	"errors"
	"fmt"
	"net/url"
	"sync"
	"time"

	"github.com/mattn/go-sqlite3" // SQLite driver (cgo); build with -tags sqlite_fts5
)

//go:embed migrations/*.sql
var migrationFS embed.FS

// readMmap is how much of the database file the read connections map into
// memory. A viewport answer reads rows scattered over the file; through
// mmap SQLite takes those pages from the operating system's cache instead
// of copying each into its own small page cache with a read call, which
// keeps the cost per row nearly flat as the table grows.
const readMmap = 1 << 30

// readDriver is the SQLite driver of the read pool: the plain driver with
// the mmap setting applied to every new connection.
const readDriver = "sqlite3_mitreden_read"

// writeDriver is the SQLite driver of the write connection: the plain
// driver with temporary files in memory. Each write of a batch runs in a
// savepoint, whose statement journal would otherwise spill to a temporary
// file after 64 KiB and be truncated with a system call at every release.
const writeDriver = "sqlite3_mitreden_write"

func init() {
	sql.Register(writeDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec("PRAGMA temp_store = MEMORY", nil)
		return err
	}})
	sql.Register(readDriver, &sqlite3.SQLiteDriver{ConnectHook: func(c *sqlite3.SQLiteConn) error {
		_, err := c.Exec(fmt.Sprintf("PRAGMA mmap_size = %d", readMmap), nil)
		return err
	}})
}

// ErrNotFound is returned when the requested row does not exist.
var ErrNotFound = errors.New("store: not found")

// ErrConflict is returned when a unique value is already taken.
var ErrConflict = errors.New("store: already exists")

// ErrSchemaTooNew is returned when the database was migrated by a newer Mitreden.
var ErrSchemaTooNew = errors.New("store: database schema is newer than this program knows")

// Store is the SQLite-backed data store.
type Store struct {
	path    string
	read    *sql.DB
	write   *sql.DB
	queue   chan writeReq
	stop    chan struct{}
	stopped chan struct{}
	closeMu sync.Once

	hookMu sync.RWMutex
	hooks  []func()

	stamps *stamps // procedures' versions in memory, see ProcedureStamp
}

type writeReq struct {
	ctx  context.Context
	fn   func(*sql.Tx) error
	done chan error
	// rerun says fn may run again after a rollback: it sets nothing
	// outside the transaction that a second run would not set the same.
	rerun bool
}

// Options tunes how the database is opened.
type Options struct {
	// Synchronous is the SQLite synchronous mode: NORMAL (default; durable
	// across process crashes in WAL mode) or FULL (also across power loss).
	Synchronous string
	// ReadConns caps the read pool (default 8).
	ReadConns int
}

func dsn(path string, sync string, readOnly bool) string {
	q := url.Values{}
	q.Set("_busy_timeout", "5000")
	q.Set("_journal_mode", "WAL")
	q.Set("_foreign_keys", "on")
	q.Set("_synchronous", sync)
	q.Set("_txlock", "immediate")
	// Keep prepared statements per connection: the writer runs the same
	// dozen statements for every contribution.
	q.Set("_stmt_cache_size", "64")
	if readOnly {
		q.Set("_query_only", "true")
		q.Set("_txlock", "deferred")
	}
	return "file:" + path + "?" + q.Encode()
}

// Open opens (creating if needed) the database at path. It does not migrate;
// call Migrate.
func Open(path string, opt Options) (*Store, error) {
	if opt.Synchronous == "" {
		opt.Synchronous = "NORMAL"
	}
	if opt.ReadConns <= 0 {
		opt.ReadConns = 8
	}
	w, err := sql.Open(writeDriver, dsn(path, opt.Synchronous, false))
	if err != nil {
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxLifetime(0)
	if err := w.Ping(); err != nil {
		w.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	r, err := sql.Open(readDriver, dsn(path, opt.Synchronous, true))
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	r.SetMaxOpenConns(opt.ReadConns)
	r.SetMaxIdleConns(opt.ReadConns)
	stamps, err := newStamps(path, opt.Synchronous)
	if err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("store: unable to open %s: %w", path, err)
	}
	s := &Store{path: path, read: r, write: w, queue: make(chan writeReq, 1024),
		stop: make(chan struct{}), stopped: make(chan struct{}), stamps: stamps}
	if err := s.checkFTS5(); err != nil {
		s.read.Close()
		s.write.Close()
		s.stamps.close()
		return nil, err
	}
	go s.writer()
	return s, nil
}

func (s *Store) checkFTS5() error {
	var opt int
	err := s.write.QueryRow(`SELECT sqlite_compileoption_used('ENABLE_FTS5')`).Scan(&opt)
	if err != nil || opt != 1 {
		return errors.New("store: SQLite was built without FTS5; build with `-tags sqlite_fts5` (the Makefile sets it)")
	}
	return nil
}

// Path is the database file.
func (s *Store) Path() string { return s.path }

// Close stops the writer after the queued writes and closes the database.
func (s *Store) Close() error {
	var err error
	s.closeMu.Do(func() {
		close(s.stop)
		<-s.stopped
		err = errors.Join(s.read.Close(), s.write.Close(), s.stamps.close())
	})
	return err
}

// OnCommit registers fn to be called after every committed write batch.
// It must not block; the live-event broadcaster uses it as a wake-up.
func (s *Store) OnCommit(fn func()) {
	s.hookMu.Lock()
	s.hooks = append(s.hooks, fn)
	s.hookMu.Unlock()
}

// Ping checks that the database answers.
func (s *Store) Ping(ctx context.Context) error {
	return s.read.PingContext(ctx)
}

func ms(t time.Time) int64 { return t.UnixMilli() }

func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// isUnique reports whether err is a violated UNIQUE or PRIMARY KEY
// constraint (SQLite reports both as "UNIQUE constraint failed").
func isUnique(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	return se.ExtendedCode == sqlite3.ErrConstraintUnique || se.ExtendedCode == sqlite3.ErrConstraintPrimaryKey
}

// Unwritable reports whether err means the database cannot take writes at
// the moment — the disk (or its size limit) is full, or the file is
// read-only — as opposed to bad input or a bug. Reads still work then.
func Unwritable(err error) bool {
	var se sqlite3.Error
	if !errors.As(err, &se) {
		return false
	}
	switch se.Code {
	case sqlite3.ErrFull, sqlite3.ErrReadonly, sqlite3.ErrCantOpen, sqlite3.ErrIoErr:
		return true
	}
	return false
}
