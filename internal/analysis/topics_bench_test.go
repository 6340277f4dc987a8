package analysis

import (
	"runtime"
	"sync/atomic"
	"testing"
	"time"
)

// BenchmarkTopics100k computes the topics of 100,000 contributions
// generated in memory: tokenising, stemming, TF-IDF, choosing k and the
// clustering. Besides time and allocations it reports peak-MB, the most
// heap in use while it ran, the texts included (docs/benchmarks.md holds a
// run).
func BenchmarkTopics100k(b *testing.B) {
	docs, _ := corpus(100_000, false, 1)
	runtime.GC()
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		var ms runtime.MemStats
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > peak.Load() {
				peak.Store(ms.HeapAlloc)
			}
			select {
			case <-done:
				return
			case <-t.C:
			}
		}
	}()
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if ts := ComputeTopics(docs); len(ts) < 2 {
			b.Fatal("no topics")
		}
	}
	b.StopTimer()
	close(done)
	b.ReportMetric(float64(peak.Load())/(1<<20), "peak-MB")
}
