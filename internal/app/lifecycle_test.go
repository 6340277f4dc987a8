package app_test

import (
	"context"
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// publicRoute reports whether a route is the residents' or data users'
// (not the back office, not the server's own).
func publicRoute(path string) bool {
	for _, p := range []string{"/admin", "/static", "/healthz", "/readyz", "/metrics", "/tiles"} {
		if strings.HasPrefix(path, p) {
			return false
		}
	}
	return strings.Contains(path, ":")
}

// jsonBody is a body each JSON write route reads without complaint, so
// that its answer says whether it found what it was asked for.
func jsonBody(path string, variantComment string) string {
	switch {
	case strings.HasSuffix(path, "/conceptions/:key/flags"):
		return `{"reason":"Beleidigung","comment_id":` + variantComment + `}`
	case strings.HasSuffix(path, "/ratings"):
		return `{"value":1}`
	case strings.HasSuffix(path, "/comments"):
		return `{"text":"Ein Kommentar, der lang genug ist."}`
	case strings.HasSuffix(path, "/flags"):
		return `{"reason":"Beleidigung"}`
	case strings.HasSuffix(path, "/procedures/:slug/contributions"):
		return feature(inArea, "Querung am Park", okText, "gruen")
	}
	return `{}`
}

// A draft answers 404 on every public route — pages, forms, kiosk, wall,
// statistics, API, OGC API, live events — to anyone without the preview
// link or a place in its team, and no list names it; the same requests
// found it while it was published.
func TestDraftsAreInvisibleOnEveryPublicRoute(t *testing.T) {
	e := newEnv(t, nil)
	e.addProcedure(t, otherSlug)
	bc, bm := e.published(t, otherSlug)
	B := subject{slug: otherSlug, contribution: bc, comment: bm}
	vc := e.do(t, "POST", "/api/v1/procedures/"+otherSlug+"/conceptions/variante-a/comments", "application/json", `{"text":"Die Variante gefällt mir gut."}`)
	var m struct {
		ID int64 `json:"id"`
	}
	if json.Unmarshal([]byte(vc.body), &m); vc.status != 201 {
		t.Fatalf("plan-variant comment: %d %s", vc.status, vc.body)
	}
	variantComment := strconv.FormatInt(m.ID, 10)
	// a file of the procedure, so that its download route has something to find
	pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
	att := &model.Attachment{ProcedureID: e.proc(t, otherSlug).ID, Title: "Plan", Filename: "plan.pdf", ContentType: "application/pdf", Size: int64(len(pdf))}
	if err := e.st.AddAttachment(context.Background(), att, pdf, store.Audited{Actor: "t", Action: "attachment.add"}); err != nil {
		t.Fatal(err)
	}
	B.file = strconv.FormatInt(att.ID, 10)
	// and a sign-language video, so that its routes have something to serve
	if err := e.st.SaveSignVideo(context.Background(), store.SignVideo{ProcedureID: e.proc(t, otherSlug).ID, MIME: "video/mp4", Video: []byte(mp4),
		Captions: vtt, UpdatedAt: time.Now()}, store.Audited{Actor: "t", Action: "site.sign_video"}); err != nil {
		t.Fatal(err)
	}
	home := e.do(t, "GET", "/p/"+slug+"/contribute", "", "", "")
	jar := cookieJar{}
	jar.take(home.header)
	csrf := csrfToken(t, home.body)

	request := func(method, route, path string) result {
		switch {
		case strings.HasSuffix(route, "/events"):
			// a stream that opens never ends: give it two seconds
			res, err := e.app.Test(httptest.NewRequest("GET", path, nil), 2000)
			if err != nil {
				return result{status: 200, body: "a live stream opened"}
			}
			return result{status: res.StatusCode}
		case method == "GET":
			return e.do(t, "GET", path, "", "", "Cookie", jar.header())
		case strings.HasPrefix(path, "/api/"):
			return e.do(t, method, path, "application/json", jsonBody(route, variantComment))
		}
		kv := []string{"text", "Ein Kommentar, der lang genug ist.", "value", "1", "reason", "spam", "title", "Querung am Park", "category", "gruen"}
		if strings.HasSuffix(route, "/conceptions/:key/flags") {
			kv = append(kv, "comment_id", variantComment)
		}
		return e.do(t, method, path, formType, form(csrf, kv...), "Cookie", jar.header())
	}
	type probe struct {
		method, route, path string
		staff               bool // the anonymous are asked to authenticate: no answer to give away
	}
	var probes []probe
	for _, rt := range e.app.GetRoutes(true) {
		if rt.Method == "HEAD" || rt.Method == "OPTIONS" || rt.Method == "CONNECT" || rt.Method == "TRACE" || !publicRoute(rt.Path) {
			continue
		}
		path, ok := B.fill(rt.Path)
		if !ok {
			t.Fatalf("route %s %s: a parameter without a test value", rt.Method, rt.Path)
		}
		probes = append(probes, probe{method: rt.Method, route: rt.Path, path: path})
	}
	if len(probes) < 25 {
		t.Fatalf("only %d public routes", len(probes))
	}
	// published: found (the live stream never ends, a manage link is no
	// procedure's address)
	for i, p := range probes {
		if strings.HasSuffix(p.route, "/events") || strings.HasPrefix(p.route, "/manage/") || strings.HasPrefix(p.route, "/mail/") {
			continue
		}
		r := request(p.method, p.route, p.path)
		if r.status == 404 {
			t.Errorf("published: %s %s: 404", p.method, p.route)
		}
		probes[i].staff = r.status == 401
	}
	if err := e.st.SetProcedureStatus(context.Background(), e.proc(t, otherSlug).ID, model.LifecycleDraft, store.Audited{Actor: "t", Action: "procedure.status"}); err != nil {
		t.Fatal(err)
	}
	for _, p := range probes {
		if p.staff {
			if r := request(p.method, p.route, p.path); r.status != 401 {
				t.Errorf("draft: staff route %s %s: %d to the anonymous", p.method, p.route, r.status)
			}
			continue
		}
		if r := request(p.method, p.route, p.path); r.status != 404 {
			t.Errorf("draft: %s %s: %d, want 404", p.method, p.route, r.status)
		} else if strings.Contains(r.body, "Hafenkante") {
			t.Errorf("draft: %s %s: the 404 names the procedure", p.method, p.route)
		}
	}
	for _, list := range []string{"/", "/?q=hafen", "/api/v1/procedures", "/ogcapi/collections", "/ogcapi/collections?f=json"} {
		if r := e.do(t, "GET", list, "", "", ""); r.status != 200 || strings.Contains(r.body, otherSlug) {
			t.Errorf("%s: %d, names the draft: %v", list, r.status, strings.Contains(r.body, otherSlug))
		}
	}
}

// The preview link opens a draft and its pages and API for whoever holds
// it (a cookie carries it on), privately; a made-up key does not. Its team
// sees it signed in; staff of other procedures do not.
func TestDraftsShowThroughThePreviewLinkAndToTheirTeam(t *testing.T) {
	e := newEnv(t, nil)
	b := e.addProcedure(t, otherSlug)
	adm, _ := e.signIn(t, "admin@example.org", model.RoleAdmin)
	other, _, _ := e.scoped(t, "a@example.org", model.RoleModerator, e.proc(t, slug).ID)
	team, _, _ := e.scoped(t, "b@example.org", model.RolePlanner, b.ID)
	if r := e.do(t, "POST", "/admin/p/"+otherSlug+"/status", formType, form(csrfToken(t, e.do(t, "GET", "/admin/p/"+otherSlug+"/lifecycle", "", "", "Cookie", adm.header()).body),
		"status", "draft"), "Cookie", adm.header()); r.status != 303 {
		t.Fatalf("to draft: %d %s", r.status, r.body)
	}
	page := e.do(t, "GET", "/admin/p/"+otherSlug+"/lifecycle", "", "", "Cookie", team.header())
	i := strings.Index(page.body, `id="preview-link" type="url" readonly value="`)
	if page.status != 200 || i < 0 {
		t.Fatalf("lifecycle page: %d, no preview link", page.status)
	}
	link, _ := url.Parse(strings.SplitN(page.body[i+len(`id="preview-link" type="url" readonly value="`):], `"`, 2)[0])
	key := link.Query().Get("preview")
	if len(key) < 20 {
		t.Fatalf("preview key %q", key)
	}
	if r := e.do(t, "GET", "/p/"+otherSlug+"?preview="+key[:len(key)-2]+"xx", "", "", ""); r.status != 404 {
		t.Errorf("made-up key: %d", r.status)
	}
	r := e.do(t, "GET", "/p/"+otherSlug+"?preview="+url.QueryEscape(key), "", "", "")
	if r.status != 200 || !strings.Contains(r.body, `id="lifecycle-notice"`) || r.header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("preview: %d, cache %q", r.status, r.header.Get("Cache-Control"))
	}
	viewer := cookieJar{}
	viewer.take(r.header)
	for _, p := range []string{"/p/" + otherSlug + "/pages/faq", "/p/" + otherSlug + "/contribute", "/api/v1/procedures/" + otherSlug,
		"/api/v1/procedures/" + otherSlug + "/contributions", "/ogcapi/collections/" + otherSlug + "/items"} {
		if r := e.do(t, "GET", p, "", "", "Cookie", viewer.header()); r.status != 200 || r.header.Get("Cache-Control") != "private, no-store" {
			t.Errorf("preview cookie: %s: %d %q", p, r.status, r.header.Get("Cache-Control"))
		}
	}
	for who, jar := range map[string]cookieJar{"admin": adm, "team": team, "other procedure's moderator": other} {
		want := 200
		if who == "other procedure's moderator" {
			want = 404
		}
		if r := e.do(t, "GET", "/p/"+otherSlug, "", "", "Cookie", jar.header()); r.status != want {
			t.Errorf("%s: %d, want %d", who, r.status, want)
		}
	}
	// a draft takes no contributions, even from its previewers
	if r := e.do(t, "POST", "/api/v1/procedures/"+otherSlug+"/contributions", "application/json", feature(inArea, "Querung am Park", okText, "gruen"),
		"Cookie", viewer.header()); r.status != 403 {
		t.Errorf("contribution to a draft: %d", r.status)
	}
}
