package web

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"
)

// The cache holds at most its budget across all procedures, however many
// procedures and versions fill it (before, each procedure could hold 64
// answers of 2 MB and nothing bounded the sum).
func TestCacheStaysWithinItsBudgetAcrossProcedures(t *testing.T) {
	c := NewCache(1 << 20)
	answer := make([]byte, 40<<10)
	for proc := int64(1); proc <= 200; proc++ {
		for v := int64(1); v <= 3; v++ {
			c.Put(proc, v, "view", answer)
			if size, _ := c.Size(); size > 1<<20 {
				t.Fatalf("cache holds %d bytes, budget %d", size, 1<<20)
			}
		}
	}
	if _, ok := c.Get(200, 3, "view"); !ok {
		t.Fatal("the most recent answer was evicted")
	}
	if _, ok := c.Get(1, 1, "view"); ok {
		t.Fatal("the oldest answer is still there")
	}
	if _, ok := c.Get(200, 2, "other"); ok {
		t.Fatal("a key never stored was found")
	}
	c.Put(7, 1, "huge", make([]byte, 1<<20))
	if _, ok := c.Get(7, 1, "huge"); ok {
		t.Fatal("an answer larger than budget/16 was kept")
	}
}

// A client that disconnects while its count runs must not fail the others
// waiting for the same count: the shared computation is not governed by the
// first caller's context.
func TestSharedCountSurvivesTheFirstCallerLeaving(t *testing.T) {
	var c counts
	release := make(chan struct{})
	started := make(chan struct{})
	fn := func(ctx context.Context) (int, error) {
		close(started)
		select {
		case <-release:
			return 42, nil
		case <-ctx.Done():
			return 0, ctx.Err()
		}
	}
	first, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var firstErr error
	wg.Add(1)
	go func() {
		defer wg.Done()
		_, firstErr = c.once(first, "k", fn)
	}()
	<-started
	results := make([]int, 5)
	errs := make([]error, 5)
	for i := range results {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			results[i], errs[i] = c.once(context.Background(), "k", func(context.Context) (int, error) {
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
}
