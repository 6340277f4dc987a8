package analysis

import (
	"container/list"
	"sync"
)

// cache keeps the analysis of the current version of at most max
// procedures; the least recently used goes first. A write moves the
// procedure's version on, so the kept view is recomputed on the next read.
// (web.Cache holds answer bytes and internal/analysis must not import
// internal/web, hence this small one.)
type cache struct {
	mu    sync.Mutex
	max   int
	lru   *list.List // of View's procedure IDs, most recent in front
	byID  map[int64]*list.Element
	views map[int64]View
}

func newCache(max int) *cache {
	return &cache{max: max, lru: list.New(), byID: map[int64]*list.Element{}, views: map[int64]View{}}
}

// get returns the view kept for the procedure if it is of version.
func (c *cache) get(proc, version int64) (View, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	v, ok := c.views[proc]
	if !ok || v.Version != version {
		return View{}, false
	}
	c.lru.MoveToFront(c.byID[proc])
	return v, true
}

// put keeps v as the procedure's view, dropping the least recently used
// procedure when full.
func (c *cache) put(proc int64, v View) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byID[proc]; ok {
		if c.views[proc].Version > v.Version {
			return // a slower reader computed an older version
		}
		c.lru.MoveToFront(e)
	} else {
		c.byID[proc] = c.lru.PushFront(proc)
	}
	c.views[proc] = v
	for c.lru.Len() > c.max {
		last := c.lru.Back()
		id := last.Value.(int64)
		c.lru.Remove(last)
		delete(c.byID, id)
		delete(c.views, id)
	}
}

// len returns how many procedures' views are kept.
func (c *cache) len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}
