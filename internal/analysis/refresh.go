package analysis

import (
	"sync"
	"time"
)

// refreshSpacing is how many times its own duration a background
// computation of a procedure's newer version waits after it ended before
// the next one of the same kind may start: the computations of one kind
// take at most a quarter of a core, however often the procedure changes.
const refreshSpacing = 3

// refresher starts the background computations of a procedure's newer
// analysis or similarity index: one at a time per procedure and kind, and
// spaced (refreshSpacing). Under steady participation every write is a new
// version; computing each of them, a second of CPU at 100,000 texts and
// several at once, took a third of the server's CPU in the soak
// (docs/benchmarks.md). Until the next one is there the newest computed
// one is answered, as before.
type refresher struct {
	mu   sync.Mutex
	busy map[refreshKey]bool
	next map[refreshKey]time.Time // not before
}

type refreshKey struct {
	procedure int64
	kind      string
}

// running reports whether a computation of procedure id and kind runs.
func (r *refresher) running(id int64, kind string) bool {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.busy[refreshKey{id, kind}]
}

// start runs fn in the background for procedure id and kind, unless one is
// running or the last one ended too recently; it reports whether it did.
func (r *refresher) start(id int64, kind string, fn func()) bool {
	k := refreshKey{id, kind}
	r.mu.Lock()
	if r.busy == nil {
		r.busy, r.next = map[refreshKey]bool{}, map[refreshKey]time.Time{}
	}
	if r.busy[k] || time.Now().Before(r.next[k]) {
		r.mu.Unlock()
		return false
	}
	r.busy[k] = true
	r.mu.Unlock()
	go func() {
		began := time.Now()
		defer func() {
			r.mu.Lock()
			delete(r.busy, k)
			r.next[k] = time.Now().Add(refreshSpacing * time.Since(began))
			r.mu.Unlock()
		}()
		fn()
	}()
	return true
}
