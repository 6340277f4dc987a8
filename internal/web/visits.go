package web

import (
	"context"
	"sync"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// Visits without tracking: a procedure page view adds one to a counter in
// memory — no cookie is read or set for it, no address or other trace of
// the visitor is kept, only the number per procedure and day. The counters
// go to the database at most once a ViewFlushEvery (on the first view
// after that) and when the server stops.

// ViewFlushEvery is how often counted views are written at most.
const ViewFlushEvery = time.Minute

// ViewDays is how many days the back-office home sums views over.
const ViewDays = 30

type views struct {
	mu      sync.Mutex
	day     string
	n       map[int64]int
	flushed time.Time
}

// CountView counts one view of the public procedure p.
func (s *Server) CountView(p *model.Procedure) {
	if !p.Public() {
		return // the team's and previewers' looks are not reach
	}
	now := s.Now().UTC()
	day := now.Format(time.DateOnly)
	v := &s.views
	v.mu.Lock()
	if v.n == nil {
		v.n, v.day, v.flushed = map[int64]int{}, day, now
	}
	var out map[int64]int
	var outDay string
	if day != v.day || now.Sub(v.flushed) >= ViewFlushEvery {
		out, outDay = v.n, v.day
		v.n, v.day, v.flushed = map[int64]int{}, day, now
	}
	v.n[p.ID]++
	v.mu.Unlock()
	if len(out) > 0 {
		go s.writeViews(outDay, out)
	}
}

// FlushViews writes the views counted so far (the server calls it when it
// stops; tests call it to read the counters).
func (s *Server) FlushViews() {
	v := &s.views
	v.mu.Lock()
	out, day := v.n, v.day
	v.n, v.flushed = map[int64]int{}, s.Now().UTC()
	v.mu.Unlock()
	s.writeViews(day, out)
}

func (s *Server) writeViews(day string, n map[int64]int) {
	if len(n) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := s.Store.AddProcedureViews(ctx, day, n); err != nil {
		s.Log.Warn("views not counted", "error", err.Error())
	}
}

// RecentViews returns each procedure's views over the last ViewDays days
// (today included, what is still in memory not).
func (s *Server) RecentViews(ctx context.Context) (map[int64]int, error) {
	from := s.Now().UTC().AddDate(0, 0, -(ViewDays - 1)).Format(time.DateOnly)
	return s.Store.ProcedureViewsSince(ctx, from)
}
