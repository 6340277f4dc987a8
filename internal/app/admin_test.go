package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/model"
)

func TestBackOfficeLoginModerationExportAndAudit(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	hash, err := auth.HashPassword("ein langes Passwort")
	if err != nil {
		t.Fatal(err)
	}
	if err := e.st.CreateUser(ctx, &model.User{Email: "planerin@example.org", PasswordHash: hash, Role: model.RolePlanner}); err != nil {
		t.Fatal(err)
	}
	jar := cookieJar{}
	get := func(path string) result {
		r := e.do(t, "GET", path, "", "", "Cookie", jar.header())
		jar.take(r.header)
		return r
	}
	post := func(path string, form url.Values) result {
		r := e.do(t, "POST", path, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header())
		jar.take(r.header)
		return r
	}
	csrfOf := func(body string) string {
		return csrfToken(t, body)
	}
	// not logged in: to the login page
	if r := get("/admin/p/" + slug); r.status != 303 || !strings.HasPrefix(r.header.Get("Location"), "/admin/login?next=") {
		t.Fatalf("anonymous: %d %v", r.status, r.header.Get("Location"))
	}
	page := get("/admin/login?next=/admin/p/" + slug)
	if page.status != 200 || !strings.Contains(page.body, `autocomplete="current-password"`) {
		t.Fatalf("login page: %d", page.status)
	}
	form := url.Values{"_csrf": {csrfOf(page.body)}, "email": {"planerin@example.org"}, "password": {"falsch"}, "next": {"/admin/p/" + slug}}
	if r := post("/admin/login", form); r.status != 401 || !strings.Contains(r.body, "stimmen nicht") {
		t.Fatalf("wrong password: %d", r.status)
	}
	form.Set("email", "niemand@example.org")
	if r := post("/admin/login", form); r.status != 401 {
		t.Fatalf("unknown account: %d", r.status)
	}
	form.Set("email", "planerin@example.org")
	form.Set("password", "ein langes Passwort")
	form.Set("next", "//evil.example/x")
	r := post("/admin/login", form)
	if r.status != 303 || r.header.Get("Location") != "/admin" {
		t.Fatalf("login: %d %v", r.status, r.header.Get("Location"))
	}
	sc := strings.Join(r.header.Values("Set-Cookie"), "\n")
	if !strings.Contains(sc, "mitreden_session=") || !strings.Contains(strings.ToLower(sc), "httponly") || !strings.Contains(strings.ToLower(sc), "samesite=lax") {
		t.Fatalf("session cookie: %s", sc)
	}
	home := get("/admin")
	if home.status != 200 || !strings.Contains(home.body, "/api/v1/procedures/"+slug+"/export.gpkg") || home.header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("home: %d", home.status)
	}
	// the session downloads exports (reads), but API writes still need a token
	if r := get("/api/v1/procedures/" + slug + "/export.csv"); r.status != 200 || !strings.Contains(r.body, "category_label") {
		t.Fatalf("export with session: %d", r.status)
	}
	// moderation by form: hiding needs a reason
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=1", "", "").body), &list)
	id := list.Features[0].ID
	if r := e.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", `{"status":"hidden","reason":"x"}`, "Cookie", jar.header()); r.status != 401 {
		t.Fatalf("API write with only a session: %d", r.status)
	}
	mod := get("/admin/p/" + slug)
	csrf := csrfOf(mod.body)
	if r := post("/admin/p/"+slug+"/contributions/"+id, url.Values{"_csrf": {csrf}, "action": {"hide"}}); r.status != 303 || !strings.Contains(r.header.Get("Location"), "error=reason") {
		t.Fatalf("hide without reason: %d %v", r.status, r.header.Get("Location"))
	}
	if r := post("/admin/p/"+slug+"/contributions/"+id, url.Values{"action": {"hide"}, "reason": {"Beleidigung"}}); r.status != 403 {
		t.Fatalf("without csrf: %d", r.status)
	}
	if r := post("/admin/p/"+slug+"/contributions/"+id, url.Values{"_csrf": {csrf}, "action": {"hide"}, "reason": {"Beleidigung"}}); r.status != 303 {
		t.Fatalf("hide: %d", r.status)
	}
	if c, _ := e.st.Contribution(ctx, id); c.Status != model.Hidden || c.Reason != "Beleidigung" {
		t.Fatalf("after hiding: %+v", c)
	}
	mod = get("/admin/p/" + slug + "?notice=hidden")
	if !strings.Contains(mod.body, "ist ausgeblendet") || !strings.Contains(mod.body, "Beleidigung") {
		t.Fatalf("moderation page after hiding")
	}
	// the audit log is for admins
	if r := get("/admin/audit"); r.status != 403 {
		t.Fatalf("planner on audit: %d", r.status)
	}
	log, _ := e.st.AuditLog(ctx, 5)
	if len(log) < 2 || log[0].Action != "contribution.moderate" || log[0].Actor != "planerin@example.org" {
		t.Fatalf("audit: %+v", log)
	}
	// logout ends the session
	if r := post("/admin/logout", url.Values{"_csrf": {csrf}}); r.status != 303 {
		t.Fatalf("logout: %d", r.status)
	}
	if r := get("/admin"); r.status != 303 {
		t.Fatalf("after logout: %d", r.status)
	}
}

func TestLoginIsRateLimited(t *testing.T) {
	e := newEnv(t, nil)
	page := e.do(t, "GET", "/admin/login", "", "")
	csrf := csrfToken(t, page.body)
	cookie := strings.SplitN(page.header.Get("Set-Cookie"), ";", 2)[0]
	form := url.Values{"_csrf": {csrf}, "email": {"a@example.org"}, "password": {"nope"}}.Encode()
	limited := false
	for i := 0; i < 12; i++ {
		r := e.do(t, "POST", "/admin/login", "application/x-www-form-urlencoded", form, "Cookie", cookie)
		if r.status == 429 {
			limited = i >= 10
			break
		}
		if r.status != 401 {
			t.Fatalf("attempt %d: %d", i, r.status)
		}
	}
	if !limited {
		t.Fatal("eleventh login attempt in a minute was not refused")
	}
}

func TestBackOfficeRespondsMergesAndRecategorises(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	jar, csrf := e.signIn(t, "p@example.org", model.RolePlanner)
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=2", "", "").body), &list)
	a, b := list.Features[0].ID, list.Features[1].ID
	act := func(jar cookieJar, id string, form url.Values) result {
		form.Set("_csrf", csrf)
		return e.do(t, "POST", "/admin/p/"+slug+"/contributions/"+id+"/act", "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header())
	}
	page := e.do(t, "GET", "/admin/p/"+slug+"/contributions/"+a, "", "", "Cookie", jar.header())
	if page.status != 200 || !strings.Contains(page.body, `id="respond"`) {
		t.Fatalf("contribution page: %d", page.status)
	}
	if r := act(jar, a, url.Values{"action": {"respond"}, "text": {"x"}}); r.status != 303 || !strings.Contains(r.header.Get("Location"), "error=text") {
		t.Fatalf("short response: %d %v", r.status, r.header.Get("Location"))
	}
	if r := act(jar, a, url.Values{"action": {"respond"}, "text": {"Wir **prüfen** das."}, "author": {"Bezirksamt Altona"}}); r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=responded") {
		t.Fatalf("respond: %d %v", r.status, r.header.Get("Location"))
	}
	if r := e.do(t, "GET", "/p/"+slug+"/contributions/"+a, "", ""); !strings.Contains(r.body, "<strong>prüfen</strong>") || !strings.Contains(r.body, "Bezirksamt Altona") {
		t.Fatal("response not on the public page")
	}
	if r := act(jar, a, url.Values{"action": {"category"}, "category": {"nix"}}); !strings.Contains(r.header.Get("Location"), "error=category") {
		t.Fatalf("bad category: %v", r.header.Get("Location"))
	}
	if r := act(jar, a, url.Values{"action": {"category"}, "category": {"verkehr"}}); !strings.Contains(r.header.Get("Location"), "notice=recategorised") {
		t.Fatalf("recategorise: %v", r.header.Get("Location"))
	}
	if r := act(jar, b, url.Values{"action": {"merge"}, "into": {b}}); !strings.Contains(r.header.Get("Location"), "error=into") {
		t.Fatalf("merge into itself: %v", r.header.Get("Location"))
	}
	if r := act(jar, b, url.Values{"action": {"merge"}, "into": {a}, "reason": {"Doppelt"}}); !strings.Contains(r.header.Get("Location"), "notice=merged") {
		t.Fatalf("merge: %v", r.header.Get("Location"))
	}
	if c, _ := e.st.Contribution(ctx, b); c.Status != model.Merged || c.MergedInto != a {
		t.Fatalf("merged: %+v", c)
	}
	if c, _ := e.st.Contribution(ctx, a); c.Category != "verkehr" {
		t.Fatalf("category: %+v", c)
	}
	// a moderator may not answer officially
	mjar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	if r := act(mjar, a, url.Values{"action": {"respond"}, "text": {"Von der Moderation"}}); r.status != 403 {
		t.Fatalf("moderator responding: %d", r.status)
	}
	if r := e.do(t, "GET", "/admin/p/"+slug+"/contributions/"+a, "", "", "Cookie", mjar.header()); strings.Contains(r.body, `id="respond"`) {
		t.Fatal("moderator sees the response form")
	}
	// search finds contributions in every status but withdrawn
	if r := e.do(t, "GET", "/admin/p/"+slug+"/search?q=Doppelt", "", "", "Cookie", jar.header()); r.status != 200 {
		t.Fatalf("search: %d", r.status)
	}
	for _, path := range []string{"/admin/p/" + slug, "/admin/p/" + slug + "/search", "/admin/p/" + slug + "/contributions/" + b, "/admin"} {
		r := e.do(t, "GET", path, "", "", "Cookie", jar.header())
		main := r.body[strings.Index(r.body, "<main"):]
		if r.status != 200 || strings.Contains(main, "no value") {
			i := strings.Index(main, "no value")
			r.body = main
			t.Fatalf("%s: %d or a missing value in the page: %s", path, r.status, r.body[max(0, i-300):min(len(r.body), i+50)])
		}
	}
	if r := e.do(t, "GET", "/admin/p/"+slug+"/contributions/00000000-0000-0000-0000-000000000000", "", "", "Cookie", jar.header()); r.status != 404 {
		t.Fatalf("unknown contribution: %d", r.status)
	}
}

func TestSettingsSwitchToPreModerationAndTheQueueFills(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	mjar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	if r := e.do(t, "GET", "/admin/p/"+slug+"/settings", "", "", "Cookie", mjar.header()); r.status != 403 {
		t.Fatalf("moderator on settings: %d", r.status)
	}
	jar, csrf := e.signIn(t, "p@example.org", model.RolePlanner)
	page := e.do(t, "GET", "/admin/p/"+slug+"/settings", "", "", "Cookie", jar.header())
	if page.status != 200 || !strings.Contains(page.body, `id="moderation-post" name="moderation" value="post" checked`) {
		t.Fatalf("settings page: %d", page.status)
	}
	form := url.Values{"_csrf": {csrf}, "moderation": {"pre"}, "comments": {"readonly"}, "ratings": {"on"},
		"geometry_Point": {"on"}, "geometry_none": {"on"}, "text_min": {"20"}, "text_max": {"3000"}}
	save := func(f url.Values) result {
		return e.do(t, "POST", "/admin/p/"+slug+"/settings", "application/x-www-form-urlencoded", f.Encode(), "Cookie", jar.header())
	}
	for field, bad := range map[string]string{"moderation": "later", "comments": "maybe", "text_min": "0", "text_max": "10", "wms_url": "javascript:alert(1)"} {
		f := url.Values{}
		for k, v := range form {
			f[k] = v
		}
		f.Set(field, bad)
		if r := save(f); r.status != 422 || !strings.Contains(r.body, `href="#`+field+`"`) {
			t.Fatalf("%s=%s: %d", field, bad, r.status)
		}
	}
	noGeom := url.Values{}
	for k, v := range form {
		if !strings.HasPrefix(k, "geometry_") {
			noGeom[k] = v
		}
	}
	if r := save(noGeom); r.status != 422 {
		t.Fatalf("no geometry type: %d", r.status)
	}
	if p, _ := e.st.ProcedureBySlug(ctx, slug); p.Settings.Moderation != model.ModerationPost {
		t.Fatal("a refused form changed the settings")
	}
	if r := save(form); r.status != 303 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	// the change applies at once: new contributions wait, lines are refused, comments are read-only
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, "Wartet auf Freigabe", "Ein Text, der lang genug ist.", "gruen"))
	if r.status != 201 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?q=Freigabe", "", ""); strings.Contains(r.body, "Wartet auf Freigabe") {
		t.Fatal("pre-moderated contribution is public")
	}
	if r := e.do(t, "GET", "/admin/p/"+slug, "", "", "Cookie", jar.header()); !strings.Contains(r.body, "Wartet auf Freigabe") {
		t.Fatal("not in the waiting queue")
	}
	if r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"LineString","coordinates":[[9.9395,53.5535],[9.94,53.554]]}`, "Eine Linie", "Ein Text, der lang genug ist.", "gruen")); r.status != 422 {
		t.Fatalf("line after lines were switched off: %d", r.status)
	}
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=1", "", "").body), &list)
	if r := e.do(t, "POST", "/api/v1/contributions/"+list.Features[0].ID+"/comments", "application/json", `{"text":"Noch ein Kommentar"}`); r.status != 403 {
		t.Fatalf("comment while read-only: %d", r.status)
	}
	log, _ := e.st.AuditLog(ctx, 3)
	if log[0].Action != "procedure.settings" || !strings.Contains(log[0].After, `"moderation":"pre"`) || !strings.Contains(log[0].Before, `"moderation":"post"`) {
		t.Fatalf("audit %+v", log[0])
	}
}

func TestPlannersEditPagesInEveryLanguage(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	jar, csrf := e.signIn(t, "p@example.org", model.RolePlanner)
	before := e.do(t, "GET", "/p/"+slug+"/pages/faq", "", "")
	if before.status != 200 {
		t.Fatalf("faq: %d", before.status)
	}
	if r := e.do(t, "GET", "/admin/p/"+slug+"/pages", "", "", "Cookie", jar.header()); r.status != 200 || !strings.Contains(r.body, "/pages/faq?locale=en") {
		t.Fatalf("pages list: %d", r.status)
	}
	form := e.do(t, "GET", "/admin/p/"+slug+"/pages/faq?locale=de", "", "", "Cookie", jar.header())
	if form.status != 200 || !strings.Contains(form.body, `id="page-body"`) {
		t.Fatalf("page form: %d", form.status)
	}
	save := func(locale string, f url.Values) result {
		f.Set("_csrf", csrf)
		return e.do(t, "POST", "/admin/p/"+slug+"/pages/faq?locale="+locale, "application/x-www-form-urlencoded", f.Encode(), "Cookie", jar.header())
	}
	if r := save("de", url.Values{"title": {"Fragen"}, "body": {"   "}}); r.status != 422 || !strings.Contains(r.body, `href="#page-body"`) {
		t.Fatalf("empty body: %d", r.status)
	}
	if r := save("xx", url.Values{"title": {"Q"}, "body": {"x"}}); r.status != 400 {
		t.Fatalf("unknown locale: %d", r.status)
	}
	if r := e.do(t, "POST", "/admin/p/"+slug+"/pages/gibtsnicht?locale=de", "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrf}, "title": {"X"}, "body": {"Y"}}.Encode(), "Cookie", jar.header()); r.status != 404 {
		t.Fatalf("unknown page: %d", r.status)
	}
	if r := save("de", url.Values{"title": {"Häufige Fragen neu"}, "body": {"## Neu\n\nGanz **neuer** Text.<script>alert(1)</script>"}, "easy": {"Ein leichter Text."}}); r.status != 303 {
		t.Fatalf("save: %d %s", r.status, r.body)
	}
	after := e.do(t, "GET", "/p/"+slug+"/pages/faq", "", "")
	if !strings.Contains(after.body, "Ganz <strong>neuer</strong> Text.") || strings.Contains(after.body, "alert(1)</script>") || !strings.Contains(after.body, "Häufige Fragen neu") {
		t.Fatalf("public page after saving: %.3000s", after.body)
	}
	if r := save("en", url.Values{"title": {"FAQ"}, "body": {"An **English** text."}}); r.status != 303 {
		t.Fatalf("save en: %d", r.status)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/pages/faq?lang=en", "", ""); !strings.Contains(r.body, "An <strong>English</strong> text.") {
		t.Fatal("English page")
	}
	log, _ := e.st.AuditLog(ctx, 1)
	if log[0].Action != "page.save" || log[0].Actor != "p@example.org" {
		t.Fatalf("audit %+v", log)
	}
}

func TestAnalysisShowsFrequentWordsAndHotSpots(t *testing.T) {
	e := newEnv(t, nil)
	for i := 0; i < 12; i++ {
		r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
			feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, fmt.Sprintf("Querungshilfe Nummer %d", i), "Hier fehlt eine Querungshilfe für die Schule.", "verkehr"))
		if r.status != 201 {
			t.Fatalf("submit: %d", r.status)
		}
	}
	jar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	a := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header())
	if a.status != 200 || !strings.Contains(a.body, `search?q=Querungshilfe">Querungshilfe</a></td><td>12</td>`) || !strings.Contains(a.body, "<svg") {
		t.Fatalf("analysis: %d %.4000s", a.status, a.body[strings.Index(a.body, "<main"):])
	}
	if !strings.Contains(a.body, "53.553") {
		t.Fatal("the hot spot of the twelve is missing")
	}
	// an official response shows in the report even on a contribution nobody rated or commented
	var quiet struct{ ID string }
	json.Unmarshal([]byte(e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, "Still und ohne Echo", "Niemand hat hierauf reagiert.", "verkehr")).body), &quiet)
	if err := e.st.AddResponse(context.Background(), quiet.ID, &model.Response{Author: "Bezirksamt", TextMD: "Wir haben es gelesen.", CreatedAt: time.Now()}, 0); err != nil {
		t.Fatal(err)
	}
	rep := e.do(t, "GET", "/admin/p/"+slug+"/report", "", "", "Cookie", jar.header())
	if !strings.Contains(rep.body, "Wir haben es gelesen.") {
		t.Fatal("the response to a quiet contribution is missing from the report")
	}
	main := rep.body[strings.Index(rep.body, "<main"):]
	if rep.status != 200 || !strings.Contains(main, "Querungshilfe Nummer") || !strings.Contains(main, "Querungshilfe (12)") ||
		!strings.Contains(rep.body, `class="report"`) || strings.Contains(main, "no value") {
		t.Fatalf("report: %d %.2000s", rep.status, main)
	}
	// a new contribution moves the version on, and the analysis follows
	e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, "Querungshilfe noch eine", "Auch hier fehlt eine Querungshilfe.", "verkehr"))
	if a := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header()); !strings.Contains(a.body, `Querungshilfe</a></td><td>13</td>`) {
		t.Fatal("analysis did not follow the new contribution")
	}
}
