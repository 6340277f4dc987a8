package web

import (
	"runtime/metrics"
	"sync"
	"sync/atomic"
	"time"
)

// loadMeter tells whether the server's goroutines wait for a core: the
// median time that runnable goroutines waited before they ran, over the
// last sampling period, from the runtime's scheduler latencies. Requests
// in their handlers are no measure of that: on a saturated machine they
// queue before their handlers, in the run queue and the sockets. Waits
// count whoever takes the cores, the server itself or another process.
type loadMeter struct {
	mu     sync.Mutex
	next   time.Time // of the next sample
	sample [1]metrics.Sample
	prev   []uint64 // the histogram's counts at the last sample
	state  atomic.Bool
}

const (
	// loadPeriod is how often the scheduler latencies are sampled (by the
	// first caller after it has passed, so an idle server samples nothing).
	loadPeriod = 100 * time.Millisecond
	// busyWait is the median wait for a core that makes the server busy,
	// over at least minWaits waits in the period (a few timers waking on
	// a loaded machine do not make a busy server). The runtime records
	// about one wait in eight, so minWaits stands for some 64.
	busyWait = 500 * time.Microsecond
	minWaits = 8
)

// busy reports whether the server was busy over the last sampling period.
func (m *loadMeter) busy() bool {
	if m.mu.TryLock() {
		if now := time.Now(); now.After(m.next) {
			m.next = now.Add(loadPeriod)
			m.state.Store(m.measure())
		}
		m.mu.Unlock()
	}
	return m.state.Load()
}

// measure samples the scheduler latencies and reports whether the median
// wait since the last sample reached busyWait (see minWaits).
func (m *loadMeter) measure() bool {
	m.sample[0].Name = "/sched/latencies:seconds"
	metrics.Read(m.sample[:])
	if m.sample[0].Value.Kind() != metrics.KindFloat64Histogram {
		return false
	}
	h := m.sample[0].Value.Float64Histogram()
	if len(m.prev) != len(h.Counts) {
		m.prev = append(m.prev[:0], h.Counts...)
		return false
	}
	var total uint64
	for i, c := range h.Counts {
		total += c - m.prev[i]
	}
	var seen uint64
	median := 0.0
	for i, c := range h.Counts {
		if seen += c - m.prev[i]; total > 0 && seen*2 >= total {
			median = h.Buckets[i] // the bucket's lower bound
			break
		}
	}
	copy(m.prev, h.Counts)
	return total >= minWaits && median >= busyWait.Seconds()
}
