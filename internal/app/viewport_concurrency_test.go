package app_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http/httptest"
	"sync"
	"sync/atomic"
	"testing"

	"github.com/mitreden/mitreden/internal/demo"
)

// Many clients asking different street-sized viewports at once each get
// their own answer, byte for byte what the same question gets alone: the
// buffers lent to answers asked once (and their compression) never leak
// into another client's answer; the same for the OGC API's items pages
// over the same views. (Sending a lent buffer without copying it is caught
// here by the race detector, which make test runs.) On a busy server the
// gzip answers are joined from pieces compressed once (viewport.Query.Gzip):
// they too inflate to the answer asked alone.
func TestConcurrentViewportsGetTheirOwnAnswers(t *testing.T) {
	t.Run("server not busy", func(t *testing.T) { testConcurrentViewports(t, false) })
	t.Run("server busy", func(t *testing.T) { testConcurrentViewports(t, true) })
}

func testConcurrentViewports(t *testing.T, busy bool) {
	e := newEnv(t, nil)
	e.srv.Busy = func() bool { return busy }
	var joined, joinedOGC atomic.Int64
	ctx := context.Background()
	p, err := e.st.ProcedureBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	if err := demo.Generate(ctx, e.st, p, 3000, 11, nil); err != nil {
		t.Fatal(err)
	}
	c := p.Area.Bound().Center()
	rng := rand.New(rand.NewPCG(5, 6))
	var views []string
	for i := 0; i < 24; i++ {
		w := 0.005 + rng.Float64()*0.005
		x, y := c[0]-0.006+rng.Float64()*0.004, c[1]-0.003+rng.Float64()*0.002
		views = append(views, fmt.Sprintf("%.6f,%.6f,%.6f,%.6f", x, y, x+w, y+w/2))
	}
	url := func(view string, limit int) string {
		return fmt.Sprintf("/api/v1/procedures/%s/contributions?bbox=%s&limit=%d", slug, view, limit)
	}
	get := func(target, coding string) ([]byte, error) {
		req := httptest.NewRequest("GET", target, nil)
		req.Header.Set("Accept-Encoding", coding)
		res, err := e.app.Test(req, -1)
		if err != nil {
			return nil, err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil || res.StatusCode != 200 {
			return nil, fmt.Errorf("%s: %d %v %.100s", target, res.StatusCode, err, b)
		}
		if res.Header.Get("Content-Encoding") == "gzip" {
			// A joined answer carries the collection's head in a stored
			// block, as it is; a compressed one does not.
			if bytes.Contains(b, []byte(`{"type":"FeatureCollection","features":[`)) {
				joined.Add(1)
			}
			if bytes.Contains(b, []byte(`{"type":"FeatureCollection","timeStamp":"`)) {
				joinedOGC.Add(1) // an OGC API items page
			}
			r, err := gzip.NewReader(bytes.NewReader(b))
			if err != nil {
				return nil, err
			}
			return io.ReadAll(r)
		}
		return b, nil
	}
	// The OGC API's items pages over the same views: their features (the
	// page's head carries the time and links of its request).
	ogc := func(view string) string {
		return fmt.Sprintf("/ogcapi/collections/%s/items?bbox=%s&limit=100", slug, view)
	}
	features := func(b []byte) []byte {
		if i := bytes.Index(b, []byte(`"features":[`)); i >= 0 {
			return b[i:]
		}
		return nil
	}
	want, wantOGC := map[string][]byte{}, map[string][]byte{}
	full := 0
	for _, v := range views {
		b, err := get(url(v, 100), "identity")
		if err != nil {
			t.Fatal(err)
		}
		o, err := get(ogc(v), "identity")
		if err != nil {
			t.Fatal(err)
		}
		if wantOGC[v] = features(o); len(wantOGC[v]) < 1000 {
			t.Fatalf("OGC items page over %s: %.200s", v, o)
		}
		if bytes.Count(b, []byte(`"type":"Feature"`)) == 100 {
			full++
		}
		want[v] = b
	}
	if full < len(views)/2 {
		t.Fatalf("only %d of %d views hold a full page; the test needs dense views", full, len(views))
	}
	// Every limit above the page size answers the same page under a
	// question of its own, so nearly every request below is asked once.
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := 0; g < 16; g++ {
		wg.Add(1)
		go func(g int) {
			defer wg.Done()
			r := rand.New(rand.NewPCG(uint64(g), 7))
			for i := 0; i < 60; i++ {
				v := views[r.IntN(len(views))]
				coding := []string{"identity", "gzip"}[r.IntN(2)]
				if i%3 == 0 {
					got, err := get(ogc(v), coding)
					if err != nil {
						errs <- err
						return
					}
					if !bytes.Equal(features(got), wantOGC[v]) {
						errs <- fmt.Errorf("client %d, OGC items over %s (%s): the features differ from those asked alone", g, v, coding)
						return
					}
					continue
				}
				got, err := get(url(v, 101+r.IntN(900)), coding)
				if err != nil {
					errs <- err
					return
				}
				if !bytes.Equal(got, want[v]) {
					errs <- fmt.Errorf("client %d, view %s (%s): the answer differs from the one asked alone (%d against %d bytes)", g, v, coding, len(got), len(want[v]))
					return
				}
			}
		}(g)
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	t.Logf("gzip answers joined from pieces: %d viewports, %d OGC API items pages", joined.Load(), joinedOGC.Load())
	if n, o := joined.Load(), joinedOGC.Load(); busy != (n > 0) || busy != (o > 0) {
		t.Errorf("server busy %v: gzip answers joined from pieces: %d viewports, %d OGC API items pages", busy, n, o)
	}
}
