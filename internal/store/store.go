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

// maxBatch bounds how many queued writes one transaction commits together.
const maxBatch = 256

// Write runs fn in a write transaction. Writes queued at the same time are
// committed together in one transaction (group commit), each inside its own
// savepoint, so one failing write does not undo the others. Write returns
// after the commit: a nil error means the change is durable.
//
// Write is the SQLite store's own tool: its methods and tests (the store's
// and internal/app's, which reach rows the API does not show) use it. No
// capability calls it — their store interfaces carry no *sql.Tx — so a
// second store need not offer it.
func (s *Store) Write(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.queueWrite(ctx, fn, false)
}

// writeRerunnable is Write for a closure that may run twice (see
// writeReq.rerun); a batch of only such writes commits without savepoints.
func (s *Store) writeRerunnable(ctx context.Context, fn func(*sql.Tx) error) error {
	return s.queueWrite(ctx, fn, true)
}

func (s *Store) queueWrite(ctx context.Context, fn func(*sql.Tx) error, rerun bool) error {
	req := writeReq{ctx: ctx, fn: fn, done: make(chan error, 1), rerun: rerun}
	select {
	case s.queue <- req:
	case <-ctx.Done():
		return ctx.Err()
	case <-s.stop:
		return errors.New("store: closed")
	}
	select {
	case err := <-req.done:
		return err
	case <-s.stopped:
		select {
		case err := <-req.done:
			return err
		default:
			return errors.New("store: closed")
		}
	}
}

func (s *Store) writer() {
	defer close(s.stopped)
	batch := make([]writeReq, 0, maxBatch)
	for {
		batch = batch[:0]
		select {
		case req := <-s.queue:
			batch = append(batch, req)
		case <-s.stop:
			// Finish what is queued, then stop.
			for {
				select {
				case req := <-s.queue:
					s.commit([]writeReq{req})
				default:
					return
				}
			}
		}
	drain:
		for len(batch) < maxBatch {
			select {
			case req := <-s.queue:
				batch = append(batch, req)
			default:
				break drain
			}
		}
		s.commit(batch)
	}
}

func (s *Store) commit(batch []writeReq) {
	if s.commitTogether(batch) {
		return
	}
	errs := make([]error, len(batch))
	fail := func(err error) {
		for _, r := range batch {
			r.done <- err
		}
	}
	tx, err := s.write.Begin()
	if err != nil {
		fail(fmt.Errorf("store: unable to begin: %w", err))
		return
	}
	// Tile counts are collected per write and written once per tile
	// before the commit (tiles.go).
	tiles := beginTileBatch(tx)
	defer endTileBatch(tx)
	if len(batch) == 1 {
		// Alone in its transaction, a write needs no savepoint: its
		// failure rolls back the transaction.
		r := batch[0]
		err := r.ctx.Err()
		if err == nil {
			err = run(r.fn, tx)
		}
		if err != nil {
			tx.Rollback()
			r.done <- err
			return
		}
		tiles.keep()
	}
	// Savepoints through prepared statements: a plain Exec without
	// arguments is parsed anew each time (a fifth of the writer's time).
	var savepoint, rollbackTo, release *sql.Stmt
	if len(batch) > 1 {
		for _, st := range []struct {
			q    string
			stmt **sql.Stmt
		}{{`SAVEPOINT w`, &savepoint}, {`ROLLBACK TO w`, &rollbackTo}, {`RELEASE w`, &release}} {
			if *st.stmt, err = tx.Prepare(st.q); err != nil {
				tx.Rollback()
				fail(fmt.Errorf("store: unable to prepare savepoint: %w", err))
				return
			}
			defer (*st.stmt).Close()
		}
	}
	for i, r := range batch {
		if len(batch) == 1 {
			break
		}
		if err := r.ctx.Err(); err != nil {
			errs[i] = err
			continue
		}
		if _, err := savepoint.Exec(); err != nil {
			errs[i] = err
			continue
		}
		if err := run(r.fn, tx); err != nil {
			errs[i] = err
			tiles.drop()
			if _, rbErr := rollbackTo.Exec(); rbErr != nil {
				tx.Rollback()
				fail(fmt.Errorf("store: unable to roll back: %w", rbErr))
				return
			}
		}
		if _, err := release.Exec(); err != nil {
			tx.Rollback()
			fail(fmt.Errorf("store: unable to release savepoint: %w", err))
			return
		}
		tiles.keep()
	}
	if err := tiles.flush(tx); err != nil {
		tx.Rollback()
		fail(err)
		return
	}
	if err := tx.Commit(); err != nil {
		fail(fmt.Errorf("store: unable to commit: %w", err))
		return
	}
	s.acknowledge(batch, errs)
}

// acknowledge answers the writes of a committed batch and wakes the
// OnCommit hooks. Before any waiting write is released, the remembered
// procedure versions are forgotten: a request reads its own write's
// procedure version (ProcedureStamp) once Write returns.
func (s *Store) acknowledge(batch []writeReq, errs []error) {
	s.stamps.forget()
	for i, r := range batch {
		r.done <- errs[i]
	}
	s.hookMu.RLock()
	for _, h := range s.hooks {
		h()
	}
	s.hookMu.RUnlock()
}

// commitTogether commits a batch of rerunnable writes without a savepoint
// per write and reports whether it answered them. A savepoint costs more
// than it seems: FTS5 writes its pending terms to disk at every release,
// one index segment per contribution instead of one per batch. When a
// write fails, the whole transaction is rolled back and commitTogether
// returns false: commit then runs the batch again with savepoints, so the
// failure undoes no other write.
func (s *Store) commitTogether(batch []writeReq) bool {
	if len(batch) < 2 {
		return false
	}
	for _, r := range batch {
		if !r.rerun {
			return false
		}
	}
	tx, err := s.write.Begin()
	if err != nil {
		return false
	}
	tiles := beginTileBatch(tx)
	defer endTileBatch(tx)
	errs := make([]error, len(batch))
	for i, r := range batch {
		if err := r.ctx.Err(); err != nil {
			errs[i] = err // not run: nothing to undo
			continue
		}
		if err := run(r.fn, tx); err != nil {
			tx.Rollback()
			return false
		}
	}
	tiles.keep()
	if err := tiles.flush(tx); err != nil {
		tx.Rollback()
		return false
	}
	if err := tx.Commit(); err != nil {
		for _, r := range batch {
			r.done <- fmt.Errorf("store: unable to commit: %w", err)
		}
		return true
	}
	s.acknowledge(batch, errs)
	return true
}

// run calls a write closure; a panic in it becomes that write's error, so
// one faulty write neither ends the writer goroutine (and with it the
// process) nor takes the other writes of its batch along.
func run(fn func(*sql.Tx) error, tx *sql.Tx) (err error) {
	defer func() {
		if r := recover(); r != nil {
			err = fmt.Errorf("%w: %v", ErrWritePanicked, r)
		}
	}()
	return fn(tx)
}

// ErrWritePanicked is returned by Write when its closure panicked; the
// write is rolled back.
var ErrWritePanicked = errors.New("store: write panicked")

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
