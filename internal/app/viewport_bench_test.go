package app_test

import (
	"testing"

	"github.com/valyala/fasthttp"
)

// BenchmarkViewportCached serves the same viewport answer again and again,
// as a map in many browsers asks for it: after the first request every
// answer comes from the cache, so this measures what a cached answer still
// pays (procedure lookup, middleware, compression) without the network.
func BenchmarkViewportCached(b *testing.B) {
	e := newEnv(b, nil)
	h := e.app.Handler()
	target := "/api/v1/procedures/" + slug + "/contributions?limit=1000&bbox=9.8,53.5,10.1,53.6"
	serve := func() int {
		var ctx fasthttp.RequestCtx
		ctx.Request.SetRequestURI(target)
		ctx.Request.Header.Set("Accept-Encoding", "gzip")
		h(&ctx)
		return ctx.Response.StatusCode()
	}
	if st := serve(); st != 200 {
		b.Fatal(st)
	}
	b.ReportAllocs()
	b.ResetTimer()
	b.RunParallel(func(pb *testing.PB) {
		for pb.Next() {
			if st := serve(); st != 200 {
				b.Error(st)
				return
			}
		}
	})
}
