package web

import (
	"runtime"
	"sync"
	"sync/atomic"
	"testing"
	"time"
)

// TestLoadMeterSeesGoroutinesWaitForCores: idle, the meter says not busy;
// with many more spinning goroutines than cores it says busy within a few
// periods, and not busy again once they stop.
func TestLoadMeterSeesGoroutinesWaitForCores(t *testing.T) {
	var m loadMeter
	waitFor := func(want bool) {
		t.Helper()
		deadline := time.Now().Add(10 * time.Second)
		for m.busy() != want {
			if time.Now().After(deadline) {
				t.Fatalf("the meter did not say busy %v within 10 s", want)
			}
			time.Sleep(loadPeriod / 4)
		}
	}
	m.busy() // the first sample only records the counts
	waitFor(false)
	var stop atomic.Bool
	var wg sync.WaitGroup
	for range 8 * runtime.GOMAXPROCS(0) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !stop.Load() {
				// Runs of a millisecond, then a yield: every yield is a
				// wait for a core behind the others' runs.
				for start := time.Now(); time.Since(start) < time.Millisecond; {
				}
				runtime.Gosched()
			}
		}()
	}
	waitFor(true)
	stop.Store(true)
	wg.Wait()
	waitFor(false)
}
