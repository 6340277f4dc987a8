package procedures

import (
	"context"
	"log/slog"
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

// VisitStore keeps the views per procedure and day.
type VisitStore interface {
	AddProcedureViews(ctx context.Context, day string, views map[int64]int) error
	ProcedureViewsSince(ctx context.Context, fromDay string) (map[int64]int, error)
}

// Visits counts the views of public procedure pages.
type Visits struct {
	Store VisitStore
	Now   func() time.Time
	Log   *slog.Logger

	mu      sync.Mutex
	day     string
	n       map[int64]int
	flushed time.Time
}

// Count counts one view of procedure p if it is public (the team's and
// previewers' looks are not reach).
func (v *Visits) Count(p *model.Procedure) {
	if !p.Public() {
		return
	}
	now := v.Now().UTC()
	day := now.Format(time.DateOnly)
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
		go v.write(outDay, out)
	}
}

// Flush writes the views counted so far (the server calls it when it
// stops; tests call it to read the counters).
func (v *Visits) Flush() {
	v.mu.Lock()
	out, day := v.n, v.day
	v.n, v.flushed = map[int64]int{}, v.Now().UTC()
	v.mu.Unlock()
	v.write(day, out)
}

func (v *Visits) write(day string, n map[int64]int) {
	if len(n) == 0 {
		return
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := v.Store.AddProcedureViews(ctx, day, n); err != nil {
		v.Log.Warn("views not counted", "error", err.Error())
	}
}

// Recent returns each procedure's views over the last ViewDays days
// (today included, what is still in memory not).
func (v *Visits) Recent(ctx context.Context) (map[int64]int, error) {
	from := v.Now().UTC().AddDate(0, 0, -(ViewDays - 1)).Format(time.DateOnly)
	return v.Store.ProcedureViewsSince(ctx, from)
}
