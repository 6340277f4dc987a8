package web

import (
	"context"
	"fmt"
	"sync"

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
	flight := fmt.Sprintf("%d|%d|%s", p.ID, p.Version, key)
	if call, ok := c.inflight[flight]; ok {
		c.mu.Unlock()
		<-call.done
		return call.n, call.err
	}
	if c.inflight == nil {
		c.inflight = map[string]*countCall{}
	}
	call := &countCall{done: make(chan struct{})}
	c.inflight[flight] = call
	c.mu.Unlock()
	n, err := s.Store.CountContributions(ctx, f)
	call.n, call.err = n, err
	c.mu.Lock()
	delete(c.inflight, flight)
	close(call.done)
	if err != nil {
		c.mu.Unlock()
		return 0, err
	}
	if c.version[p.ID] != p.Version || len(c.n[p.ID]) >= countsPerProcedure {
		c.version[p.ID] = p.Version
		c.n[p.ID] = map[string]int{}
	}
	c.n[p.ID][key] = n
	c.mu.Unlock()
	return n, nil
}
