package app_test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
)

// app.Test's connection comes from 0.0.0.0: that is the reverse proxy here.
const testProxy = "0.0.0.0"

// Behind a trusted proxy the rate-limit key is the right-most address the
// client did not write: a random address prepended to X-Forwarded-For must
// not give a request a fresh budget (before, it did, for writes and logins).
func TestRateLimitKeyBehindProxyIgnoresWhatTheClientPrepends(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.WriteLimit = 3; c.TrustedProxies = []string{testProxy} })
	post := func(i int, xff string) int {
		return e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
			feature(`null`, fmt.Sprintf("Flut %d", i), okText, "verkehr"), "X-Forwarded-For", xff).status
	}
	codes := []int{}
	for i := 0; i < 5; i++ {
		codes = append(codes, post(i, fmt.Sprintf("198.51.100.%d, 203.0.113.7", i+1)))
	}
	if codes[0] != 201 || codes[2] != 201 || codes[3] != 429 || codes[4] != 429 {
		t.Fatalf("one client with forged left-hand addresses: codes = %v, want 429 from the fourth", codes)
	}
	if got := post(9, "203.0.113.8"); got != 201 {
		t.Fatalf("another client behind the same proxy = %d, want 201", got)
	}
	// A second trusted proxy in the chain is skipped too.
	e2 := newEnv(t, func(c *config.Config) { c.WriteLimit = 2; c.TrustedProxies = []string{testProxy, "10.0.0.0/8"} })
	codes = codes[:0]
	for i := 0; i < 3; i++ {
		codes = append(codes, e2.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
			feature(`null`, fmt.Sprintf("Kette %d", i), okText, "verkehr"), "X-Forwarded-For", fmt.Sprintf("192.0.2.%d, 203.0.113.9, 10.1.2.3", i)).status)
	}
	if codes[2] != 429 {
		t.Fatalf("client behind two proxies: codes = %v, want 429 on the third", codes)
	}

	// Logins: ten attempts per client per minute, whatever it prepends.
	e3 := newEnv(t, func(c *config.Config) { c.TrustedProxies = []string{testProxy} })
	limited := 0
	for i := 0; i < 15; i++ {
		form := url.Values{"email": {"nobody@example.org"}, "password": {"wrong"}}.Encode()
		r := e3.do(t, "POST", "/admin/login", "application/x-www-form-urlencoded", form,
			"X-Forwarded-For", fmt.Sprintf("198.51.100.%d, 203.0.113.7", i+1))
		if r.status == 429 {
			limited++
		}
	}
	if limited != 5 {
		t.Fatalf("15 logins from one client: %d answered 429, want 5", limited)
	}
}

// Without trusted proxies X-Forwarded-For is ignored altogether.
func TestForwardedForIsIgnoredWithoutTrustedProxies(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.WriteLimit = 2 })
	codes := []int{}
	for i := 0; i < 3; i++ {
		codes = append(codes, e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
			feature(`null`, fmt.Sprintf("Flut %d", i), okText, "verkehr"), "X-Forwarded-For", fmt.Sprintf("198.51.100.%d", i)).status)
	}
	if codes[2] != 429 {
		t.Fatalf("codes = %v, want 429 on the third", codes)
	}
}

// One budget per client across all anonymous writes: before, each route
// had its own limiter, so a client got the limit once per route.
func TestWriteLimitIsOneBudgetPerClientAcrossRoutes(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.WriteLimit = 4 })
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature(`null`, "Erster Beitrag", okText, "verkehr"))
	if r.status != 201 {
		t.Fatalf("contribution = %d %s", r.status, r.body)
	}
	id := jsonField(t, r.body, "id")
	steps := []struct{ path, body string }{
		{"/api/v1/procedures/" + slug + "/contributions", feature(`null`, "Zweiter Beitrag", okText, "verkehr")},
		{"/api/v1/contributions/" + id + "/comments", `{"text":"Ein Kommentar dazu."}`},
		{"/api/v1/contributions/" + id + "/ratings", `{"value":1}`},
	}
	for _, s := range steps {
		if r := e.do(t, "POST", s.path, "application/json", s.body); r.status == 429 {
			t.Fatalf("%s limited too early", s.path)
		}
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+id+"/flags", "application/json", `{"reason":"spam"}`); r.status != 429 {
		t.Fatalf("fifth write on a fourth route = %d, want 429", r.status)
	}
	if r := e.do(t, "POST", "/p/"+slug+"/contributions/"+id+"/comments", "application/x-www-form-urlencoded", "text=Hallo"); r.status != 429 {
		t.Fatalf("HTML form after the budget = %d, want 429", r.status)
	}
}

func jsonField(t *testing.T, body, field string) string {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal([]byte(body), &m); err != nil {
		t.Fatalf("%v: %s", err, body)
	}
	if v, ok := m[field]; ok {
		return fmt.Sprint(v)
	}
	if p, ok := m["properties"].(map[string]any); ok {
		return fmt.Sprint(p[field])
	}
	t.Fatalf("no %s in %s", field, body)
	return ""
}
