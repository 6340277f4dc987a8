// Package e2e drives the real mitreden binary: it builds it, starts it on a
// free port with a temporary database and the demo, and uses headless
// Chromium (chromedp) to act as a resident would. Fault tests (SIGKILL,
// backup under load, floods) live here too because they need the process.
package e2e

import (
	"context"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

var (
	binary  string
	rootDir string
)

func TestMain(m *testing.M) {
	_, file, _, _ := runtime.Caller(0)
	rootDir = filepath.Join(filepath.Dir(file), "..", "..")
	dir, err := os.MkdirTemp("", "mitreden-e2e")
	if err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(1)
	}
	binary = filepath.Join(dir, "mitreden")
	build := exec.Command("go", "build", "-tags", "sqlite_fts5", "-o", binary, "./cmd/mitreden")
	build.Dir = rootDir
	build.Env = append(os.Environ(), "GOFLAGS=-buildvcs=false")
	if out, err := build.CombinedOutput(); err != nil {
		fmt.Fprintf(os.Stderr, "building mitreden: %v\n%s", err, out)
		os.Exit(1)
	}
	code := m.Run()
	os.RemoveAll(dir)
	os.Exit(code)
}

// server is a running mitreden process.
type server struct {
	URL  string
	DB   string
	cmd  *exec.Cmd
	logs *syncBuffer
}

type syncBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func freePort(t testing.TB) int {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port
}

// start runs mitreden serve --demo on db (a new one when empty) with extra
// environment variables.
func start(t testing.TB, db string, env ...string) *server {
	t.Helper()
	if db == "" {
		db = filepath.Join(t.TempDir(), "e2e.db")
	}
	port := freePort(t)
	url := fmt.Sprintf("http://127.0.0.1:%d", port)
	cmd := exec.Command(binary, "serve", "--demo", "--db", db, "--addr", fmt.Sprintf("127.0.0.1:%d", port))
	cmd.Env = append(os.Environ(), "MITREDEN_BASE_URL="+url, "MITREDEN_WRITE_LIMIT=0", "MITREDEN_TILE_URL=/static/0/none/{z}/{x}/{y}.png")
	cmd.Env = append(cmd.Env, env...)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	s := &server{URL: url, DB: db, cmd: cmd, logs: logs}
	t.Cleanup(func() { s.stop() })
	ready := eventually(t, 20*time.Second, func() bool {
		res, err := http.Get(url + "/readyz")
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	})
	if !ready {
		t.Fatalf("server did not become ready:\n%s", logs.String())
	}
	return s
}

func (s *server) stop() {
	if s.cmd.ProcessState == nil && s.cmd.Process != nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
}

func (s *server) get(t testing.TB, path string) (int, string) {
	t.Helper()
	res, err := http.Get(s.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// browser returns a chromedp context on a fresh headless Chromium that
// lives for at most 90 s.
func browser(t testing.TB, opts ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	return browserFor(t, 90*time.Second, opts...)
}

// browserFor is browser for a test that needs the browser longer.
func browserFor(t testing.TB, limit time.Duration, opts ...chromedp.ExecAllocatorOption) context.Context {
	t.Helper()
	path := os.Getenv("CHROMIUM")
	if path == "" {
		for _, p := range []string{"/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome"} {
			if _, err := os.Stat(p); err == nil {
				path = p
				break
			}
		}
	}
	if path == "" {
		t.Fatal("Chromium not found: install it (apt-get install -y chromium) or set CHROMIUM; `make test` does this")
	}
	// Starting Chromium can fail for reasons outside the product (a
	// crowded machine, the launcher script's own checks), so a start that
	// ends before DevTools listens is tried again, up to three times.
	var err error
	for attempt := 1; attempt <= 3; attempt++ {
		var ctx context.Context
		ctx, err = startBrowser(t, path, limit, opts)
		if err == nil {
			return ctx
		}
		t.Logf("starting Chromium (attempt %d): %v", attempt, err)
	}
	t.Fatalf("starting Chromium: %v", err)
	return nil
}

// startBrowser starts one Chromium with a fresh profile. On failure
// everything it started is stopped again before it returns.
func startBrowser(t testing.TB, path string, limit time.Duration, opts []chromedp.ExecAllocatorOption) (context.Context, error) {
	t.Helper()
	// Chromium may still write to its profile while it exits, so the
	// profile is removed best-effort rather than through t.TempDir.
	profile, err := os.MkdirTemp("", "mitreden-chromium")
	if err != nil {
		t.Fatal(err)
	}
	all := append([]chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU, chromedp.NoFirstRun,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.Flag("disable-quic", true), chromedp.WindowSize(1280, 1000),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("lang", "de-DE"), chromedp.Flag("accept-lang", "de-DE,de"),
		chromedp.UserDataDir(profile),
	}, opts...)
	actx, cancelA := chromedp.NewExecAllocator(context.Background(), all...)
	ctx, cancelC := chromedp.NewContext(actx)
	ctx, cancelT := context.WithTimeout(ctx, limit)
	stop := func() {
		cancelT()
		cancelC()
		cancelA()
		eventually(t, 2*time.Second, func() bool { return os.RemoveAll(profile) == nil })
	}
	if err := chromedp.Run(ctx); err != nil {
		stop()
		return nil, err
	}
	t.Cleanup(stop)
	return ctx, nil
}

func run(t testing.TB, ctx context.Context, actions ...chromedp.Action) {
	t.Helper()
	if err := chromedp.Run(ctx, actions...); err != nil {
		t.Fatal(err)
	}
}
