package analysis

import (
	"runtime"
	"testing"
)

// BenchmarkTopics100k computes the topics of 100,000 contributions
// generated in memory: tokenising, stemming, TF-IDF, choosing k and the
// clustering. Besides time and allocations it reports peak-MB, the most
// heap in use while it ran, the texts included (docs/benchmarks.md holds a
// run).
func BenchmarkTopics100k(b *testing.B) {
	docs, _ := corpus(100_000, false, 1)
	stop := WatchPeak(func(ms *runtime.MemStats) uint64 { return ms.HeapAlloc })
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		if ts := ComputeTopics(docs); len(ts) < 2 {
			b.Fatal("no topics")
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(stop())/(1<<20), "peak-MB")
}
