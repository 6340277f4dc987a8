package analysis

import "testing"

// TestCacheKeepsAtMostMaxProcedures: the kept analyses are bounded across
// procedures, the least recently read goes first, and an older version
// never replaces a newer one.
func TestCacheKeepsAtMostMaxProcedures(t *testing.T) {
	c := newCache(3)
	for id := int64(1); id <= 3; id++ {
		c.put(id, View{Version: 1, Texts: int(id)})
	}
	if _, ok := c.get(1, 1); !ok {
		t.Fatal("procedure 1 not kept")
	}
	c.put(4, View{Version: 1})
	if c.len() != 3 {
		t.Fatalf("%d kept, want 3", c.len())
	}
	if _, ok := c.get(2, 1); ok {
		t.Fatal("procedure 2, the least recently read, is still kept")
	}
	if _, ok := c.get(1, 1); !ok {
		t.Fatal("procedure 1, read recently, was dropped")
	}
	if _, ok := c.get(1, 2); ok {
		t.Fatal("a view of version 1 answered for version 2")
	}
	c.put(1, View{Version: 3, Texts: 30})
	c.put(1, View{Version: 2, Texts: 20})
	if v, ok := c.get(1, 3); !ok || v.Texts != 30 {
		t.Fatalf("an older version replaced the newer one: %+v %v", v, ok)
	}
	for id := int64(10); id < 1000; id++ {
		c.put(id, View{Version: 1})
	}
	if c.len() != 3 || len(c.views) != 3 || len(c.byID) != 3 {
		t.Fatalf("cache grew: %d %d %d", c.len(), len(c.views), len(c.byID))
	}
}
