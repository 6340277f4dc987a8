package analysis

import (
	"runtime"
	"sync/atomic"
	"time"
)

// WatchPeak samples the runtime's memory every 20 ms until stop is called,
// which returns the most of what (a field of MemStats) it saw.
func WatchPeak(what func(*runtime.MemStats) uint64) (stop func() uint64) {
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	finished := make(chan struct{})
	go func() {
		defer close(finished)
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if v := what(&ms); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	return func() uint64 {
		close(done)
		<-finished
		return peak.Load()
	}
}
