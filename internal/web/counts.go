package web

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// counts remembers how many contributions match a filter, per procedure
// version: counting 100,000 rows costs milliseconds, and every page and
// viewport answer shows a count. A write bumps the version and so retires
// the procedure's entries.
type counts struct {
	mu       sync.Mutex
	version  map[int64]int64
	n        map[int64]map[string]int
	inflight map[string]*countCall // one count per key at a time (after a write, many requests miss together)
}

type countCall struct {
	done chan struct{}
	n    int
	err  error
}

const countsPerProcedure = 256

// Count returns the number of contributions of p matching f (paging ignored).
func (s *Server) Count(ctx context.Context, p *model.Procedure, f store.Filter) (int, error) {
	key := f.Key()
	c := &s.counts
	c.mu.Lock()
	if c.version == nil {
		c.version, c.n = map[int64]int64{}, map[int64]map[string]int{}
	}
	if c.version[p.ID] == p.Version {
		if n, ok := c.n[p.ID][key]; ok {
			c.mu.Unlock()
			return n, nil
		}
	}
	c.mu.Unlock()
	n, err := c.once(ctx, fmt.Sprintf("%d|%d|%s", p.ID, p.Version, key), func(ctx context.Context) (int, error) {
		return s.Store.CountContributions(ctx, f)
	})
	if err != nil {
		return 0, err
	}
	c.mu.Lock()
	if c.version[p.ID] != p.Version || len(c.n[p.ID]) >= countsPerProcedure {
		c.version[p.ID] = p.Version
		c.n[p.ID] = map[string]int{}
	}
	c.n[p.ID][key] = n
	c.mu.Unlock()
	return n, nil
}

// countTimeout bounds a shared count, which no single request's context
// governs.
const countTimeout = 30 * time.Second

// once runs fn for key at most once at a time: callers asking for the same
// key meanwhile wait for the running call's result. fn runs detached from
// the first caller's context (a client that disconnects must not fail
// everyone waiting on the same count); each caller stops waiting when its
// own context ends.
func (c *counts) once(ctx context.Context, key string, fn func(context.Context) (int, error)) (int, error) {
	c.mu.Lock()
	call, ok := c.inflight[key]
	if !ok {
		if c.inflight == nil {
			c.inflight = map[string]*countCall{}
		}
		call = &countCall{done: make(chan struct{})}
		c.inflight[key] = call
		go func() {
			fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), countTimeout)
			defer cancel()
			n, err := fn(fctx)
			c.mu.Lock()
			call.n, call.err = n, err
			delete(c.inflight, key)
			close(call.done)
			c.mu.Unlock()
		}()
	}
	c.mu.Unlock()
	select {
	case <-call.done:
		return call.n, call.err
	case <-ctx.Done():
		return 0, ctx.Err()
	}
}
