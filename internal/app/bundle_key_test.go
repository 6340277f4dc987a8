package app_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/workshop"
)

// A server given a bundle key signs the workshop bundles its API exports,
// so that the central instance can check them like the CLI's; the key
// never reaches a page.
func TestTheAPISignsBundlesWithTheServersKey(t *testing.T) {
	key := strings.Repeat("k", 40)
	e := newEnv(t, func(c *config.Config) { c.BundleKey = key })
	planner := e.token(t, "planerin@example.org", model.RolePlanner)
	r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/export.bundle", "", "", "Authorization", "Bearer "+planner)
	if r.status != 200 || !strings.Contains(r.body[:300], `"signature"`) {
		t.Fatalf("bundle: %d %.300s", r.status, r.body)
	}
	p, err := e.st.ProcedureBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	decode := func(k []byte, body string) (int, error) {
		n := 0
		d := &workshop.Decoder{Procedure: p, Key: k, RequireSigned: true}
		err := d.Decode(strings.NewReader(body), func(store.ImportItem) error { n++; return nil })
		return n, err
	}
	if n, err := decode([]byte(key), r.body); err != nil || n == 0 {
		t.Fatalf("the central instance's check: %d records, %v", n, err)
	}
	if _, err := decode([]byte(strings.Repeat("x", 40)), r.body); err == nil {
		t.Fatal("a foreign key accepts the bundle")
	}
	tampered := strings.Replace(r.body, `"title":"`, `"title":"X`, 1)
	if _, err := decode([]byte(key), tampered); !errors.Is(err, workshop.ErrTampered) {
		t.Fatalf("a changed record: %v", err)
	}
	if page := e.do(t, "GET", "/p/"+slug, "", ""); strings.Contains(page.body, key) {
		t.Fatal("the bundle key reached a page")
	}
	// Without a key the API's bundle stays unsigned, and a signed-only import refuses it.
	plain := newEnv(t, nil)
	tok := plain.token(t, "planerin@example.org", model.RolePlanner)
	r = plain.do(t, "GET", "/api/v1/procedures/"+slug+"/export.bundle", "", "", "Authorization", "Bearer "+tok)
	if r.status != 200 || strings.Contains(r.body[:300], `"signature"`) {
		t.Fatalf("unsigned bundle: %d %.300s", r.status, r.body)
	}
	if _, err := decode([]byte(key), r.body); !errors.Is(err, workshop.ErrUnsigned) {
		t.Fatalf("unsigned bundle under RequireSigned: %v", err)
	}
}
