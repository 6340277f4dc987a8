package api

import (
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"testing"
)

// The hand-written FNV-1a and validator give what hash/fnv and fmt gave.
func TestWeakETagIsVersionAndFNVOfTheQuery(t *testing.T) {
	rng := rand.New(rand.NewPCG(1, 2))
	for i := 0; i < 2000; i++ {
		q := make([]byte, rng.IntN(200))
		for k := range q {
			q[k] = byte(rng.IntN(256))
		}
		h := fnv.New64a()
		h.Write(q)
		v := rng.Int64N(1 << 40)
		if got, want := string(weakETag(v, q)), fmt.Sprintf(`W/"%d-%x"`, v, h.Sum64()); got != want {
			t.Fatalf("weakETag(%d, %q) = %s, want %s", v, q, got, want)
		}
	}
}
