package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"time"
)

// OtherWritersBound is how late a write by another process (the CLI's
// import or procedure commands on the same file) may be noticed by
// ProcedureStamp: the stamps are checked against the file's data version
// at most this often, on demand, never in the background.
const OtherWritersBound = 250 * time.Millisecond

// stamps keeps each procedure's id and version in memory, so that callers
// caching whole procedures per version (every request names its procedure)
// do not pay a query for them. Writes of this process forget all stamps
// when they commit, before the writing request is answered (read your
// writes); writes of other processes are noticed through PRAGMA
// data_version on a connection of its own, checked at most every
// OtherWritersBound.
type stamps struct {
	mu     sync.RWMutex
	gen    uint64           // counts the times the stamps were forgotten
	bySlug map[string]stamp // only procedures that exist

	checkMu     sync.Mutex
	checked     atomic.Int64 // UnixNano of the last data_version check
	dataVersion int64
	watch       *sql.DB // one connection; data_version is per connection
	conn        *sql.Conn
}

type stamp struct{ id, version int64 }

func newStamps(path, sync string) (*stamps, error) {
	db, err := sql.Open(readDriver, dsn(path, sync, true))
	if err != nil {
		return nil, err
	}
	db.SetMaxOpenConns(1)
	db.SetMaxIdleConns(1)
	conn, err := db.Conn(context.Background())
	if err != nil {
		db.Close()
		return nil, err
	}
	return &stamps{bySlug: map[string]stamp{}, watch: db, conn: conn}, nil
}

func (st *stamps) close() error {
	return errors.Join(st.conn.Close(), st.watch.Close())
}

// forget drops every stamp; the writer calls it after each commit, before
// it releases the waiting writes.
func (st *stamps) forget() {
	st.mu.Lock()
	st.gen++
	clear(st.bySlug)
	st.mu.Unlock()
}

// noticeOthers forgets the stamps when another connection has committed
// since the last check, checking at most every OtherWritersBound. A request
// that finds the last check too old waits for a fresh one, so no answer
// rests on a stamp older than the bound.
func (st *stamps) noticeOthers(ctx context.Context) {
	if time.Now().UnixNano()-st.checked.Load() < int64(OtherWritersBound) {
		return
	}
	st.checkMu.Lock()
	defer st.checkMu.Unlock()
	now := time.Now().UnixNano()
	if now-st.checked.Load() < int64(OtherWritersBound) {
		return // checked while this request waited
	}
	var v int64
	if err := st.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		// Unsure: forget, and check again next time.
		st.forget()
		return
	}
	if v != st.dataVersion {
		st.forget()
		st.dataVersion = v
	}
	st.checked.Store(now)
}

// ProcedureStamp returns the id and change counter of the procedure with
// slug, for callers that cache whole procedures: from memory while no
// write has happened since it was read (see stamps), otherwise one indexed
// lookup.
func (s *Store) ProcedureStamp(ctx context.Context, slug string) (id, version int64, err error) {
	st := s.stamps
	st.noticeOthers(ctx)
	st.mu.RLock()
	p, ok := st.bySlug[slug]
	gen := st.gen
	st.mu.RUnlock()
	if ok {
		return p.id, p.version, nil
	}
	err = s.read.QueryRowContext(ctx, `SELECT id, version FROM procedures WHERE slug = ?`, slug).Scan(&id, &version)
	if errors.Is(err, sql.ErrNoRows) {
		return 0, 0, ErrNotFound
	}
	if err != nil {
		return 0, 0, fmt.Errorf("store: unable to fetch procedure stamp: %w", err)
	}
	st.mu.Lock()
	// A write committed while this one read may have made the row stale:
	// keep it only if no commit came between.
	if st.gen == gen {
		st.bySlug[slug] = stamp{id, version}
	}
	st.mu.Unlock()
	return id, version, nil
}
