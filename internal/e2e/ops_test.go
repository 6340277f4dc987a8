package e2e

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// MITREDEN_ADMIN_EMAIL/PASSWORD create the first admin; the CLI then makes
// a token for that account on the same database.
func TestFirstStartCreatesAdminFromEnvironment(t *testing.T) {
	s := start(t, "", "MITREDEN_ADMIN_EMAIL=admin@example.org", "MITREDEN_ADMIN_PASSWORD=ein-sicheres-passwort")
	s.stop()
	out, err := execBinary("token", "create", "--db", s.DB, "--email", "admin@example.org").CombinedOutput()
	if err != nil || !strings.Contains(string(out), "admin@example.org") {
		t.Fatalf("token for env admin: %v %s", err, out)
	}
}

// A theme directory on disk overrides the embedded theme file by file.
func TestThemeDirectoryOverridesFilesOneByOne(t *testing.T) {
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "default", "static", "css"), 0o755); err != nil {
		t.Fatal(err)
	}
	css := "/* city theme */ body { background: #fff; }"
	if err := os.WriteFile(filepath.Join(dir, "default", "static", "css", "mitreden.css"), []byte(css), 0o644); err != nil {
		t.Fatal(err)
	}
	s := start(t, "", "MITREDEN_THEMES_DIR="+dir)
	_, page := s.get(t, "/")
	m := regexp.MustCompile(`href="(/static/[0-9a-f]+/css/mitreden\.css)"`).FindStringSubmatch(page)
	if m == nil {
		t.Fatal("no stylesheet link")
	}
	if _, body := s.get(t, m[1]); body != css {
		t.Fatalf("stylesheet not overridden: %.80q", body)
	}
	// Files the directory lacks still come from the embedded theme.
	if code, _ := s.get(t, "/p/gruenzug-altona"); code != 200 {
		t.Fatal("embedded templates not used")
	}
	if !strings.Contains(page, "Mitreden") {
		t.Fatal("layout missing")
	}
}
