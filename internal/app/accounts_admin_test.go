package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
)

func TestAdminsCreateAccountsAndTokens(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	pjar, _ := e.signIn(t, "p@example.org", model.RolePlanner)
	if r := e.do(t, "GET", "/admin/users", "", "", "Cookie", pjar.header()); r.status != 403 {
		t.Fatalf("planner on users: %d", r.status)
	}
	jar, csrf := e.signIn(t, "admin@example.org", model.RoleAdmin)
	post := func(path string, f url.Values) result {
		f.Set("_csrf", csrf)
		return e.do(t, "POST", path, "application/x-www-form-urlencoded", f.Encode(), "Cookie", jar.header())
	}
	for _, bad := range []url.Values{{"email": {"kein-mail"}, "role": {"planner"}}, {"email": {"neu@example.org"}, "role": {"king"}}, {"email": {"p@example.org"}, "role": {"planner"}}} {
		if r := post("/admin/users", bad); r.status != 422 || !strings.Contains(r.body, `id="admin-error"`) {
			t.Fatalf("%v: %d", bad, r.status)
		}
	}
	r := post("/admin/users", url.Values{"email": {"neu@example.org"}, "role": {"moderator"}})
	if r.status != 201 || !strings.Contains(r.body, `id="new-password"`) {
		t.Fatalf("create: %d", r.status)
	}
	password := strings.SplitN(strings.SplitN(r.body, `<code id="new-password">`, 2)[1], "<", 2)[0]
	u, err := e.st.UserByEmail(ctx, "neu@example.org")
	if err != nil || u.Role != model.RoleModerator || !auth.CheckPassword(u.PasswordHash, password) {
		t.Fatalf("created %+v, %v", u, err)
	}
	r = post("/admin/users/token", url.Values{"email": {"neu@example.org"}})
	if r.status != 201 {
		t.Fatalf("token: %d", r.status)
	}
	tok := strings.SplitN(strings.SplitN(r.body, `<code id="new-token">`, 2)[1], "<", 2)[0]
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/moderation", "", "", "Authorization", "Bearer "+tok); r.status != 200 {
		t.Fatalf("the new token does not work: %d", r.status)
	}
	if r := post("/admin/users/token", url.Values{"email": {"niemand@example.org"}}); r.status != 422 {
		t.Fatalf("token for nobody: %d", r.status)
	}
	// the new moderator signs in; then the admin locks the account: password, token and session stop working
	mjar := cookieJar{}
	page := e.do(t, "GET", "/admin/login", "", "")
	mjar.take(page.header)
	mcsrf := csrfToken(t, page.body)
	r = e.do(t, "POST", "/admin/login", "application/x-www-form-urlencoded",
		url.Values{"_csrf": {mcsrf}, "email": {"neu@example.org"}, "password": {password}}.Encode(), "Cookie", mjar.header())
	mjar.take(r.header)
	if r := e.do(t, "GET", "/admin", "", "", "Cookie", mjar.header()); r.status != 200 {
		t.Fatalf("new moderator signed in: %d", r.status)
	}
	if r := post("/admin/users/lock", url.Values{"email": {"admin@example.org"}}); r.status != 422 {
		t.Fatalf("locking oneself: %d", r.status)
	}
	if r := post("/admin/users/lock", url.Values{"email": {"neu@example.org"}}); r.status != 200 || !strings.Contains(r.body, "gesperrt") {
		t.Fatalf("lock: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin", "", "", "Cookie", mjar.header()); r.status != 303 {
		t.Fatalf("locked session still works: %d", r.status)
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/moderation", "", "", "Authorization", "Bearer "+tok); r.status != 401 {
		t.Fatalf("locked token still works: %d", r.status)
	}
	if u, _ := e.st.UserByEmail(ctx, "neu@example.org"); auth.CheckPassword(u.PasswordHash, password) {
		t.Fatal("locked password still works")
	}
	r = post("/admin/users/reset", url.Values{"email": {"neu@example.org"}})
	if r.status != 200 || !strings.Contains(r.body, `id="new-password"`) {
		t.Fatalf("reset: %d", r.status)
	}
	fresh := strings.SplitN(strings.SplitN(r.body, `<code id="new-password">`, 2)[1], "<", 2)[0]
	if u, _ := e.st.UserByEmail(ctx, "neu@example.org"); !auth.CheckPassword(u.PasswordHash, fresh) {
		t.Fatal("reset password does not work")
	}
	log, _ := e.st.AuditLog(ctx, 10)
	var actions []string
	for _, a := range log {
		actions = append(actions, a.Action)
	}
	if !strings.HasPrefix(strings.Join(actions, " "), "user.password_reset user.lock login token.create user.add") {
		t.Fatalf("audit %v", actions)
	}
}

func TestChangeOwnPassword(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	jar, csrf := e.signIn(t, "m@example.org", model.RoleModerator)
	change := func(current, next, repeat string) result {
		return e.do(t, "POST", "/admin/account", "application/x-www-form-urlencoded",
			url.Values{"_csrf": {csrf}, "current": {current}, "password": {next}, "password2": {repeat}}.Encode(), "Cookie", jar.header())
	}
	if r := change("falsch", "noch ein langes", "noch ein langes"); r.status != 422 || !strings.Contains(r.body, "stimmt nicht") {
		t.Fatalf("wrong current: %d", r.status)
	}
	if r := change("ein langes Passwort", "kurz", "kurz"); r.status != 422 || !strings.Contains(r.body, "Mindestens 10") {
		t.Fatalf("weak: %d", r.status)
	}
	if r := change("ein langes Passwort", "noch ein langes", "anders"); r.status != 422 {
		t.Fatalf("mismatch: %d", r.status)
	}
	if r := change("ein langes Passwort", "noch ein langes", "noch ein langes"); r.status != 303 {
		t.Fatalf("change: %d", r.status)
	}
	u, _ := e.st.UserByEmail(ctx, "m@example.org")
	if !auth.CheckPassword(u.PasswordHash, "noch ein langes") || auth.CheckPassword(u.PasswordHash, "ein langes Passwort") {
		t.Fatal("password not changed")
	}
	log, _ := e.st.AuditLog(ctx, 1)
	if log[0].Action != "user.password" || log[0].Actor != "m@example.org" {
		t.Fatalf("audit %+v", log)
	}
}
