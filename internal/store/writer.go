package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	// SQLite driver (cgo); build with -tags sqlite_fts5
)

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
