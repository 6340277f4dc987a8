package main

import (
	"path/filepath"
	"strings"
	"testing"
)

// Flags may follow the positional arguments (`mitreden import --procedure S
// FILE --db X`), as operators type them; what is still wrong is named.
func TestFlagsAfterArguments(t *testing.T) {
	dir := t.TempDir()
	src, dst := filepath.Join(dir, "src.db"), filepath.Join(dir, "dst.db")
	const proc = "gruenzug-altona"
	if code, _, stderr := runCLI(t, "", nil, "demo", "--db", src, "--contributions", "5"); code != 0 {
		t.Fatal(stderr)
	}
	if code, _, stderr := runCLI(t, "", nil, "demo", "--db", dst, "--contributions", "0"); code != 0 {
		t.Fatal(stderr)
	}
	bundle := filepath.Join(dir, "b.json")
	// flags after a flag value and mixed orders work for every command
	if code, out, stderr := runCLI(t, "", nil, "export", "--format", "bundle", "--db", src, "--out", bundle, "--procedure", proc, "--bundle-key-file", keyFile(t)); code != 0 {
		t.Fatalf("export: %d %q %q", code, out, stderr)
	}
	code, out, stderr := runCLI(t, "", nil, "import", "--procedure", proc, bundle, "--db", dst, "--bundle-key-file", keyFile(t))
	if code != 0 || !strings.Contains(out, "imported 45 contributions") {
		t.Fatalf("import with --db after FILE: %d %q %q", code, out, stderr)
	}
	code, out, stderr = runCLI(t, "", map[string]string{"MITREDEN_BUNDLE_KEY": testBundleKey}, "import", bundle, "--db", dst, "--procedure", proc)
	if code != 0 || !strings.Contains(out, "45 were already there") {
		t.Fatalf("import with FILE first: %d %q %q", code, out, stderr)
	}
	// "--" ends the flags: a file named like a flag can still be imported
	code, _, stderr = runCLI(t, "", nil, "import", "--db", dst, "--procedure", proc, "--", "--db")
	if code != 2 || !strings.Contains(stderr, "cannot read --db") {
		t.Fatalf("import -- FILE: %d %q", code, stderr)
	}
	for _, c := range []struct {
		args []string
		want string
	}{
		{[]string{"import", "--procedure", proc, bundle, "--db"}, "flag needs an argument: -db"},
		{[]string{"import", "--procedure", proc, bundle, "other.json", "--db", dst}, `import takes one FILE, got 2: "` + bundle + `", "other.json"`},
		{[]string{"import", "--procedure", proc, "--db", dst}, "import needs a FILE"},
		{[]string{"import", "--procedure", proc, bundle, "--bogus", "--db", dst}, "flag provided but not defined: -bogus"},
		{[]string{"migrate", "--db", dst, "extra", "--bogus"}, "flag provided but not defined: -bogus"},
		{[]string{"migrate", "extra", "--db", dst}, `unexpected argument "extra"`},
		{[]string{"export", "--procedure", proc, "x.csv", "--db", src, "--format", "csv", "--out", "y"}, `unexpected argument "x.csv"`},
	} {
		code, _, stderr := runCLI(t, "", nil, c.args...)
		if code != 2 || !strings.Contains(stderr, c.want) {
			t.Errorf("%v: exit %d, stderr %q; want 2 and %q", c.args, code, stderr, c.want)
		}
	}
	// a flag after an argument reaches the command (here: migrate's --db)
	code, out, stderr = runCLI(t, "", nil, "backup", "--out", filepath.Join(dir, "copy.db"), "--db", src)
	if code != 0 {
		t.Fatalf("backup: %d %q %q", code, out, stderr)
	}
}
