package viewport_test

import (
	"bytes"
	"compress/gzip"
	"context"
	"fmt"
	"io"
	"testing"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/viewport"
)

func inflate(t *testing.T, gz []byte) []byte {
	t.Helper()
	r, err := gzip.NewReader(bytes.NewReader(gz))
	if err != nil {
		t.Fatal(err)
	}
	b, err := io.ReadAll(r) // checks the CRC-32 and the length
	if err != nil {
		t.Fatalf("inflate: %v", err)
	}
	return b
}

// TestJoinedAnswersComeOnceTheTilesAreUsedOften: fresh answers asked with
// Query.Gzip get no joined form while their tiles' pieces are not made;
// the use that reaches the threshold has them made in the background, and
// from then on the joined form inflates to the answer, byte for byte. A
// question without Gzip never gets one.
func TestJoinedAnswersComeOnceTheTilesAreUsedOften(t *testing.T) {
	defer viewport.SetPiecesAfter(3)()
	ctx := context.Background()
	st, p, _ := denseFixture(t)
	vp := viewport.New(st, func(ctx context.Context, _ *model.Procedure, f store.Filter) (int, error) {
		return st.CountContributions(ctx, f)
	})
	b := orb.Bound{Min: orb.Point{9.951, 53.5505}, Max: orb.Point{9.954, 53.552}}
	ask := func(i int, gz bool) viewport.Answer {
		t.Helper()
		// Every question its own name, so that none is kept: all are fresh.
		a, err := vp.Answer(ctx, p, viewport.Query{Filter: store.Filter{ProcedureID: p.ID, BBox: &b, Limit: 100}, Key: fmt.Sprint("q", i), Gzip: gz})
		if err != nil {
			t.Fatal(err)
		}
		if a.Kept || bytes.Count(a.Body, []byte(`"type":"Feature"`)) != 100 {
			t.Fatalf("answer %d: kept %v, %d bytes; want a fresh full page", i, a.Kept, len(a.Body))
		}
		return a
	}
	for i := range 3 {
		if a := ask(i, true); a.Gzip != nil {
			t.Fatalf("answer %d was joined before its tiles were used %d times", i, 3)
		}
	}
	deadline := time.Now().Add(10 * time.Second)
	for i := 3; ; i++ {
		a := ask(i, true)
		if a.Gzip != nil {
			if got := inflate(t, a.Gzip); !bytes.Equal(got, a.Body) {
				t.Fatalf("the joined answer inflates to %d bytes, not to the answer's %d", len(got), len(a.Body))
			}
			if !bytes.Contains(a.Gzip, []byte(`{"type":"FeatureCollection","features":[`)) {
				t.Fatal("the joined answer does not carry the collection's head as it is")
			}
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("no joined answer 10 s after the tiles were used often enough")
		}
		time.Sleep(5 * time.Millisecond) // the pieces are made in the background
	}
	if a := ask(1000, false); a.Gzip != nil {
		t.Fatal("a question without Gzip got a joined answer")
	}
}
