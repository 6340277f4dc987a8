package web

import (
	"container/list"
	"strconv"
	"sync"
)

// Cache keeps rendered answers (pages, viewport GeoJSON) per procedure
// version within a fixed byte budget across all procedures: the least
// recently used answer goes first. A write bumps the procedure's version,
// so older answers are never hit again and age out.
type Cache struct {
	mu       sync.Mutex
	budget   int
	maxEntry int
	size     int
	lru      *list.List // of *cacheEntry, most recent in front
	byKey    map[string]*list.Element
}

type cacheEntry struct {
	key string
	b   []byte
}

// NewCache makes a cache holding at most budget bytes; answers larger than
// budget/16 are not kept.
func NewCache(budget int) *Cache {
	return &Cache{budget: budget, maxEntry: budget / 16, lru: list.New(), byKey: map[string]*list.Element{}}
}

func cacheKey(proc, version int64, key string) string {
	return strconv.FormatInt(proc, 10) + "|" + strconv.FormatInt(version, 10) + "|" + key
}

// Get returns the answer stored for key at the procedure's version.
func (c *Cache) Get(proc, version int64, key string) ([]byte, bool) {
	k := cacheKey(proc, version, key)
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.byKey[k]
	if !ok {
		return nil, false
	}
	c.lru.MoveToFront(e)
	return e.Value.(*cacheEntry).b, true
}

// Put stores an answer; b must not be modified afterwards.
func (c *Cache) Put(proc, version int64, key string, b []byte) {
	if len(b) > c.maxEntry {
		return
	}
	k := cacheKey(proc, version, key)
	c.mu.Lock()
	defer c.mu.Unlock()
	if e, ok := c.byKey[k]; ok {
		c.size -= len(e.Value.(*cacheEntry).b)
		c.lru.Remove(e)
	}
	c.byKey[k] = c.lru.PushFront(&cacheEntry{key: k, b: b})
	c.size += len(b)
	for c.size > c.budget {
		last := c.lru.Back()
		ent := last.Value.(*cacheEntry)
		c.lru.Remove(last)
		delete(c.byKey, ent.key)
		c.size -= len(ent.b)
	}
}

// Size returns the bytes held and the number of answers.
func (c *Cache) Size() (bytes, entries int) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size, c.lru.Len()
}
