package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
)

const moderation = "/api/v1/procedures/" + slug + "/moderation"

// A password change ends the account's other sessions; the session that
// made the change stays signed in.
func TestOwnPasswordChangeEndsOtherSessions(t *testing.T) {
	e := newEnv(t, nil)
	here, csrf := e.signIn(t, "m@example.org", model.RoleModerator)
	there, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	m, _ := e.st.UserByEmail(context.Background(), "m@example.org")
	tok := auth.NewToken()
	if err := e.st.CreateToken(context.Background(), m.ID, auth.HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "GET", "/admin", "", "", "Cookie", there.header()); r.status != 200 {
		t.Fatalf("second session: %d", r.status)
	}
	r := e.do(t, "POST", "/admin/account", "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrf}, "current": {"ein langes Passwort"}, "password": {"noch ein langes"}, "password2": {"noch ein langes"}}.Encode(),
		"Cookie", here.header())
	if r.status != 303 {
		t.Fatalf("change: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin", "", "", "Cookie", here.header()); r.status != 200 {
		t.Fatalf("the session that changed the password was ended: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin", "", "", "Cookie", there.header()); r.status != 303 {
		t.Fatalf("the other session still works after the password change: %d", r.status)
	}
	if r := e.do(t, "GET", moderation, "", "", "Authorization", "Bearer "+tok); r.status != 401 {
		t.Fatalf("an API token still works after the password change: %d", r.status)
	}
}

// An admin's reset ends every session of the account and revokes its API
// tokens.
func TestPasswordResetRevokesSessionsAndTokens(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	mjar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	m, _ := e.st.UserByEmail(ctx, "m@example.org")
	tok := auth.NewToken()
	if err := e.st.CreateToken(ctx, m.ID, auth.HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "GET", moderation, "", "", "Authorization", "Bearer "+tok); r.status != 200 {
		t.Fatalf("token before reset: %d", r.status)
	}
	jar, csrf := e.signIn(t, "admin@example.org", model.RoleAdmin)
	r := e.do(t, "POST", "/admin/users/reset", "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrf}, "email": {"m@example.org"}}.Encode(), "Cookie", jar.header())
	if r.status != 200 || !strings.Contains(r.body, `id="new-password"`) {
		t.Fatalf("reset: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin", "", "", "Cookie", mjar.header()); r.status != 303 {
		t.Fatalf("session still works after a reset: %d", r.status)
	}
	if r := e.do(t, "GET", moderation, "", "", "Authorization", "Bearer "+tok); r.status != 401 {
		t.Fatalf("token still works after a reset: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin/users", "", "", "Cookie", jar.header()); r.status != 200 {
		t.Fatalf("the admin's own session: %d", r.status)
	}
	log, _ := e.st.AuditLog(ctx, 1)
	if log[0].Action != "user.password_reset" || log[0].Actor != "admin@example.org" {
		t.Fatalf("audit %+v", log[0])
	}
}

// A locked address costs the same argon2id work at login as a wrong
// password, gets no API token, its tokens never authenticate, and the list
// says it is locked.
func TestLockedAccountsAreShownRefusedAndNotRevealedByTiming(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	e.signIn(t, "m@example.org", model.RoleModerator)
	jar, csrf := e.signIn(t, "admin@example.org", model.RoleAdmin)
	post := func(path string, f url.Values) result {
		f.Set("_csrf", csrf)
		return e.do(t, "POST", path, "application/x-www-form-urlencoded", f.Encode(), "Cookie", jar.header())
	}
	if r := post("/admin/users/lock", url.Values{"email": {"m@example.org"}}); r.status != 200 {
		t.Fatalf("lock: %d", r.status)
	}

	// login: the locked address does the same password check as a wrong password
	checks := func(email string) int64 {
		page := e.do(t, "GET", "/admin/login", "", "")
		lj := cookieJar{}
		lj.take(page.header)
		lcsrf := csrfToken(t, page.body)
		before := auth.PasswordChecks()
		r := e.do(t, "POST", "/admin/login", "application/x-www-form-urlencoded",
			url.Values{"_csrf": {lcsrf}, "email": {email}, "password": {"ein langes Passwort"}}.Encode(), "Cookie", lj.header())
		if r.status != 401 {
			t.Fatalf("login %s: %d", email, r.status)
		}
		return auth.PasswordChecks() - before
	}
	hash, _ := auth.HashPassword("ein ganz anderes Passwort")
	if err := e.st.CreateUser(ctx, &model.User{Email: "p@example.org", PasswordHash: hash, Role: model.RolePlanner}); err != nil {
		t.Fatal(err)
	}
	wrong, locked, unknown := checks("p@example.org"), checks("m@example.org"), checks("niemand@example.org")
	if wrong != 1 || locked != wrong || unknown != wrong {
		t.Fatalf("argon2id checks: wrong password %d, locked %d, unknown %d; all must be 1", wrong, locked, unknown)
	}

	// no token for a locked account, with a message
	r := post("/admin/users/token", url.Values{"email": {"m@example.org"}})
	if r.status != 422 || strings.Contains(r.body, `id="new-token"`) || !strings.Contains(r.body, "ist gesperrt und bekommt kein API-Token") {
		t.Fatalf("token for a locked account: %d", r.status)
	}
	// a token that reaches the table anyway does not authenticate
	m, _ := e.st.UserByEmail(ctx, "m@example.org")
	tok := auth.NewToken()
	if err := e.st.CreateToken(ctx, m.ID, auth.HashToken(tok)); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "GET", moderation, "", "", "Authorization", "Bearer "+tok); r.status != 401 {
		t.Fatalf("a locked account's token authenticates: %d", r.status)
	}

	// the list says, in words, who is locked
	list := e.do(t, "GET", "/admin/users", "", "", "Cookie", jar.header())
	row := func(email string) string {
		i := strings.Index(list.body, "<td>"+email+"</td>")
		if i < 0 {
			t.Fatalf("%s not in the list", email)
		}
		return list.body[i : i+strings.Index(list.body[i:], "</tr>")]
	}
	if !strings.Contains(row("m@example.org"), "gesperrt") || strings.Contains(row("p@example.org"), "gesperrt") ||
		!strings.Contains(row("p@example.org"), "aktiv") {
		t.Fatalf("lock status in the list:\n%s\n%s", row("m@example.org"), row("p@example.org"))
	}
	if en := e.do(t, "GET", "/admin/users?lang=en", "", "", "Cookie", jar.header()); !strings.Contains(en.body, ">locked<") {
		t.Fatal("English list lacks the lock status")
	}
}

// A count of one is singular on the pages and in the scripts' messages:
// "1 Kommentar", "1 comment", never "1 Kommentare".
func TestCountsOfOneAreSingularOnThePages(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`null`, "Einzelstück Querung", okText, "verkehr"))
	var f struct{ ID string }
	if json.Unmarshal([]byte(r.body), &f); r.status != 201 {
		t.Fatalf("submit: %d", r.status)
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/comments", "application/json", `{"text":"Sehe ich auch so."}`); r.status != 201 {
		t.Fatalf("comment: %d", r.status)
	}
	card := func(body, title string) string {
		i := strings.Index(body, title)
		if i < 0 {
			t.Fatalf("no card %q", title)
		}
		j := strings.Index(body[i:], "</li>")
		return body[i : i+j]
	}
	de := e.do(t, "GET", "/p/"+slug+"?q=Einzelst%C3%BCck", "", "")
	if c := card(de.body, "Einzelstück Querung"); !strings.Contains(c, ">1 Kommentar<") || !strings.Contains(c, ">0 Zustimmungen<") {
		t.Fatalf("de card: %s", c)
	}
	if !strings.Contains(de.body, ">1 Beitrag</p>") || strings.Contains(de.body, "1 Kommentare") {
		t.Fatal("de: count of one in the plural")
	}
	en := e.do(t, "GET", "/p/"+slug+"?q=Einzelst%C3%BCck&lang=en", "", "")
	if c := card(en.body, "Einzelstück Querung"); !strings.Contains(c, ">1 comment<") {
		t.Fatalf("en card: %s", c)
	}
	if !strings.Contains(en.body, ">1 contribution</p>") {
		t.Fatal("en: count of one in the plural")
	}
	// two comments: the plural
	e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/comments", "application/json", `{"text":"Ich auch."}`)
	if c := card(e.do(t, "GET", "/p/"+slug+"?q=Einzelst%C3%BCck", "", "").body, "Einzelstück Querung"); !strings.Contains(c, ">2 Kommentare<") {
		t.Fatalf("two comments: %s", c)
	}
	// the scripts get both forms
	if !strings.Contains(de.body, "card.comments|one") || !strings.Contains(de.body, "Kommentar&#34;") {
		t.Fatal("scripts lack the singular form")
	}
}
