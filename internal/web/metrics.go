package web

import (
	"strconv"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
)

// Metrics are the Prometheus metrics of the server.
type Metrics struct {
	Registry      *prometheus.Registry
	requests      *prometheus.CounterVec
	latency       *prometheus.HistogramVec
	Contributions prometheus.Counter
	SSEClients    prometheus.GaugeFunc
	series        sync.Map // seriesKey → series
}

// NewMetrics registers the server's metrics in a registry of their own.
func NewMetrics() *Metrics {
	r := prometheus.NewRegistry()
	m := &Metrics{Registry: r,
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Name: "mitreden_http_requests_total",
			Help: "HTTP requests by route and status."}, []string{"method", "route", "status"}),
		latency: prometheus.NewHistogramVec(prometheus.HistogramOpts{Name: "mitreden_http_request_duration_seconds",
			Help: "HTTP request latency by route.", Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5}},
			[]string{"method", "route"}),
		Contributions: prometheus.NewCounter(prometheus.CounterOpts{Name: "mitreden_contributions_created_total",
			Help: "Contributions created since start."}),
	}
	r.MustRegister(m.requests, m.latency, m.Contributions, collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return m
}

// Observe records one request.
func (m *Metrics) Observe(method, route string, status int, d time.Duration) {
	// The series of a method, route and status are looked up once: routes
	// are patterns, so there are few of them.
	k := seriesKey{method, route, status}
	v, ok := m.series.Load(k)
	if !ok {
		v, _ = m.series.LoadOrStore(k, series{m.requests.WithLabelValues(method, route, strconv.Itoa(status)),
			m.latency.WithLabelValues(method, route)})
	}
	sr := v.(series)
	sr.requests.Inc()
	sr.latency.Observe(d.Seconds())
}

type seriesKey struct {
	method, route string
	status        int
}

type series struct {
	requests prometheus.Counter
	latency  prometheus.Observer
}

// WatchSSE exports the number of live event subscribers.
func (m *Metrics) WatchSSE(count func() int) {
	m.Registry.MustRegister(prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "mitreden_sse_clients",
		Help: "Connected live-event clients."}, func() float64 { return float64(count()) }))
}
