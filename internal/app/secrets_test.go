package app_test

import (
	"context"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/mitreden/mitreden/internal/app"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/store"
)

// Templates see only what pages need of the configuration: a theme that
// prints everything it is given shows no password and no token.
func TestTemplatesNeverSeeSecrets(t *testing.T) {
	dir := t.TempDir()
	tpl := filepath.Join(dir, "default", "templates")
	if err := os.MkdirAll(tpl, 0o755); err != nil {
		t.Fatal(err)
	}
	layout := `<!doctype html><html lang="de"><title>x</title><pre>{{printf "%+v" .Config}} {{printf "%+v" .}}</pre></html>`
	if err := os.WriteFile(filepath.Join(tpl, "layout.html"), []byte(layout), 0o644); err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, func(c *config.Config) {
		c.ThemesDir = dir
		c.AdminEmail, c.AdminPassword = "admin@example.org", "geheimes-admin-passwort"
		c.MetricsToken = "geheimer-metrik-token"
	})
	for _, path := range []string{"/", "/p/" + slug, "/admin/login"} {
		r := e.do(t, "GET", path, "", "")
		if r.status != 200 || !strings.Contains(r.body, "TileURL") {
			t.Fatalf("%s = %d %.200s", path, r.status, r.body)
		}
		for _, secret := range []string{"geheimes-admin-passwort", "geheimer-metrik-token", "AdminPassword", "MetricsToken"} {
			if strings.Contains(r.body, secret) {
				t.Fatalf("%s shows %q to the template", path, secret)
			}
		}
	}
}

// A themes directory others may write is refused at start with a clear
// message: its templates would run inside every page.
func TestThemeWritableByOthersIsRefused(t *testing.T) {
	dir := t.TempDir()
	css := filepath.Join(dir, "default", "static", "css")
	if err := os.MkdirAll(css, 0o755); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(css, "mitreden.css")
	if err := os.WriteFile(file, []byte("body{}"), 0o644); err != nil {
		t.Fatal(err)
	}
	st, err := store.Open(filepath.Join(t.TempDir(), "t.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if _, err := st.Migrate(context.Background()); err != nil {
		t.Fatal(err)
	}
	try := func() error {
		cfg := config.Defaults()
		cfg.ThemesDir = dir
		srv, _, err := app.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
		if err == nil {
			srv.Shutdown()
		}
		return err
	}
	if err := try(); err != nil {
		t.Fatalf("a theme only its owner writes: %v", err)
	}
	if err := os.Chmod(file, 0o666); err != nil {
		t.Fatal(err)
	}
	if err := try(); err == nil || !strings.Contains(err.Error(), "writable by group or others") {
		t.Fatalf("world-writable theme file: err = %v", err)
	}
	_ = os.Chmod(file, 0o644)
	if err := os.Chmod(filepath.Join(dir, "default"), 0o777); err != nil {
		t.Fatal(err)
	}
	if err := try(); err == nil {
		t.Fatal("world-writable theme directory accepted")
	}
}

type logBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *logBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *logBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// Manage tokens are secrets: the log names the route pattern, never the
// path, and no page or answer carrying one may be stored by a cache.
func TestManageTokensStayOutOfLogsAndCaches(t *testing.T) {
	var logs logBuffer
	e := newEnvLog(t, nil, &logs)
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature(`null`, "Mit Verwaltungslink", okText, "verkehr"))
	if r.status != 201 || r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("create = %d, Cache-Control %q", r.status, r.header.Get("Cache-Control"))
	}
	token := jsonField(t, r.body, "manage_token")
	page := e.do(t, "GET", "/manage/"+token, "", "")
	if page.status != 200 || page.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("manage page = %d, Cache-Control %q", page.status, page.header.Get("Cache-Control"))
	}
	if r := e.do(t, "POST", "/manage/"+token, "application/x-www-form-urlencoded", "_csrf=x"); r.header.Get("Cache-Control") != "no-store" {
		t.Fatalf("manage post Cache-Control %q", r.header.Get("Cache-Control"))
	}
	e.do(t, "GET", "/manage/"+token+"x", "", "")
	e.do(t, "GET", "/no/such/"+token, "", "")
	out := logs.String()
	if strings.Contains(out, token) {
		t.Fatalf("the log holds a manage token:\n%s", out)
	}
	if !strings.Contains(out, `"route":"/manage/:token"`) {
		t.Fatalf("the log does not name the route:\n%.500s", out)
	}
}
