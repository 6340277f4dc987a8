package app_test

import (
	"context"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// pausingStore is the real store whose contribution stream stops after its
// first row until released: an analysis caught in the middle of reading,
// its SQLite read still open.
type pausingStore struct {
	*store.Store
	once             sync.Once
	reading, release chan struct{}
}

func (s *pausingStore) StreamContributions(ctx context.Context, id int64, opt store.ExportOptions, fn func(*store.ExportRow) error) error {
	return s.Store.StreamContributions(ctx, id, opt, func(r *store.ExportRow) error {
		s.once.Do(func() {
			close(s.reading)
			<-s.release
		})
		return fn(r)
	})
}

// Issue 18: while the analysis runs (here: stopped in the middle of reading
// the contributions), a resident's new contribution is stored and the
// procedure page loads; both answer before the analysis does.
func TestNewContributionAndPageDoNotWaitForTheAnalysis(t *testing.T) {
	e := newEnv(t, nil)
	ps := &pausingStore{Store: e.st, reading: make(chan struct{}), release: make(chan struct{})}
	e.srv.Analysis = analysis.New(ps)
	token := e.token(t, "p@example.org", model.RolePlanner)

	var mu sync.Mutex
	var order []string
	finished := func(what string) {
		mu.Lock()
		order = append(order, what)
		mu.Unlock()
	}
	analysed := make(chan result, 1)
	go func() {
		r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/analysis", "", "", "Authorization", "Bearer "+token)
		finished("analysis")
		analysed <- r
	}()
	select {
	case <-ps.reading:
	case <-time.After(30 * time.Second):
		t.Fatal("the analysis did not start reading")
	}

	answered := make(chan result, 2)
	go func() {
		r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
			feature(inArea, "Querung am Park", okText, "gruen"))
		finished("contribution")
		answered <- r
	}()
	go func() {
		r := e.do(t, "GET", "/p/"+slug, "", "")
		finished("page")
		answered <- r
	}()
	for range 2 {
		select {
		case r := <-answered:
			if r.status != 201 && r.status != 200 {
				t.Errorf("answer %d %.300s", r.status, r.body)
			}
		case <-time.After(30 * time.Second):
			close(ps.release)
			t.Fatalf("blocked while the analysis reads; finished so far: %v", order)
		}
	}
	close(ps.release)
	if r := <-analysed; r.status != 200 {
		t.Fatalf("analysis: %d %.300s", r.status, r.body)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(order) != 3 || order[2] != "analysis" {
		t.Errorf("order %v, want the contribution and the page before the analysis", order)
	}
}

// After a restart a large procedure's analysis is not there yet: the
// analysis page does not keep the planner waiting for it but says it is
// being computed (and keeps saying so while the computation runs, here
// stopped in the middle of reading), then shows the analysis once it is
// there. A small procedure's analysis is waited for as before.
func TestALargeProceduresFirstAnalysisIsComputedInTheBackground(t *testing.T) {
	for _, large := range []bool{true, false} {
		e := newEnv(t, nil)
		ps := &pausingStore{Store: e.st, reading: make(chan struct{}), release: make(chan struct{})}
		svc := analysis.New(ps)
		if large {
			svc.SetBackgroundTexts(1) // the demo procedure counts as large
		} else {
			close(ps.release) // nothing to wait for but the computation
		}
		e.srv.Analysis = svc
		jar, _ := e.signIn(t, "pl@example.org", model.RolePlanner)
		page := func() result {
			got := make(chan result, 1)
			go func() { got <- e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header()) }()
			select {
			case r := <-got:
				return r
			case <-time.After(30 * time.Second):
				if large {
					close(ps.release)
				}
				t.Fatal("the analysis page waits for the computation")
				return result{}
			}
		}
		r := page()
		if !large {
			if r.status != 200 || strings.Contains(r.body, `id="analysis-computing"`) || !strings.Contains(r.body, `id="topics"`) {
				t.Fatalf("small procedure: %d, the analysis is not shown at once: %.400s", r.status, r.body)
			}
			continue
		}
		if r.status != 200 || !strings.Contains(r.body, `id="analysis-computing"`) || strings.Contains(r.body, `id="topics"`) {
			t.Fatalf("large procedure, first visit: %d %.400s", r.status, r.body)
		}
		select {
		case <-ps.reading:
		case <-time.After(30 * time.Second):
			t.Fatal("the background computation did not start reading")
		}
		if r := page(); r.status != 200 || !strings.Contains(r.body, `id="analysis-computing"`) {
			t.Fatalf("while it reads: %d %.400s", r.status, r.body)
		}
		close(ps.release)
		deadline := time.Now().Add(30 * time.Second)
		for r = page(); strings.Contains(r.body, `id="analysis-computing"`); r = page() {
			if time.Now().After(deadline) {
				t.Fatal("the analysis is still being computed after 30 s")
			}
			time.Sleep(20 * time.Millisecond)
		}
		if r.status != 200 || !strings.Contains(r.body, `id="topics"`) || strings.Contains(r.body, `id="analysis-stale"`) {
			t.Fatalf("after the computation: %d %.400s", r.status, r.body)
		}
	}
}
