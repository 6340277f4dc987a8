package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/auth"
)

// mitreden table link prints the kiosk address with the key the server
// checks: signed with the secret kept beside the database (made on first
// use, mode 0600) or with MITREDEN_SECRET_KEY.
func TestTableLinkPrintsTheKioskAddressWithItsKey(t *testing.T) {
	db := filepath.Join(t.TempDir(), "t.db")
	const proc = "gruenzug-altona"
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"table"}, "usage: mitreden table link"},
		{[]string{"table", "print"}, "usage: mitreden table link"},
		{[]string{"table", "link", "--db", db, "--procedure", proc, "--table", "1"}, "no database at"},
	} {
		if code, _, stderr := runCLI(t, "", nil, c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	if code, out, stderr := runCLI(t, "", nil, "table", "link", "--help"); code != 0 || !strings.Contains(out+stderr, "Usage") {
		t.Errorf("table link --help: %d %q", code, out+stderr)
	}
	if code, _, stderr := runCLI(t, "", map[string]string{"MITREDEN_SECRET_KEY": "kurz"}, "serve", "--db", db); code != 2 || !strings.Contains(stderr, "at least 16 characters") {
		t.Errorf("short secret: exit %d %q", code, stderr)
	}
	if _, err := os.Stat(db); err == nil {
		t.Fatal("a bad call created the database")
	}
	if code, _, stderr := runCLI(t, "", nil, "demo", "--db", db, "--contributions", "0"); code != 0 {
		t.Fatal(stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"table", "link", "--db", db, "--table", "3"}, "--procedure is required"},
		{[]string{"table", "link", "--db", db, "--procedure", "nope", "--table", "3"}, `no procedure "nope"`},
		{[]string{"table", "link", "--db", db, "--procedure", proc}, "--table must be a whole number from 1 to 999, got 0"},
		{[]string{"table", "link", "--db", db, "--procedure", proc, "--table", "1000"}, "from 1 to 999, got 1000"},
		{[]string{"table", "link", "--db", db, "--procedure", proc, "--table", "drei"}, "invalid value"},
	} {
		if code, _, stderr := runCLI(t, "", nil, c.args...); code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}

	code, out, stderr := runCLI(t, "", nil, "table", "link", "--db", db, "--procedure", proc, "--table", "3")
	if code != 0 {
		t.Fatalf("table link: %d %q", code, stderr)
	}
	fi, err := os.Stat(db + ".secret")
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Fatalf("secret file: %v %v", fi, err)
	}
	secret, err := auth.LoadSecret("", db)
	if err != nil {
		t.Fatal(err)
	}
	want := "/table/" + proc + "?table=3&key=" + auth.TableKey(secret, proc, 3)
	if strings.TrimSpace(out) != want {
		t.Fatalf("link %q, want %q", out, want)
	}
	if _, again, _ := runCLI(t, "", nil, "table", "link", "--db", db, "--procedure", proc, "--table", "3"); again != out {
		t.Fatalf("the link changed: %q then %q", out, again)
	}
	// Absolute with a base URL, from the environment or the flag.
	env := map[string]string{"MITREDEN_BASE_URL": "https://beteiligung.example.org/"}
	if _, abs, _ := runCLI(t, "", env, "table", "link", "--db", db, "--procedure", proc, "--table", "3"); strings.TrimSpace(abs) != "https://beteiligung.example.org"+want {
		t.Fatalf("with MITREDEN_BASE_URL: %q", abs)
	}
	if _, abs, _ := runCLI(t, "", env, "table", "link", "--db", db, "--procedure", proc, "--table", "3", "--base-url", "http://laptop:8080"); strings.TrimSpace(abs) != "http://laptop:8080"+want {
		t.Fatalf("with --base-url: %q", abs)
	}
	// A configured secret signs instead of the file.
	env = map[string]string{"MITREDEN_SECRET_KEY": "ein-eigener-geheimer-schluessel"}
	_, own, _ := runCLI(t, "", env, "table", "link", "--db", db, "--procedure", proc, "--table", "3")
	if strings.TrimSpace(own) != "/table/"+proc+"?table=3&key="+auth.TableKey([]byte("ein-eigener-geheimer-schluessel"), proc, 3) || own == out {
		t.Fatalf("with MITREDEN_SECRET_KEY: %q", own)
	}
}
