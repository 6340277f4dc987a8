package main

import (
	"bytes"
	"crypto/sha256"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	_ "github.com/mattn/go-sqlite3"
)

const testBundleKey = "0123456789abcdef0123456789abcdef-werkstatt"

// keyFile writes the shared bundle key to a file, as an operator would.
func keyFile(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "bundle.key")
	if err := os.WriteFile(f, []byte(testBundleKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// dbState is every table's row count and a digest of its rows, plus the
// digest of the database file's bytes.
func dbState(t *testing.T, db string) string {
	t.Helper()
	raw, err := os.ReadFile(db)
	if err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(raw)
	conn, err := sql.Open("sqlite3", "file:"+db+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close()
	rows, err := conn.Query(`SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name`)
	if err != nil {
		t.Fatal(err)
	}
	var tables []string
	for rows.Next() {
		var n string
		rows.Scan(&n)
		tables = append(tables, n)
	}
	rows.Close()
	var b strings.Builder
	fmt.Fprintf(&b, "file %x\n", sum[:8])
	for _, tb := range tables {
		r, err := conn.Query(`SELECT * FROM "` + tb + `"`)
		if err != nil {
			continue // a virtual table's shadow that cannot be read alone
		}
		cols, _ := r.Columns()
		h, n := sha256.New(), 0
		for r.Next() {
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			r.Scan(ptrs...)
			fmt.Fprintf(h, "%v\n", vals)
			n++
		}
		r.Close()
		fmt.Fprintf(&b, "%s %d %x\n", tb, n, h.Sum(nil)[:8])
	}
	return b.String()
}

func TestSignedBundleRefusesTamperingAndChangesNothing(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "laptop.db"), filepath.Join(dir, "central.db")
	proc := "gruenzug-altona"
	for _, c := range [][]string{{"demo", "--db", src, "--contributions", "6"}, {"demo", "--db", dst, "--contributions", "0"}} {
		if code, _, stderr := runCLI(t, "", nil, c...); code != 0 {
			t.Fatal(stderr)
		}
	}
	key := map[string]string{"MITREDEN_BUNDLE_KEY": testBundleKey}
	signed, unsigned := filepath.Join(dir, "signed.json"), filepath.Join(dir, "unsigned.json")
	if code, _, stderr := runCLI(t, "", key, "export", "--db", src, "--procedure", proc, "--format", "bundle", "--out", signed); code != 0 || stderr != "" {
		t.Fatalf("signed export: %d %q", code, stderr)
	}
	if code, _, stderr := runCLI(t, "", nil, "export", "--db", src, "--procedure", proc, "--format", "bundle", "--out", unsigned); code != 0 || !strings.Contains(stderr, "unsigned") {
		t.Fatalf("unsigned export: %d %q", code, stderr)
	}
	orig, _ := os.ReadFile(signed)
	lines := strings.Split(string(orig), "\n")
	if !strings.Contains(lines[0], `"version":3`) || !strings.HasPrefix(lines[3], `{"n":3,`) {
		t.Fatalf("signed bundle layout: %.300s", orig)
	}
	id3 := regexp.MustCompile(`"id":"([0-9a-f-]{36})"`).FindStringSubmatch(lines[3])[1]
	last := len(lines) - 3 // the last record: "]…" and "" follow it

	changed := strings.Replace(string(orig), lines[3], strings.Replace(lines[3], `"title":"`, `"title":"X`, 1), 1)
	oneByte := []byte(string(orig))
	i := bytes.Index(oneByte, []byte(lines[5])) + strings.Index(lines[5], `"text":"`) + 9
	oneByte[i] ^= 0x01 // one bit of one byte inside a text
	swapped := append([]string{}, lines...)
	swapped[2], swapped[3] = swapped[3], swapped[2]
	removed := append(append([]string{}, lines[:4]...), lines[5:]...)
	dropLast := append(append([]string{}, lines[:last]...), lines[last+1:]...)
	dropLast[last-1] = strings.TrimSuffix(dropLast[last-1], ",")
	cases := []struct {
		name string
		file []byte
		env  map[string]string
		args []string
		want []string
	}{
		{"changed record", []byte(changed), key, nil, []string{"record 3 (contribution " + id3 + "): its signature does not match"}},
		{"one byte flipped", oneByte, key, nil, []string{"record 5 (contribution", "signature does not match"}},
		{"truncated", orig[:len(orig)*2/3], key, nil, []string{"cannot be read", "cut short"}},
		{"truncated before its signature", []byte(strings.Join(lines[:last+1], "\n") + "\n]}"), key, nil, []string{"signature (count and mac after the records) is missing"}},
		{"foreign key", orig, map[string]string{"MITREDEN_BUNDLE_KEY": strings.Repeat("k", 40)}, nil, []string{"signed with another key"}},
		{"reordered", []byte(strings.Join(swapped, "\n")), key, nil, []string{"record 2 (contribution", "signed as record 3 but stands at position 2"}},
		{"removed record", []byte(strings.Join(removed, "\n")), key, nil, []string{"signed as record 5 but stands at position 4"}},
		{"removed last record", []byte(strings.Join(dropLast, "\n")), key, nil, []string{"records were removed or added"}},
		{"no key", orig, nil, nil, []string{"the bundle key is needed"}},
		{"unsigned", mustRead(t, unsigned), key, nil, []string{"not signed", "--allow-unsigned"}},
		{"unsigned without a key", mustRead(t, unsigned), nil, nil, []string{"not signed"}},
	}
	before := dbState(t, dst)
	for _, c := range cases {
		f := filepath.Join(dir, strings.ReplaceAll(c.name, " ", "-")+".json")
		os.WriteFile(f, c.file, 0o644)
		code, out, stderr := runCLI(t, "", c.env, append([]string{"import", "--db", dst, "--procedure", proc, f}, c.args...)...)
		t.Logf("%s: %s", c.name, stderr)
		if code != 2 {
			t.Errorf("%s: exit %d, want 2; %q %q", c.name, code, out, stderr)
		}
		for _, w := range c.want {
			if !strings.Contains(stderr, w) {
				t.Errorf("%s: report %q lacks %q", c.name, stderr, w)
			}
		}
		if after := dbState(t, dst); after != before {
			t.Fatalf("%s changed the database:\n%s\n---\n%s", c.name, before, after)
		}
	}
	// The untouched bundle comes in, and again adds nothing.
	code, out, stderr := runCLI(t, "", key, "import", "--db", dst, "--procedure", proc, signed)
	if code != 0 || !strings.Contains(out, "imported 46 contributions") {
		t.Fatalf("signed import: %d %q %q", code, out, stderr)
	}
	code, out, _ = runCLI(t, "", nil, "import", "--db", dst, "--procedure", proc, signed, "--bundle-key-file", keyFile(t))
	if code != 0 || !strings.Contains(out, "imported 0 contributions") {
		t.Fatalf("second signed import: %d %q", code, out)
	}
	// An old unsigned bundle is read only when allowed explicitly.
	code, out, stderr = runCLI(t, "", nil, "import", "--db", dst, "--procedure", proc, "--allow-unsigned", unsigned)
	if code != 0 || !strings.Contains(out, "46 were already there") {
		t.Fatalf("unsigned import allowed: %d %q %q", code, out, stderr)
	}
	// A key too short to sign with is refused.
	if code, _, stderr := runCLI(t, "", map[string]string{"MITREDEN_BUNDLE_KEY": "short"}, "export", "--db", src, "--procedure", proc, "--format", "bundle", "--out", filepath.Join(dir, "x.json")); code != 2 || !strings.Contains(stderr, "at least 32 bytes") {
		t.Errorf("short key: %d %q", code, stderr)
	}
}

func mustRead(t *testing.T, f string) []byte {
	t.Helper()
	b, err := os.ReadFile(f)
	if err != nil {
		t.Fatal(err)
	}
	return b
}
