package main

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/store"
)

func runCLI(t *testing.T, stdin string, env map[string]string, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	lookup := func(k string) (string, bool) { v, ok := env[k]; return v, ok }
	code := run(args, strings.NewReader(stdin), &out, &errb, lookup)
	return code, out.String(), errb.String()
}

func TestUsageErrorsExitTwoWithMessage(t *testing.T) {
	db := filepath.Join(t.TempDir(), "cli.db")
	cases := []struct {
		args []string
		want string
	}{
		{nil, "Usage"},
		{[]string{"frobnicate"}, `unknown command "frobnicate"`},
		{[]string{"serve", "--bogus"}, "flag provided but not defined"},
		{[]string{"serve", "--write-limit", "many"}, "invalid value"},
		{[]string{"serve", "--trusted-proxies", "not-an-ip", "--db", db}, "neither an address nor a CIDR"},
		{[]string{"serve", "--db", db, "--tile-mbtiles", "/nonexistent/map.mbtiles"}, "offline base map"},
		{[]string{"user"}, "usage: mitreden user add"},
		{[]string{"user", "add", "--db", db}, "--email and --role are required"},
		{[]string{"user", "add", "--db", db, "--email", "not-an-email", "--role", "admin"}, "is not an email address"},
		{[]string{"user", "add", "--db", db, "--email", "a@example.org", "--role", "king"}, "role must be"},
		{[]string{"token", "create", "--db", db, "--email", "nobody@example.org"}, "no account for"},
		{[]string{"demo", "--db", db, "--contributions", "-5"}, "--contributions must be"},
		{[]string{"demo", "--db", db, "--procedure", "nope", "--contributions", "1"}, `no procedure "nope"`},
		{[]string{"backup", "--db", db}, "--out is required"},
		{[]string{"migrate", "extra"}, `unexpected argument "extra"`},
	}
	for _, c := range cases {
		code, _, stderr := runCLI(t, "", nil, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	code, _, stderr := runCLI(t, "", map[string]string{"MITREDEN_WRITE_LIMIT": "-1"}, "serve", "--db", db)
	if code != 2 || !strings.Contains(stderr, "MITREDEN_WRITE_LIMIT") {
		t.Errorf("bad env: exit %d %q", code, stderr)
	}
	code, _, stderr = runCLI(t, "", map[string]string{"MITREDEN_TABLE_IDLE": "0"}, "serve", "--db", db)
	if code != 2 || !strings.Contains(stderr, "MITREDEN_TABLE_IDLE") {
		t.Errorf("bad table idle: exit %d %q", code, stderr)
	}
}

func TestHelpOnEveryCommand(t *testing.T) {
	for _, args := range [][]string{{"--help"}, {"serve", "--help"}, {"migrate", "-h"}, {"user", "add", "--help"}, {"token", "create", "--help"}, {"demo", "--help"}, {"backup", "--help"}, {"export", "--help"}, {"import", "--help"}} {
		code, out, stderr := runCLI(t, "", nil, args...)
		if code != 0 || !strings.Contains(out+stderr, "Usage") {
			t.Errorf("%v: exit %d, output %q", args, code, out+stderr)
		}
	}
}

func TestMigrateUserTokenDemoAndBackup(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "m.db")
	code, out, stderr := runCLI(t, "", nil, "migrate", "--db", db)
	if code != 0 || !strings.Contains(out, fmt.Sprintf("schema version %d", store.LatestVersion())) {
		t.Fatalf("migrate: %d %q %q", code, out, stderr)
	}
	// The environment variable names the database too.
	code, out, _ = runCLI(t, "", map[string]string{"MITREDEN_DB": db}, "migrate")
	if code != 0 || !strings.Contains(out, db) {
		t.Fatalf("migrate via MITREDEN_DB: %d %q", code, out)
	}
	code, _, stderr = runCLI(t, "short\n", nil, "user", "add", "--db", db, "--email", "p@example.org", "--role", "planner", "--password-stdin")
	if code != 2 || !strings.Contains(stderr, "at least") {
		t.Fatalf("weak password: %d %q", code, stderr)
	}
	code, out, stderr = runCLI(t, "a long enough password\n", nil, "user", "add", "--db", db, "--email", "p@example.org", "--role", "planner", "--password-stdin")
	if code != 0 || !strings.Contains(out, "created planner account") {
		t.Fatalf("user add: %d %q %q", code, out, stderr)
	}
	code, _, stderr = runCLI(t, "a long enough password\n", nil, "user", "add", "--db", db, "--email", "p@example.org", "--role", "planner", "--password-stdin")
	if code != 2 || !strings.Contains(stderr, "exists already") {
		t.Fatalf("duplicate user: %d %q", code, stderr)
	}
	code, out, _ = runCLI(t, "", nil, "token", "create", "--db", db, "--email", "p@example.org")
	fields := strings.Fields(out)
	if code != 0 || len(fields) == 0 || len(fields[len(fields)-1]) < 40 {
		t.Fatalf("token create: %d %q", code, out)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	entries, err := st.AuditLog(context.Background(), 10)
	st.Close()
	if err != nil || len(entries) != 2 || entries[0].Action != "token.create" || entries[1].Action != "user.add" {
		t.Fatalf("audit log = %+v, %v", entries, err)
	}
	code, out, stderr = runCLI(t, "", nil, "demo", "--db", db, "--contributions", "250")
	if code != 0 || !strings.Contains(out, "generated 250 contributions") {
		t.Fatalf("demo: %d %q %q", code, out, stderr)
	}
	bak := filepath.Join(dir, "copy.db")
	code, out, stderr = runCLI(t, "", nil, "backup", "--db", db, "--out", bak)
	if code != 0 || !strings.Contains(out, "backup written") {
		t.Fatalf("backup: %d %q %q", code, out, stderr)
	}
	code, _, stderr = runCLI(t, "", nil, "backup", "--db", db, "--out", bak)
	if code != 2 || !strings.Contains(stderr, "exists already") {
		t.Fatalf("backup over existing: %d %q", code, stderr)
	}
}

func TestExportAndImportCommands(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.db"), filepath.Join(dir, "dst.db")
	const proc = "gruenzug-altona"
	if code, _, stderr := runCLI(t, "", nil, "demo", "--db", src, "--contributions", "300"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCLI(t, "", nil, "demo", "--db", dst, "--contributions", "0"); code != 0 {
		t.Fatal(stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"export", "--db", src, "--format", "csv", "--out", "x"}, "--procedure is required"},
		{[]string{"export", "--db", src, "--procedure", proc, "--format", "pdf", "--out", "x"}, `unknown format "pdf"`},
		{[]string{"export", "--db", src, "--procedure", proc, "--format", "csv"}, "--out is required"},
		{[]string{"export", "--db", src, "--procedure", proc, "--format", "gpkg", "--out", "-"}, "give --out a file name"},
		{[]string{"export", "--db", src, "--procedure", "nope", "--format", "csv", "--out", "x"}, `no procedure "nope"`},
		{[]string{"export", "--db", filepath.Join(dir, "none.db"), "--procedure", proc, "--format", "csv", "--out", "x"}, "not found"},
		{[]string{"export", "--db", src, "--procedure", proc, "--format", "csv", "--out", "x", "--locale", "xx"}, `unknown locale "xx"`},
		{[]string{"import", "--db", dst, "--procedure", proc}, "usage: mitreden import"},
		{[]string{"import", "--db", dst, "--procedure", proc, filepath.Join(dir, "missing.json")}, "cannot read"},
	} {
		code, _, stderr := runCLI(t, "", nil, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	bundle := filepath.Join(dir, "werkstatt.json")
	key := map[string]string{"MITREDEN_BUNDLE_KEY": testBundleKey}
	code, out, stderr := runCLI(t, "", key, "export", "--db", src, "--procedure", proc, "--format", "bundle", "--out", bundle)
	if code != 0 || !strings.Contains(out, "wrote bundle export") {
		t.Fatalf("export: %d %q %q", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "", key, "import", "--db", dst, "--procedure", proc, bundle)
	if code != 0 || !strings.Contains(out, "imported 340 contributions") { // 40 demo + 300 generated
		t.Fatalf("import: %d %q %q", code, out, stderr)
	}
	code, out, _ = runCLI(t, "", key, "import", "--db", dst, "--procedure", proc, bundle)
	if code != 0 || !strings.Contains(out, "imported 0 contributions") || !strings.Contains(out, "340 were already there") {
		t.Fatalf("second import: %d %q", code, out)
	}
	bad := filepath.Join(dir, "bad.json")
	os.WriteFile(bad, []byte(`{"type":"FeatureCollection","features":[{"type":"Feature","geometry":{"type":"Point","coordinates":[200,0]},"properties":{"title":"Weit weg","text":"Ganz woanders.","category":"gruen"}}]}`), 0o644)
	code, _, stderr = runCLI(t, "", nil, "import", "--db", dst, "--procedure", proc, bad)
	if code != 2 || !strings.Contains(stderr, "contribution 1") {
		t.Fatalf("bad import: %d %q", code, stderr)
	}
	csvOut := filepath.Join(dir, "out.csv")
	if code, _, stderr := runCLI(t, "", nil, "export", "--db", dst, "--procedure", proc, "--format", "csv", "--out", csvOut); code != 0 {
		t.Fatal(stderr)
	}
	b, _ := os.ReadFile(csvOut)
	if lines := strings.Count(string(b), "\n"); lines < 341 {
		t.Fatalf("csv of the import has %d lines", lines)
	}
	var stdout bytes.Buffer
	if code := run([]string{"export", "--db", dst, "--procedure", proc, "--format", "geojson", "--out", "-"}, strings.NewReader(""), &stdout, &bytes.Buffer{}, func(string) (string, bool) { return "", false }); code != 0 ||
		!strings.HasPrefix(stdout.String(), `{"type":"FeatureCollection"`) {
		t.Fatalf("geojson to stdout: %d %.80q", code, stdout.String())
	}
}

func TestProcedureAddFromAFolder(t *testing.T) {
	dir := t.TempDir()
	db := filepath.Join(dir, "p.db")
	folder := filepath.Join(dir, "verfahren")
	os.MkdirAll(filepath.Join(folder, "pages"), 0o755)
	procedure := `{"slug":"spielplatz-nord","title":"Spielplatz Nord","summary_md":"Ein neuer **Spielplatz**.",
	 "phases":[{"kind":"participation","starts_at":"2026-11-01T00:00:00Z","ends_at":"2027-01-31T00:00:00Z","title":"Beteiligung"}],
	 "categories":[{"key":"spiel","label":{"de":"Spielen","en":"Play"},"colour":"#2e7d32"}],
	 "area":{"type":"Polygon","coordinates":[[[9.9,53.5],[10.0,53.5],[10.0,53.6],[9.9,53.6],[9.9,53.5]]]},
	 "map":{"center":[9.95,53.55],"zoom":15},
	 "pages":[{"slug":"ueberblick","title":"Überblick","file":"pages/ueberblick.md","position":1}]}`
	os.WriteFile(filepath.Join(folder, "procedure.json"), []byte(procedure), 0o644)
	os.WriteFile(filepath.Join(folder, "pages", "ueberblick.md"), []byte("# Überblick\n\nWorum es geht."), 0o644)
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"procedure"}, "usage: mitreden procedure add"},
		{[]string{"procedure", "add", "--db", db}, "--dir or --from is required"},
		{[]string{"procedure", "add", "--db", db, "--dir", filepath.Join(dir, "nichts")}, "no procedure.json"},
	} {
		if code, _, stderr := runCLI(t, "", nil, c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d %q", c.args, code, stderr)
		}
	}
	code, out, stderr := runCLI(t, "", nil, "procedure", "add", "--db", db, "--dir", folder)
	if code != 0 || !strings.Contains(out, "created procedure spielplatz-nord with 1 pages") {
		t.Fatalf("add: %d %q %q", code, out, stderr)
	}
	if code, _, stderr := runCLI(t, "", nil, "procedure", "add", "--db", db, "--dir", folder); code != 2 || !strings.Contains(stderr, "exists already") {
		t.Fatalf("twice: %d %q", code, stderr)
	}
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.ProcedureBySlug(context.Background(), "spielplatz-nord")
	if err != nil || len(p.Phases) != 1 || p.Phases[0].StartsAt.Month() != 11 || len(p.Categories) != 1 || p.Area == nil {
		t.Fatalf("stored %+v, %v", p, err)
	}
	for name, bad := range map[string]string{
		"bad slug":   strings.Replace(procedure, `"spielplatz-nord"`, `"Spielplatz Nord"`, 1),
		"bad phase":  strings.Replace(procedure, `"2027-01-31T00:00:00Z"`, `"2026-10-01T00:00:00Z"`, 1),
		"bad json":   procedure[:50],
		"no kind":    strings.Replace(procedure, `"participation"`, `"party"`, 1),
		"no classes": strings.Replace(procedure, `"categories":[{"key":"spiel","label":{"de":"Spielen","en":"Play"},"colour":"#2e7d32"}],`, ``, 1),
	} {
		os.WriteFile(filepath.Join(folder, "procedure.json"), []byte(bad), 0o644)
		if code, _, stderr := runCLI(t, "", nil, "procedure", "add", "--db", db, "--dir", folder); code != 2 {
			t.Errorf("%s: exit %d %q", name, code, stderr)
		}
	}
}
