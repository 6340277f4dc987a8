package cache

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// The cache holds at most its budget across all procedures, however many
// procedures and versions fill it.
func TestCacheStaysWithinItsBudgetAcrossProcedures(t *testing.T) {
	c := New(1<<20, Bytes)
	answer := make([]byte, 40<<10)
	for proc := int64(1); proc <= 200; proc++ {
		for v := int64(1); v <= 3; v++ {
			c.Put(Key{Procedure: proc, Version: v, Name: "view"}, answer)
			if used, _ := c.Size(); used > 1<<20 {
				t.Fatalf("cache holds %d bytes, budget %d", used, 1<<20)
			}
		}
	}
	if _, ok := c.Get(Key{Procedure: 200, Version: 3, Name: "view"}); !ok {
		t.Fatal("the most recent answer was evicted")
	}
	if _, ok := c.Get(Key{Procedure: 1, Version: 1, Name: "view"}); ok {
		t.Fatal("the oldest answer is still there")
	}
	if _, ok := c.Get(Key{Procedure: 200, Version: 2, Name: "other"}); ok {
		t.Fatal("a key never stored was found")
	}
	c.Put(Key{Procedure: 7, Version: 1, Name: "huge"}, make([]byte, 1<<20))
	if _, ok := c.Get(Key{Procedure: 7, Version: 1, Name: "huge"}); ok {
		t.Fatal("an answer larger than budget/16 was kept")
	}
	n := New[int](3, nil)
	for i := 0; i < 10; i++ {
		n.Put(Key{Name: string(rune('a' + i))}, i)
	}
	if _, entries := n.Size(); entries != 3 {
		t.Fatalf("a cache of 3 entries holds %d", entries)
	}
}

// A client that disconnects while its computation runs must not fail the
// others waiting for the same key, and the key is computed once.
func TestSharedComputationSurvivesTheFirstCallerLeaving(t *testing.T) {
	c := New[int](100, nil)
	release := make(chan struct{})
	started := make(chan struct{})
	runs := 0
	fn := func(ctx context.Context) (int, error) {
		runs++
		close(started)
		select {
		case <-release:
			return 42, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	k := Key{Procedure: 1, Version: 1, Name: "count"}
	first, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var firstErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, firstErr = c.Do(first, k, fn)
	}()
	<-started
	results := make([]int, 5)
	errs := make([]error, 5)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = c.Do(context.Background(), k, func(context.Context) (int, error) {
				return 0, errors.New("a second computation ran")
			})
		}(i)
	}
	time.Sleep(20 * time.Millisecond) // let the waiters join the running call
	cancel()
	time.Sleep(20 * time.Millisecond)
	close(release)
	wg.Wait()
	if !errors.Is(firstErr, context.Canceled) {
		t.Fatalf("first caller: %v, want its own cancellation", firstErr)
	}
	for i := range results {
		if errs[i] != nil || results[i] != 42 {
			t.Fatalf("waiter %d: %d, %v; want 42", i, results[i], errs[i])
		}
	}
	if v, ok := c.Get(k); !ok || v != 42 || runs != 1 {
		t.Fatalf("cached %d %v after %d runs", v, ok, runs)
	}
}

// Errors are not kept: the next caller computes again.
func TestErrorsAreNotCached(t *testing.T) {
	c := New[int](10, nil)
	k := Key{Procedure: 1, Version: 1, Name: "x"}
	if _, err := c.Do(context.Background(), k, func(context.Context) (int, error) { return 0, errors.New("busy") }); err == nil {
		t.Fatal("error lost")
	}
	if v, err := c.Do(context.Background(), k, func(context.Context) (int, error) { return 7, nil }); err != nil || v != 7 {
		t.Fatalf("second try: %d %v", v, err)
	}
}
