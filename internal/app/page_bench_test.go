package app_test

import (
	"io"
	"net/http/httptest"
	"testing"
)

// BenchmarkProcedurePage renders the demo procedure page end to end
// (middleware, queries, template) without the network.
func BenchmarkProcedurePage(b *testing.B) {
	e := newEnv(b, nil)
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		res, err := e.app.Test(httptest.NewRequest("GET", "/p/"+slug, nil), -1)
		if err != nil || res.StatusCode != 200 {
			b.Fatal(err, res.StatusCode)
		}
		_, _ = io.Copy(io.Discard, res.Body)
	}
}
