package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// matched asks the API for the procedure's contributions matching q and
// returns numberMatched.
func (e *env) matched(q string) (int, error) {
	res, err := e.app.Test(httptest.NewRequest("GET", "/api/v1/procedures/"+slug+"/contributions?q="+url.QueryEscape(q), nil), -1)
	if err != nil {
		return 0, err
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	if res.StatusCode != 200 {
		return 0, fmt.Errorf("GET ?q=%s: %d %s", q, res.StatusCode, b)
	}
	var fc struct {
		NumberMatched int `json:"numberMatched"`
	}
	if err := json.Unmarshal(b, &fc); err != nil {
		return 0, err
	}
	return fc.NumberMatched, nil
}

// A contribution written by another process on the same file (the CLI's
// import) shows in the server's answers within the store's bound, although
// the server keeps procedure versions in memory.
func TestOtherProcessWriteVisibleThroughServer(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	const title = "Von einem anderen Prozess geschrieben"
	if n, err := e.matched(title); err != nil || n != 0 {
		t.Fatalf("before: %d %v", n, err) // the answer is now cached
	}
	p, err := e.st.ProcedureBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	other, err := store.Open(e.st.Path(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer other.Close()
	now := time.Now()
	start := time.Now()
	if err := other.InsertContribution(ctx, &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: p.Categories[0].Key,
		Title: title, Text: okText, Origin: "online", Status: model.Published, CreatedAt: now, UpdatedAt: now}, nil, ""); err != nil {
		t.Fatal(err)
	}
	for {
		n, err := e.matched(title)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			break
		}
		// The bound is 250 ms; the rest is room for a busy machine.
		if time.Since(start) > store.OtherWritersBound+2*time.Second {
			t.Fatalf("another process's contribution not visible %s after its commit", time.Since(start))
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("visible after %s", time.Since(start))
}

// Every client that has just submitted a contribution finds it in the
// very next list it asks for (the same list it asked for before), while
// others submit at the same time.
func TestReadYourWritesUnderConcurrency(t *testing.T) {
	e := newEnv(t, nil)
	const n = 50
	errs := make(chan error, n)
	var wg sync.WaitGroup
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			title := fmt.Sprintf("Eigener Beitrag %s", uuid.NewString()[:8])
			// Asked once before: the empty answer is cached under the
			// procedure's version, so only a fresh version finds the new one.
			if got, err := e.matched(title); err != nil || got != 0 {
				errs <- fmt.Errorf("%q before its submit: %d matches, %v", title, got, err)
				return
			}
			req := httptest.NewRequest("POST", "/api/v1/procedures/"+slug+"/contributions",
				strings.NewReader(feature(`{"type":"Point","coordinates":[9.945,53.556]}`, title, okText, "verkehr")))
			req.Header.Set("Content-Type", "application/json")
			res, err := e.app.Test(req, -1)
			if err != nil {
				errs <- err
				return
			}
			res.Body.Close()
			if res.StatusCode != 201 {
				errs <- fmt.Errorf("POST: %d", res.StatusCode)
				return
			}
			if got, err := e.matched(title); err != nil || got != 1 {
				errs <- fmt.Errorf("%q right after its submit: %d matches, %v", title, got, err)
			}
		}(i)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}
