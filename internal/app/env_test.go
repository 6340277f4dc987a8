package app_test

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/data"
	"github.com/mitreden/mitreden/internal/app"
	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/web"
)

const slug = "gruenzug-altona"

type env struct {
	app *fiber.App
	st  *store.Store
	srv *web.Server
}

func newEnv(t testing.TB, mutate func(*config.Config)) *env {
	t.Helper()
	return newEnvLog(t, mutate, io.Discard)
}

// newEnvLog is newEnv with the server's log written to w as JSON.
func newEnvLog(t testing.TB, mutate func(*config.Config), w io.Writer) *env {
	t.Helper()
	st, err := store.Open(filepath.Join(t.TempDir(), "app.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		t.Fatal(err)
	}
	sub, _ := fsSub()
	if _, err := demo.Load(ctx, st, sub, time.Now()); err != nil {
		t.Fatal(err)
	}
	cfg := config.Defaults()
	cfg.WriteLimit = 0
	cfg.SecretKey = testSecret
	if mutate != nil {
		mutate(&cfg)
	}
	srv, a, err := app.New(cfg, st, slog.New(slog.NewJSONHandler(w, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown() })
	return &env{app: a, st: st, srv: srv}
}

func fsSub() (fs.FS, error) { return fs.Sub(data.FS, "demo") }

type result struct {
	status int
	body   string
	header http.Header
}

func (e *env) do(t *testing.T, method, target, ctype, body string, hdr ...string) result {
	t.Helper()
	req := httptest.NewRequest(method, target, strings.NewReader(body))
	if ctype != "" {
		req.Header.Set("Content-Type", ctype)
	}
	for i := 0; i+1 < len(hdr); i += 2 {
		if hdr[i] == "Host" {
			req.Host = hdr[i+1]
			continue
		}
		req.Header.Set(hdr[i], hdr[i+1])
	}
	res, err := e.app.Test(req, -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	return result{res.StatusCode, string(b), res.Header}
}

func feature(geom, title, text, category string) string {
	return fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":{"title":%q,"text":%q,"category":%q}}`, geom, title, text, category)
}

const okText = "Hier fehlt eine sichere Querung für Kinder."

func (e *env) token(t *testing.T, email string, role model.Role) string {
	t.Helper()
	ctx := context.Background()
	u := &model.User{Email: email, PasswordHash: "x", Role: role}
	if err := e.st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	u, err := e.st.UserByEmail(ctx, email)
	if err != nil {
		t.Fatal(err)
	}
	tok := auth.NewToken()
	if err := e.st.CreateToken(ctx, u.ID, auth.HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	return tok
}

// cookieJar keeps the cookies of a conversation with the test app.
type cookieJar map[string]string

func (j cookieJar) header() string {
	var parts []string
	for k, v := range j {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, "; ")
}

func (j cookieJar) take(h http.Header) {
	for _, sc := range h.Values("Set-Cookie") {
		kv := strings.SplitN(strings.SplitN(sc, ";", 2)[0], "=", 2)
		if len(kv) == 2 {
			if kv[1] == "" {
				delete(j, kv[0])
			} else {
				j[kv[0]] = kv[1]
			}
		}
	}
}

// signIn creates an account (password "ein langes Passwort") unless it
// exists and signs it in to the back office; it returns the session's
// cookies and a CSRF token for its forms.
func (e *env) signIn(t *testing.T, email string, role model.Role) (cookieJar, string) {
	t.Helper()
	ctx := context.Background()
	if _, err := e.st.UserByEmail(ctx, email); err != nil {
		hash, _ := auth.HashPassword("ein langes Passwort")
		if err := e.st.CreateUser(ctx, &model.User{Email: email, PasswordHash: hash, Role: role}); err != nil {
			t.Fatal(err)
		}
	}
	jar := cookieJar{}
	page := e.do(t, "GET", "/admin/login", "", "")
	jar.take(page.header)
	csrf := csrfToken(t, page.body)
	r := e.do(t, "POST", "/admin/login", "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrf}, "email": {email}, "password": {"ein langes Passwort"}}.Encode(), "Cookie", jar.header())
	jar.take(r.header)
	if r.status != 303 {
		t.Fatalf("sign in %s: %d", email, r.status)
	}
	return jar, csrf
}

// csrfToken is the CSRF token of the first form in a page.
func csrfToken(t testing.TB, body string) string {
	t.Helper()
	parts := strings.SplitN(body, `name="_csrf" value="`, 2)
	if len(parts) < 2 {
		t.Fatal("no CSRF field in the page")
	}
	return strings.SplitN(parts[1], `"`, 2)[0]
}
