package app_test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// A moderator who chose "immediately" on /admin/account gets one digest
// naming the contribution waiting under pre-moderation and the new report,
// with links into the back office — and not the same items again.
func TestMailModeratorDigestOfWaitingContributionAndReport(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	preModerate(t, e)
	const mod = "moderatorin@example.org"
	jar, _ := e.signIn(t, mod, model.RoleModerator)
	page := e.do(t, "GET", "/admin/account", "", "", "Cookie", jar.header())
	if page.status != 200 || !strings.Contains(page.body, `id="digest-immediately"`) {
		t.Fatalf("account page without the digest choice: %d", page.status)
	}
	r := e.do(t, "POST", "/admin/account/digest", "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrfToken(t, page.body)}, "frequency": {"immediately"}}.Encode(), "Cookie", jar.header())
	if r.status != 303 {
		t.Fatalf("save digest: %d %s", r.status, r.body)
	}
	if page := e.do(t, "GET", "/admin/account", "", "", "Cookie", jar.header()); !strings.Contains(page.body, `value="immediately" checked`) {
		t.Fatal("the choice is not kept")
	}
	reported := firstContribution(t, e)
	r = e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature("null", "Radweg fehlt hier", okText, "verkehr"))
	if r.status != 201 || !strings.Contains(r.body, `"status":"submitted"`) {
		t.Fatalf("submit under pre-moderation: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+reported+"/flags", "application/json", `{"reason":"Beleidigend gegenüber Nachbarn"}`); r.status >= 300 {
		t.Fatalf("flag: %d %s", r.status, r.body)
	}
	msgs := srv.wait(t, mod, 1)
	text := msgs[0].part(t, "text/plain")
	for _, want := range []string{"1 neuer Beitrag wartet auf Freigabe", "Radweg fehlt hier", "https://mitreden.example/admin/p/" + slug + "/contributions/",
		"1 neue Meldung", "Beleidigend gegenüber Nachbarn"} {
		if !strings.Contains(text, want) {
			t.Errorf("digest lacks %q:\n%s", want, text)
		}
	}
	if !strings.Contains(msgs[0].subject(), "Beiträge zur Freigabe") {
		t.Errorf("subject %q", msgs[0].subject())
	}
	if msgs[0].Msg.Header.Get("List-Unsubscribe") != "" {
		t.Error("staff mail has no resident's unsubscribe link")
	}
	time.Sleep(time.Second)
	if n := len(srv.to(mod)); n != 1 {
		t.Fatalf("%d digests, want 1: nothing new came after the first", n)
	}
}

// "Forgot password" answers the same for a known and an unknown address,
// mails a single-use link to the known one, and the link sets a new
// password that signs in; used once, it works no more.
func TestMailPasswordResetByEmail(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	const who = "planer@example.org"
	e.signIn(t, who, model.RolePlanner)
	if r := e.do(t, "GET", "/admin/login", "", ""); !strings.Contains(r.body, `href="/admin/forgot"`) {
		t.Fatal("the login page offers no reset")
	}
	known := e.formPost(t, "/admin/forgot", "/admin/forgot", url.Values{"email": {who}})
	unknown := e.formPost(t, "/admin/forgot", "/admin/forgot", url.Values{"email": {"niemand@example.org"}})
	if known.status != 200 || unknown.status != 200 || !strings.Contains(known.body, `id="forgot-sent"`) ||
		sentText(known.body) != sentText(unknown.body) {
		t.Fatalf("answers differ: %d %q / %d %q", known.status, sentText(known.body), unknown.status, sentText(unknown.body))
	}
	m := srv.wait(t, who, 1)[0]
	link := path(t, m.link(t, "/admin/reset/"))
	page := e.do(t, "GET", link, "", "")
	if page.status != 200 || !strings.Contains(page.body, `id="reset-password"`) {
		t.Fatalf("reset page: %d", page.status)
	}
	jar := cookieJar{}
	jar.take(page.header)
	post := func(pw, pw2 string) result {
		return e.do(t, "POST", link, "application/x-www-form-urlencoded",
			url.Values{"_csrf": {csrfToken(t, page.body)}, "password": {pw}, "password2": {pw2}}.Encode(), "Cookie", jar.header())
	}
	if r := post("kurz", "kurz"); r.status != 422 {
		t.Fatalf("weak password: %d", r.status)
	}
	if r := post("ein ganz neues Passwort", "ein ganz neues Passwort"); r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=reset") {
		t.Fatalf("reset: %d %s", r.status, r.header.Get("Location"))
	}
	login := func(pw string) int {
		return e.formPost(t, "/admin/login", "/admin/login", url.Values{"email": {who}, "password": {pw}}).status
	}
	if login("ein langes Passwort") != 401 || login("ein ganz neues Passwort") != 303 {
		t.Fatal("the new password does not replace the old one")
	}
	if r := post("noch ein anderes Passwort", "noch ein anderes Passwort"); r.status != 404 {
		t.Fatalf("a used link: %d, want 404", r.status)
	}
	if r := e.do(t, "GET", link, "", ""); r.status != 404 || !strings.Contains(r.body, `id="reset-gone"`) {
		t.Fatalf("a used link's page: %d", r.status)
	}
	// At most three messages an hour per account, whatever is asked.
	for range 4 {
		e.formPost(t, "/admin/forgot", "/admin/forgot", url.Values{"email": {who}})
	}
	time.Sleep(time.Second)
	if n := len(srv.to(who)); n != 3 {
		t.Fatalf("%d reset messages, want 3 (the hourly limit)", n)
	}
}

func sentText(body string) string {
	i := strings.Index(body, `id="forgot-sent"`)
	if i < 0 {
		return ""
	}
	return body[i : i+strings.Index(body[i:], "</p>")]
}

// The back office shows admins the outbox: counts by state and the latest
// messages, never an address.
func TestMailOutboxPageShowsStateWithoutAddresses(t *testing.T) {
	srv := startSMTP(t)
	e := newMailEnv(t, srv, &lockedBuffer{})
	const resident = "bewohner@example.net"
	submitWithEmail(t, e, "Baum fehlt", resident, "de")
	srv.wait(t, resident, 1)
	jar, _ := e.signIn(t, "admin@example.org", model.RoleAdmin)
	var page result
	for range 50 { // marked sent right after the server took it
		if page = e.do(t, "GET", "/admin/outbox", "", "", "Cookie", jar.header()); strings.Contains(page.body, `id="outbox-sent">1<`) {
			break
		}
		time.Sleep(50 * time.Millisecond)
	}
	if page.status != 200 || !strings.Contains(page.body, `id="outbox-sent">1<`) || !strings.Contains(page.body, "Bestätigung") {
		t.Fatalf("outbox page: %d %s", page.status, page.body)
	}
	if strings.Contains(page.body, resident) {
		t.Fatal("the outbox page shows the address")
	}
	mod, _ := e.signIn(t, "mod@example.org", model.RoleModerator)
	if r := e.do(t, "GET", "/admin/outbox", "", "", "Cookie", mod.header()); r.status != 403 {
		t.Fatalf("a moderator sees the outbox: %d", r.status)
	}
}

// Without SMTP configured the form offers no address field, the API
// refuses "email" with 422 email_unavailable, and nothing is queued.
func TestMailOffOffersNoEmail(t *testing.T) {
	e := newEnv(t, nil)
	if e.srv.Mail != nil {
		t.Fatal("a mail service without SMTP")
	}
	if r := e.do(t, "GET", "/p/"+slug+"/contribute", "", ""); strings.Contains(r.body, `name="email"`) {
		t.Fatal("the form offers e-mail")
	}
	body := `{"type":"Feature","geometry":null,"properties":{"title":"Ohne Mail","text":"` + okText + `","category":"verkehr","email":"a@example.net"}}`
	if r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", body); r.status != 422 || !strings.Contains(r.body, `"email_unavailable"`) {
		t.Fatalf("email without SMTP: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/admin/forgot", "", ""); r.status != 404 {
		t.Fatalf("forgot without SMTP: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin/login", "", ""); strings.Contains(r.body, "/admin/forgot") {
		t.Fatal("the login page offers a reset without e-mail")
	}
	jar, _ := e.signIn(t, "admin@example.org", model.RoleAdmin)
	if r := e.do(t, "GET", "/admin/outbox", "", "", "Cookie", jar.header()); r.status != 200 || !strings.Contains(r.body, `id="outbox-off"`) {
		t.Fatalf("outbox page without SMTP: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin/account", "", "", "Cookie", jar.header()); strings.Contains(r.body, "digest") {
		t.Fatal("the account page offers a digest without e-mail")
	}
}
