// Package cache is the one cache of the program: answers kept per
// procedure version (rendered pages, viewport answers, counts, analyses,
// the procedures themselves) in a fixed budget across all procedures, least
// recently used first out, with one computation per key at a time on a
// context that no single client owns.
//
// A write bumps its procedure's version, so entries of older versions are
// never hit again and age out; nothing has to be invalidated by hand.
package cache

import (
	"container/list"
	"context"
	"strconv"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"
)

// Key names an entry: a procedure, its version and what was asked; Form
// tells apart forms of the same answer (its compressions) without making
// a new name for each.
type Key struct {
	Procedure int64
	Version   int64
	Name      string
	Form      string
}

func (k Key) String() string {
	return strconv.FormatInt(k.Procedure, 10) + "|" + strconv.FormatInt(k.Version, 10) + "|" + k.Name + "|" + k.Form
}

// Cache holds values of type V within a budget measured by a cost function
// (bytes for answers, 1 for small values).
type Cache[V any] struct {
	mu      sync.Mutex
	budget  int
	maxCost int
	cost    func(V) int
	used    int
	lru     *list.List // of *entry[V], most recent in front
	byKey   map[Key]*list.Element
	flight  singleflight.Group
	timeout time.Duration
}

type entry[V any] struct {
	key  Key
	v    V
	cost int
}

// New makes a cache holding at most budget in cost; a single value costing
// more than budget/16 is not kept (one huge answer must not empty the
// cache). A nil cost counts every value as 1.
func New[V any](budget int, cost func(V) int) *Cache[V] {
	if cost == nil {
		cost = func(V) int { return 1 }
	}
	return &Cache[V]{budget: budget, maxCost: max(budget/16, 1), cost: cost, lru: list.New(),
		byKey: map[Key]*list.Element{}, timeout: 30 * time.Second}
}

// Bytes is the cost function of byte answers.
func Bytes(b []byte) int { return len(b) }

// Get returns the value stored under k.
func (c *Cache[V]) Get(k Key) (V, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[k]
	if !ok {
		var zero V
		return zero, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*entry[V]).v, true
}

// Put stores v under k; v must not be modified afterwards.
func (c *Cache[V]) Put(k Key, v V) {
	cost := c.cost(v)
	if cost > c.maxCost {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[k]; ok {
		c.used -= e.Value.(*entry[V]).cost
		c.lru.Remove(e)
	}
	c.byKey[k] = c.lru.PushFront(&entry[V]{key: k, v: v, cost: cost})
	c.used += cost
	for c.used > c.budget {
		last := c.lru.Back()
		old := last.Value.(*entry[V])
		c.lru.Remove(last)
		delete(c.byKey, old.key)
		c.used -= old.cost
	}
}

// Do returns the value under k, computing it with fn when missing. Callers
// asking for the same key meanwhile share one computation. fn runs
// detached from the first caller's context (a client that disconnects must
// not fail everyone waiting for the same answer), bounded by a timeout;
// each caller stops waiting when its own context ends. Errors are not
// cached.
func (c *Cache[V]) Do(ctx context.Context, k Key, fn func(context.Context) (V, error)) (V, error) {
	if v, ok := c.Get(k); ok {
		return v, nil
	}
	ch := c.flight.DoChan(k.String(), func() (any, error) {
		if v, ok := c.Get(k); ok { // computed while this call waited for the group
			return v, nil
		}
		fctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), c.timeout)
		defer cancel()
		v, err := fn(fctx)
		if err == nil {
			c.Put(k, v)
		}
		return v, err
	})
	select {
	case r := <-ch:
		if r.Err != nil {
			var zero V
			return zero, r.Err
		}
		return r.Val.(V), nil
	case <-ctx.Done():
		var zero V
		return zero, ctx.Err()
	}
}

// Size returns the cost held and the number of entries.
func (c *Cache[V]) Size() (cost, entries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.used, c.lru.Len()
}
