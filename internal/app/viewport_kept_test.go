package app_test

import (
	"strings"
	"testing"
)

// A viewport answer kept for its query (from the third time it is asked
// at the same version) is sent without parsing the query again: it must be
// the fresh answer byte for byte in content, with the same headers, in
// every coding; a bad query is never kept; and a write is seen at once.
func TestKeptViewportAnswersAreTheFreshOnes(t *testing.T) {
	e := newEnv(t, nil)
	view := "/api/v1/procedures/" + slug + "/contributions?bbox=9.9,53.5,10.0,53.6&limit=50"
	same := []string{"Content-Type", "ETag", "Cache-Control", "Vary", "Content-Encoding", "Content-Security-Policy", "X-Content-Type-Options", "Referrer-Policy"}
	for _, coding := range []string{"identity", "gzip", "br"} {
		var first result
		for i := range 4 {
			r := e.do(t, "GET", view, "", "", "Accept-Encoding", coding)
			if r.status != 200 {
				t.Fatalf("%s, ask %d: %d %s", coding, i+1, r.status, r.body)
			}
			if i == 0 {
				first = r
				continue
			}
			if decode(t, coding, r.body) != decode(t, coding, first.body) {
				t.Fatalf("%s, ask %d: the answer differs from the first", coding, i+1)
			}
			for _, h := range same {
				if r.header.Get(h) != first.header.Get(h) {
					t.Errorf("%s, ask %d: %s %q, the first had %q", coding, i+1, h, r.header.Get(h), first.header.Get(h))
				}
			}
			if r.header.Get("X-Frame-Options") != "" {
				t.Errorf("%s, ask %d: a data answer with X-Frame-Options", coding, i+1)
			}
		}
		if etag := first.header.Get("ETag"); etag == "" || !strings.HasPrefix(etag, `W/"`) {
			t.Fatalf("%s: ETag %q", coding, etag)
		}
		if r := e.do(t, "GET", view, "", "", "Accept-Encoding", coding, "If-None-Match", first.header.Get("ETag")); r.status != 304 || r.body != "" {
			t.Fatalf("%s: revalidating the kept answer: %d, %d bytes", coding, r.status, len(r.body))
		}
	}
	for _, bad := range []string{"?bbox=10,53,9,54", "?bbox=9.9,53.5,10.0,53.6&category=nope", "?bbox=9.9,53.5,10.0,53.6&limit=x"} {
		for i := range 4 {
			if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions"+bad, "", ""); r.status != 400 {
				t.Fatalf("%s, ask %d: %d, want 400", bad, i+1, r.status)
			}
		}
	}
	before := e.do(t, "GET", view, "", "")
	e.submitAt(t, "Nach dem gemerkten Ausschnitt", 9.9395, 53.5535)
	after := e.do(t, "GET", view, "", "")
	if !strings.Contains(after.body, "Nach dem gemerkten Ausschnitt") || strings.Contains(before.body, "Nach dem gemerkten Ausschnitt") {
		t.Fatal("the kept answer hides a contribution written after it")
	}
	if after.header.Get("ETag") == before.header.Get("ETag") {
		t.Fatal("the ETag stayed the same across a write")
	}
}
