package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"os/exec"
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

func TestPagesAnswerWithContent(t *testing.T) {
	e := newEnv(t, nil)
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=1", "", "")
	_ = json.Unmarshal([]byte(r.body), &list)
	if len(list.Features) != 1 {
		t.Fatalf("no demo contribution: %s", r.body)
	}
	id := list.Features[0].ID
	cases := []struct {
		path, want string
		status     int
	}{
		{"/", "Grünzug Altona", 200},
		{"/p/" + slug, "Ablauf", 200},
		{"/p/" + slug + "?lang=en", "Timeline", 200},
		{"/p/" + slug + "/pages/faq", "<h2", 200},
		{"/p/" + slug + "/pages/faq?easy=1", "Leichte", 0},
		{"/p/" + slug + "/contribute", `name="_csrf"`, 200},
		{"/p/" + slug + "/statistics", "<svg", 200},
		{"/p/" + slug + "/conceptions", "<img", 200},
		{"/p/" + slug + "/appointments.ics", "BEGIN:VEVENT", 200},
		{"/p/" + slug + "/contributions/" + id, "Bewertung", 200},
		{"/p/" + slug + "/theme.css", ".cat-verkehr{--cat:", 200},
		{"/p/" + slug + "/theme.css", `;--icon:url("/static/`, 200},
		{"/p/nope", "Dieses Verfahren gibt es nicht", 404},
		{"/p/NOT_A_SLUG!", "Dieses Verfahren gibt es nicht", 404},
		{"/p/" + slug + "/pages/nope", "", 404},
		{"/p/" + slug + "/contributions/not-a-uuid", "", 404},
		{"/manage/unknown-token", "", 404},
		{"/nowhere", "Diese Seite gibt es nicht", 404},
		{"/healthz", `"ok"`, 200},
		{"/readyz", `"ready"`, 200},
		{"/metrics", "mitreden_http_requests_total", 200},
	}
	for _, c := range cases {
		r := e.do(t, "GET", c.path, "", "")
		if c.status != 0 && r.status != c.status {
			t.Errorf("GET %s = %d, want %d", c.path, r.status, c.status)
		}
		if r.status >= 500 {
			t.Errorf("GET %s = %d", c.path, r.status)
		}
		if !strings.Contains(r.body, c.want) {
			t.Errorf("GET %s: body lacks %q", c.path, c.want)
		}
	}
}

func TestSecurityHeadersOnEveryPageType(t *testing.T) {
	e := newEnv(t, nil)
	for _, p := range []string{"/", "/p/" + slug, "/p/" + slug + "/contribute", "/api/v1/procedures", "/nowhere", "/healthz", "/ogcapi", "/ogcapi/collections/" + slug + "/items", "/api/v1/procedures/" + slug + "/export.csv", "/admin/login", tableLink(1), "/wall/" + slug} {
		r := e.do(t, "GET", p, "", "")
		csp := r.header.Get("Content-Security-Policy")
		if !strings.Contains(csp, "script-src 'self' 'nonce-") || strings.Contains(csp, "unsafe-inline") || !strings.Contains(csp, "frame-ancestors") {
			t.Errorf("%s: CSP = %q", p, csp)
		}
		if r.header.Get("X-Content-Type-Options") != "nosniff" || r.header.Get("Referrer-Policy") != "same-origin" {
			t.Errorf("%s: missing nosniff/referrer headers: %v", p, r.header)
		}
	}
	// Every script tag carries the nonce of its own answer.
	r := e.do(t, "GET", "/p/"+slug, "", "")
	nonce := strings.TrimSuffix(strings.SplitN(strings.SplitN(r.header.Get("Content-Security-Policy"), "'nonce-", 2)[1], "'", 2)[0], "")
	if n := strings.Count(r.body, "<script"); n == 0 || strings.Count(r.body, `nonce="`+nonce+`"`) != n {
		t.Errorf("scripts without this answer's nonce")
	}
	if strings.Contains(r.body, ` style="`) {
		t.Errorf("inline style attribute would be blocked by the CSP")
	}
}

func TestAPIProceduresAndErrors(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "GET", "/api/v1/procedures", "", "")
	var list struct {
		Procedures []struct {
			Slug   string `json:"slug"`
			Status string `json:"status"`
		} `json:"procedures"`
	}
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Procedures) != 1 || list.Procedures[0].Status != "running" {
		t.Fatalf("procedures = %s (%v)", r.body, err)
	}
	r = e.do(t, "GET", "/api/v1/procedures/"+slug, "", "")
	var one struct {
		Phases     []any `json:"phases"`
		Categories []struct {
			Key string `json:"key"`
		} `json:"categories"`
		Area struct {
			Type string `json:"type"`
		} `json:"area"`
		Count int `json:"contribution_count"`
	}
	if err := json.Unmarshal([]byte(r.body), &one); err != nil || len(one.Phases) != 4 || len(one.Categories) != 7 || one.Area.Type != "Polygon" || one.Count < 30 {
		t.Fatalf("procedure = %s", r.body)
	}
	r = e.do(t, "GET", "/api/v1/procedures/unknown", "", "")
	var apiErr struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	if r.status != 404 || json.Unmarshal([]byte(r.body), &apiErr) != nil || apiErr.Error.Code != "not_found" || apiErr.Error.Message == "" {
		t.Fatalf("unknown procedure = %d %s", r.status, r.body)
	}
}

func TestContributionQueryParameters(t *testing.T) {
	e := newEnv(t, nil)
	base := "/api/v1/procedures/" + slug + "/contributions"
	good := []string{"", "?bbox=9.9,53.5,10.0,53.6", "?category=verkehr", "?type=idee", "?geometry=Point", "?origin=table:1",
		"?origin=table", "?q=Baum", "?sort=rated", "?sort=commented", "?sort=oldest", "?limit=5000"}
	for _, q := range good {
		r := e.do(t, "GET", base+q, "", "")
		if r.status != 200 || !strings.Contains(r.body, `"FeatureCollection"`) {
			t.Errorf("GET %s = %d %s", q, r.status, r.body)
		}
	}
	bad := []string{"?bbox=1,2,3", "?bbox=a,b,c,d", "?bbox=10,53,9,54", "?bbox=NaN,1,2,3", "?category=nope", "?sort=random",
		"?limit=0", "?limit=x", "?cursor=%%%", "?cursor=bm90OmFjdXJzb3I", "?geometry=Circle", "?origin=space", "?q=" + strings.Repeat("x", 300)}
	for _, q := range bad {
		r := e.do(t, "GET", base+q, "", "")
		if r.status != 400 || !strings.Contains(r.body, `"error"`) {
			t.Errorf("GET %s = %d %s, want 400 with error", q, r.status, r.body)
		}
	}
	// ETag from the procedure version: unchanged data answers 304.
	r := e.do(t, "GET", base+"?limit=3", "", "")
	etag := r.header.Get("ETag")
	if etag == "" {
		t.Fatal("no ETag")
	}
	if r2 := e.do(t, "GET", base+"?limit=3", "", "", "If-None-Match", etag); r2.status != 304 {
		t.Fatalf("If-None-Match = %d, want 304", r2.status)
	}
	// Paging by cursor visits every published contribution once.
	seen := map[string]bool{}
	next := ""
	for i := 0; i < 20; i++ {
		q := base + "?limit=7"
		if next != "" {
			q += "&cursor=" + url.QueryEscape(next)
		}
		var fc struct {
			Features []struct{ ID string } `json:"features"`
			Next     string                `json:"next_cursor"`
			Matched  int                   `json:"numberMatched"`
		}
		_ = json.Unmarshal([]byte(e.do(t, "GET", q, "", "").body), &fc)
		for _, f := range fc.Features {
			if seen[f.ID] {
				t.Fatalf("feature %s twice", f.ID)
			}
			seen[f.ID] = true
		}
		if fc.Next == "" {
			if len(seen) != fc.Matched {
				t.Fatalf("paged %d, matched %d", len(seen), fc.Matched)
			}
			return
		}
		next = fc.Next
	}
	t.Fatal("paging did not end")
}

func TestCreateContributionAcceptsEachGeometryType(t *testing.T) {
	e := newEnv(t, nil)
	geoms := map[string]string{
		"Point":      `{"type":"Point","coordinates":[9.945,53.556]}`,
		"LineString": `{"type":"LineString","coordinates":[[9.944,53.556],[9.946,53.557]]}`,
		"Polygon":    `{"type":"Polygon","coordinates":[[[9.944,53.556],[9.946,53.556],[9.946,53.557],[9.944,53.556]]]}`,
		"none":       `null`,
	}
	for name, g := range geoms {
		r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature(g, "Neu: "+name, okText, "verkehr"))
		if r.status != 201 {
			t.Fatalf("%s: %d %s", name, r.status, r.body)
		}
		var f struct {
			ID         string         `json:"id"`
			Properties map[string]any `json:"properties"`
		}
		_ = json.Unmarshal([]byte(r.body), &f)
		tok, _ := f.Properties["manage_token"].(string)
		if f.ID == "" || len(tok) < 40 {
			t.Fatalf("%s: no id or manage token: %s", name, r.body)
		}
		got := e.do(t, "GET", "/api/v1/contributions/"+f.ID, "", "")
		if got.status != 200 || !strings.Contains(got.body, "Neu: "+name) || strings.Contains(got.body, tok) {
			t.Fatalf("%s: read back %d %s", name, got.status, got.body)
		}
	}
}

func TestCreateContributionRejectsBadInputAndStoresNothing(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	p, _ := e.st.ProcedureBySlug(ctx, slug)
	before, _ := e.st.CountContributions(ctx, store.Filter{ProcedureID: p.ID})
	pt := `{"type":"Point","coordinates":[9.945,53.556]}`
	var many strings.Builder
	many.WriteString(`{"type":"LineString","coordinates":[`)
	for i := 0; i < 10001; i++ {
		if i > 0 {
			many.WriteString(",")
		}
		fmt.Fprintf(&many, "[9.94%d,53.556]", i%10)
	}
	many.WriteString("]}")
	cases := []struct {
		name, ctype, body string
		status            int
	}{
		{"malformed json", "application/json", `{"type":"Feature",`, 400},
		{"trailing data", "application/json", feature(pt, "Titel ok", okText, "verkehr") + "{}", 400},
		{"not json content type", "text/plain", feature(pt, "Titel ok", okText, "verkehr"), 415},
		{"form content type", "application/x-www-form-urlencoded", "title=x", 415},
		{"no feature", "application/json", `{"title":"x"}`, 400},
		{"wrong property type", "application/json", `{"type":"Feature","geometry":null,"properties":{"title":5}}`, 400},
		{"multipoint", "application/json", feature(`{"type":"MultiPoint","coordinates":[[9.94,53.55]]}`, "Titel ok", okText, "verkehr"), 422},
		{"lon out of range", "application/json", feature(`{"type":"Point","coordinates":[200,53.55]}`, "Titel ok", okText, "verkehr"), 422},
		{"NaN coordinate", "application/json", feature(`{"type":"Point","coordinates":[NaN,53.55]}`, "Titel ok", okText, "verkehr"), 400},
		{"infinite coordinate", "application/json", feature(`{"type":"Point","coordinates":[1e400,53.55]}`, "Titel ok", okText, "verkehr"), 422},
		{"line of one vertex", "application/json", feature(`{"type":"LineString","coordinates":[[9.945,53.556]]}`, "Titel ok", okText, "verkehr"), 422},
		{"polygon with hole", "application/json", feature(`{"type":"Polygon","coordinates":[[[9.944,53.556],[9.946,53.556],[9.946,53.557],[9.944,53.556]],[[9.9445,53.5562],[9.9450,53.5562],[9.9450,53.5565],[9.9445,53.5562]]]}`, "Titel ok", okText, "verkehr"), 422},
		{"SQL in category", "application/json", feature(pt, "Titel ok", okText, "verkehr' OR '1'='1"), 422},
		{"string coordinates", "application/json", feature(`{"type":"Point","coordinates":"x"}`, "Titel ok", okText, "verkehr"), 422},
		{"unclosed polygon", "application/json", feature(`{"type":"Polygon","coordinates":[[[9.944,53.556],[9.946,53.556],[9.946,53.557],[9.945,53.5575]]]}`, "Titel ok", okText, "verkehr"), 422},
		{"self-intersecting polygon", "application/json", feature(`{"type":"Polygon","coordinates":[[[9.944,53.556],[9.946,53.557],[9.946,53.556],[9.944,53.557],[9.944,53.556]]]}`, "Titel ok", okText, "verkehr"), 422},
		{"10001 vertices", "application/json", feature(many.String(), "Titel ok", okText, "verkehr"), 422},
		{"outside area", "application/json", feature(`{"type":"Point","coordinates":[10.2,53.6]}`, "Titel ok", okText, "verkehr"), 422},
		{"unknown category", "application/json", feature(pt, "Titel ok", okText, "nope"), 422},
		{"empty text", "application/json", feature(pt, "Titel ok", "", "verkehr"), 422},
		{"short title", "application/json", feature(pt, "ab", okText, "verkehr"), 422},
		{"100 KB text", "application/json", feature(pt, "Titel ok", strings.Repeat("a", 100*1024), "verkehr"), 422},
		{"invalid utf-8", "application/json", "{\"type\":\"Feature\",\"geometry\":null,\"properties\":{\"title\":\"Titel \xff\xfe\",\"text\":\"" + okText + "\",\"category\":\"verkehr\"}}", 400},
		{"control chars", "application/json", `{"type":"Feature","geometry":null,"properties":{"title":"Titel \u0007 ok","text":"` + okText + `","category":"verkehr"}}`, 422},
		{"bad origin", "application/json", `{"type":"Feature","geometry":null,"properties":{"title":"Titel ok","text":"` + okText + `","category":"verkehr","origin":"table:abc"}}`, 422},
		{"unknown procedure", "application/json", feature(pt, "Titel ok", okText, "verkehr"), 404},
	}
	for _, c := range cases {
		target := "/api/v1/procedures/" + slug + "/contributions"
		if c.name == "unknown procedure" {
			target = "/api/v1/procedures/nope/contributions"
		}
		r := e.do(t, "POST", target, c.ctype, c.body)
		if r.status != c.status {
			t.Errorf("%s: status %d, want %d (%s)", c.name, r.status, c.status, r.body)
			continue
		}
		var apiErr struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if err := json.Unmarshal([]byte(r.body), &apiErr); err != nil || apiErr.Error.Message == "" {
			t.Errorf("%s: no error message in %s", c.name, r.body)
		}
	}
	after, _ := e.st.CountContributions(ctx, store.Filter{ProcedureID: p.ID, Statuses: nil})
	if after != before {
		t.Fatalf("stored %d contributions from bad input", after-before)
	}
}

func TestHTMLAndSQLInTextAreStoredVerbatimAndShownEscaped(t *testing.T) {
	e := newEnv(t, nil)
	title := `<script>alert(1)</script>`
	text := `Robert'); DROP TABLE contributions;-- <img src=x onerror=alert(1)> "quoted"`
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.945,53.556]}`, title, text, "verkehr"))
	if r.status != 201 {
		t.Fatalf("%d %s", r.status, r.body)
	}
	var f struct{ ID string }
	_ = json.Unmarshal([]byte(r.body), &f)
	page := e.do(t, "GET", "/p/"+slug+"/contributions/"+f.ID, "", "")
	if strings.Contains(page.body, "<script>alert(1)") || strings.Contains(page.body, "<img src=x") {
		t.Fatal("resident text rendered unescaped")
	}
	if !strings.Contains(page.body, "&lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Fatal("escaped title missing")
	}
	list := e.do(t, "GET", "/p/"+slug, "", "")
	if strings.Contains(list.body, "<img src=x") {
		t.Fatal("list shows raw HTML")
	}
	api := e.do(t, "GET", "/api/v1/contributions/"+f.ID, "", "")
	if !strings.Contains(api.body, `\u003cscript\u003e`) {
		t.Fatalf("JSON does not escape <: %s", api.body)
	}
	if n, _ := e.st.CountProcedures(context.Background()); n != 1 {
		t.Fatal("tables damaged")
	}
}

func TestCommentsAndRatingsThroughAPI(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`null`, "Kommentierbar", okText, "verkehr"))
	var f struct{ ID string }
	_ = json.Unmarshal([]byte(r.body), &f)
	c := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/comments", "application/json", `{"text":"Sehe ich auch so.","author_name":"Nachbar"}`)
	if c.status != 201 {
		t.Fatalf("comment: %d %s", c.status, c.body)
	}
	var cm struct{ ID int64 }
	_ = json.Unmarshal([]byte(c.body), &cm)
	reply := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/comments", "application/json", fmt.Sprintf(`{"text":"Ich nicht.","parent_id":%d}`, cm.ID))
	if reply.status != 201 {
		t.Fatalf("reply: %d %s", reply.status, reply.body)
	}
	for _, bad := range []struct {
		body   string
		status int
	}{{`{"text":""}`, 422}, {`{"text":5}`, 400}, {`{"text":"gut","parent_id":999999}`, 400}, {`nope`, 400}} {
		if r := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/comments", "application/json", bad.body); r.status != bad.status {
			t.Errorf("comment %s = %d, want %d", bad.body, r.status, bad.status)
		}
	}
	if r := e.do(t, "POST", "/api/v1/contributions/00000000-0000-0000-0000-000000000000/comments", "application/json", `{"text":"Hallo Welt"}`); r.status != 404 {
		t.Errorf("comment on unknown = %d", r.status)
	}
	// One vote per browser (voter cookie), changeable and removable.
	r1 := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/ratings", "application/json", `{"value":1}`)
	if r1.status != 200 || !strings.Contains(r1.body, `"rating_up":1`) {
		t.Fatalf("rate: %d %s", r1.status, r1.body)
	}
	cookie := strings.SplitN(r1.header.Get("Set-Cookie"), ";", 2)[0]
	r2 := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/ratings", "application/json", `{"value":1}`, "Cookie", cookie)
	if !strings.Contains(r2.body, `"rating_up":1`) {
		t.Fatalf("same browser counted twice: %s", r2.body)
	}
	r3 := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/ratings", "application/json", `{"value":-1}`, "Cookie", cookie)
	if !strings.Contains(r3.body, `"rating_up":0`) || !strings.Contains(r3.body, `"rating_down":1`) {
		t.Fatalf("changed vote: %s", r3.body)
	}
	r4 := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/ratings", "application/json", `{"value":1}`) // another browser
	if !strings.Contains(r4.body, `"rating_up":1`) || !strings.Contains(r4.body, `"rating_down":1`) {
		t.Fatalf("second browser: %s", r4.body)
	}
	for _, bad := range []string{`{"value":2}`, `{"value":"1"}`, `{}`} {
		if r := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/ratings", "application/json", bad); r.status != 400 {
			t.Errorf("rating %s = %d, want 400", bad, r.status)
		}
	}
	got := e.do(t, "GET", "/api/v1/contributions/"+f.ID, "", "")
	if !strings.Contains(got.body, "Sehe ich auch so.") || !strings.Contains(got.body, "Ich nicht.") {
		t.Fatalf("comments missing: %s", got.body)
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/flags", "application/json", `{"reason":"Spam"}`); r.status != 201 {
		t.Fatalf("flag = %d %s", r.status, r.body)
	}
}

func TestPhaseClosedRefusesWritesEverywhere(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature(`null`, "Vorher", okText, "verkehr"))
	var f struct{ ID string }
	_ = json.Unmarshal([]byte(r.body), &f)
	// Close the participation phase.
	if err := e.st.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE phases SET ends_at = starts_at + 1 WHERE kind = 'participation'`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature(`null`, "Zu spät", okText, "verkehr")); r.status != 403 || !strings.Contains(r.body, "phase_closed") {
		t.Errorf("late contribution = %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/comments", "application/json", `{"text":"Zu spät"}`); r.status != 403 {
		t.Errorf("late comment = %d", r.status)
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/ratings", "application/json", `{"value":1}`); r.status != 403 {
		t.Errorf("late rating = %d", r.status)
	}
	page := e.do(t, "GET", "/p/"+slug+"/contribute", "", "")
	if !strings.Contains(page.body, "Beteiligungsphase") || strings.Contains(page.body, `id="contribute-form"`) {
		t.Errorf("form shown while closed")
	}
}

func TestRateLimitAnswers429(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.WriteLimit = 3 })
	codes := []int{}
	for i := 0; i < 5; i++ {
		r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature(`null`, fmt.Sprintf("Flut %d", i), okText, "verkehr"))
		codes = append(codes, r.status)
	}
	if codes[0] != 201 || codes[2] != 201 || codes[3] != 429 || codes[4] != 429 {
		t.Fatalf("codes = %v", codes)
	}
	// Reads go on.
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug, "", ""); r.status != 200 {
		t.Fatalf("read while limited = %d", r.status)
	}
}

func TestLowZoomViewportAnswersWithServerClusters(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	p, _ := e.st.ProcedureBySlug(ctx, slug)
	if err := demo.Generate(ctx, e.st, p, 4200, 7, nil); err != nil {
		t.Fatal(err)
	}
	b := p.Area.Bound().Pad(0.01)
	bbox := fmt.Sprintf("%f,%f,%f,%f", b.Min.Lon(), b.Min.Lat(), b.Max.Lon(), b.Max.Lat())
	r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?cluster=1&bbox="+bbox, "", "")
	var fc struct {
		Clustered bool `json:"clustered"`
		Matched   int  `json:"numberMatched"`
		Features  []struct {
			Properties struct {
				Cluster bool       `json:"cluster"`
				Count   int        `json:"count"`
				BBox    [4]float64 `json:"bbox"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(r.body), &fc); err != nil || r.status != 200 || !fc.Clustered {
		t.Fatalf("not clustered: %d %.300s", r.status, r.body)
	}
	sum := 0
	for _, f := range fc.Features {
		if !f.Properties.Cluster || f.Properties.Count < 1 || f.Properties.BBox[0] > f.Properties.BBox[2] {
			t.Fatalf("bad cluster %+v", f.Properties)
		}
		sum += f.Properties.Count
	}
	if sum != fc.Matched || len(fc.Features) > 200 || len(fc.Features) < 2 {
		t.Fatalf("%d clusters hold %d of %d", len(fc.Features), sum, fc.Matched)
	}
	// A filtered view is clustered live, by the same rules.
	r = e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?cluster=1&category=verkehr&bbox="+bbox, "", "")
	var filtered struct {
		Clustered bool `json:"clustered"`
		Matched   int  `json:"numberMatched"`
		Features  []struct {
			Properties struct {
				Count int `json:"count"`
			} `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(r.body), &filtered); err != nil || !filtered.Clustered || filtered.Matched >= fc.Matched {
		t.Fatalf("filtered clusters: %.200s", r.body)
	}
	sum = 0
	for _, f := range filtered.Features {
		sum += f.Properties.Count
	}
	n, _ := e.st.CountContributions(ctx, store.Filter{ProcedureID: p.ID, Category: "verkehr", BBox: &b})
	if sum != filtered.Matched || sum != n {
		t.Fatalf("filtered clusters hold %d, matched %d, store counts %d", sum, filtered.Matched, n)
	}
	// A street-sized viewport below the threshold gets the features themselves.
	c := p.Area.Bound().Center()
	small := fmt.Sprintf("%f,%f,%f,%f", c[0]-0.0005, c[1]-0.0003, c[0]+0.0005, c[1]+0.0003)
	r = e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?cluster=1&bbox="+small, "", "")
	if strings.Contains(r.body, `"clustered":true`) || !strings.Contains(r.body, `"FeatureCollection"`) {
		t.Fatalf("small viewport clustered: %.200s", r.body)
	}
	// Without cluster=1 the API keeps answering features, capped by limit.
	r = e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=1000&bbox="+bbox, "", "")
	if strings.Contains(r.body, `"clustered"`) || strings.Count(r.body, `"type":"Feature"`) != 1000 {
		t.Fatalf("unclustered answer: %d features", strings.Count(r.body, `"type":"Feature"`))
	}
}

func TestFormFindsAKnownPlaceByTypedName(t *testing.T) {
	e := newEnv(t, nil)
	page := e.do(t, "GET", "/p/"+slug+"/contribute", "", "")
	csrf := strings.SplitN(strings.SplitN(page.body, `name="_csrf" value="`, 2)[1], `"`, 2)[0]
	cookie := strings.SplitN(page.header.Get("Set-Cookie"), ";", 2)[0]
	form := func(place string) url.Values {
		return url.Values{"_csrf": {csrf}, "title": {"Am bekannten Ort"}, "text": {okText}, "category": {"verkehr"}, "place": {place}}
	}
	r := e.do(t, "POST", "/p/"+slug+"/contribute", "application/x-www-form-urlencoded", form("bahnhof altona").Encode(), "Cookie", cookie)
	if r.status != 201 {
		t.Fatalf("known place: %d %.300s", r.status, r.body)
	}
	api := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?q=bekannten", "", "")
	if !strings.Contains(api.body, `"Point"`) {
		t.Fatalf("not placed: %s", api.body)
	}
	r = e.do(t, "POST", "/p/"+slug+"/contribute", "application/x-www-form-urlencoded", form("Atlantis").Encode(), "Cookie", cookie)
	if r.status != 422 || !strings.Contains(r.body, `id="place-error"`) || !strings.Contains(r.body, `value="Atlantis"`) {
		t.Fatalf("unknown place: %d", r.status)
	}
	// Without the CSRF token the form is refused.
	bad := form("Bahnhof Altona")
	bad.Del("_csrf")
	if r := e.do(t, "POST", "/p/"+slug+"/contribute", "application/x-www-form-urlencoded", bad.Encode(), "Cookie", cookie); r.status != 403 {
		t.Fatalf("no csrf: %d", r.status)
	}
}

func TestPlanVariantsCanBeRatedAndCommented(t *testing.T) {
	e := newEnv(t, nil)
	base := "/api/v1/procedures/" + slug + "/conceptions"
	var list struct {
		Conceptions []struct {
			Key string `json:"key"`
		} `json:"conceptions"`
	}
	r := e.do(t, "GET", base, "", "")
	if err := json.Unmarshal([]byte(r.body), &list); err != nil || len(list.Conceptions) < 2 {
		t.Fatalf("conceptions: %s", r.body)
	}
	key := list.Conceptions[0].Key
	r1 := e.do(t, "POST", base+"/"+key+"/ratings", "application/json", `{"value":1}`)
	if r1.status != 200 || !strings.Contains(r1.body, `"rating_up":1`) {
		t.Fatalf("rate: %d %s", r1.status, r1.body)
	}
	cookie := strings.SplitN(r1.header.Get("Set-Cookie"), ";", 2)[0]
	if r := e.do(t, "POST", base+"/"+key+"/ratings", "application/json", `{"value":1}`, "Cookie", cookie); !strings.Contains(r.body, `"rating_up":1`) {
		t.Fatalf("same browser counted twice: %s", r.body)
	}
	if r := e.do(t, "POST", base+"/"+key+"/comments", "application/json", `{"text":"Diese Variante gefällt mir.","author_name":"Nachbarin"}`); r.status != 201 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	for _, c := range []struct {
		path, body string
		status     int
	}{
		{base + "/nope/ratings", `{"value":1}`, 404},
		{base + "/nope/comments", `{"text":"Hallo Welt"}`, 404},
		{base + "/" + key + "/ratings", `{"value":3}`, 400},
		{base + "/" + key + "/comments", `{"text":""}`, 422},
	} {
		if r := e.do(t, "POST", c.path, "application/json", c.body); r.status != c.status {
			t.Errorf("POST %s %s = %d, want %d", c.path, c.body, r.status, c.status)
		}
	}
	page := e.do(t, "GET", "/p/"+slug+"/conceptions", "", "")
	if !strings.Contains(page.body, "Diese Variante gefällt mir.") || !strings.Contains(page.body, `action="/p/`+slug+`/conceptions/`+key+`/ratings"`) {
		t.Fatal("page lacks the comment or the rating form")
	}
}

func TestSwitchesHideOrFreezeCommentsAndRatings(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature(`null`, "Mit Schaltern", okText, "verkehr"))
	var f struct{ ID string }
	_ = json.Unmarshal([]byte(r.body), &f)
	if err := e.st.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE procedures SET settings_json = json_set(settings_json, '$.comments', 'off', '$.ratings', 'readonly')`)
		return err
	}); err != nil {
		t.Fatal(err)
	}
	page := e.do(t, "GET", "/p/"+slug+"/contributions/"+f.ID, "", "")
	if strings.Contains(page.body, `id="comments"`) || strings.Contains(page.body, `class="vote up"`) || !strings.Contains(page.body, "Zustimmung") {
		t.Fatal("comments should be hidden and ratings shown read-only")
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/comments", "application/json", `{"text":"Geht nicht"}`); r.status != 403 {
		t.Errorf("comment with comments off = %d", r.status)
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+f.ID+"/ratings", "application/json", `{"value":1}`); r.status != 403 {
		t.Errorf("rating when read-only = %d", r.status)
	}
}

func TestWMSOriginJoinsThePageCSPSafely(t *testing.T) {
	e := newEnv(t, nil)
	set := func(u string) {
		if err := e.st.Write(context.Background(), func(tx *sql.Tx) error {
			_, err := tx.Exec(`UPDATE procedures SET settings_json = json_set(settings_json, '$.wms_url', ?, '$.wms_layers', 'plan'), version = version + 1`, u)
			return err
		}); err != nil {
			t.Fatal(err)
		}
	}
	set("https://geodienste.hamburg.de/HH_WMS_Bebauungsplaene?service=WMS")
	r := e.do(t, "GET", "/p/"+slug, "", "")
	if csp := r.header.Get("Content-Security-Policy"); !strings.Contains(csp, "img-src 'self' data:") || !strings.Contains(csp, "https://geodienste.hamburg.de") {
		t.Fatalf("CSP without the WMS origin: %s", csp)
	}
	set("https://evil.example;script-src *")
	r = e.do(t, "GET", "/p/"+slug, "", "")
	if csp := r.header.Get("Content-Security-Policy"); strings.Contains(csp, "evil") || strings.Count(csp, "script-src") != 1 {
		t.Fatalf("CSP injection: %s", csp)
	}
}

// A full disk or a read-only database gives a clear 503 for writes, while
// reads go on and nothing is damaged.
func TestFullOrReadOnlyDatabaseRefusesWritesAndKeepsServingReads(t *testing.T) {
	for _, c := range []struct{ name, pragma string }{
		// The write pool has one connection, so the pragma stays on it.
		{"disk full", `PRAGMA max_page_count = 1`},
		{"read-only", `PRAGMA query_only = 1`},
	} {
		t.Run(c.name, func(t *testing.T) {
			e := newEnv(t, nil)
			ctx := context.Background()
			if err := e.st.Write(ctx, func(tx *sql.Tx) error {
				if c.name == "disk full" {
					var pages int
					if err := tx.QueryRow(`PRAGMA page_count`).Scan(&pages); err != nil {
						return err
					}
					_, err := tx.Exec(fmt.Sprintf(`PRAGMA max_page_count = %d`, pages))
					return err
				}
				_, err := tx.Exec(c.pragma)
				return err
			}); err != nil {
				t.Fatal(err)
			}
			// A large text so the row cannot fit in free space of existing pages.
			r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
				feature(`null`, "Passt nicht mehr", strings.Repeat("Langer Text. ", 380), "verkehr"))
			if r.status != 503 || !strings.Contains(r.body, "storage_unavailable") || r.header.Get("Retry-After") == "" {
				t.Fatalf("write: %d %s", r.status, r.body)
			}
			if r := e.do(t, "GET", "/p/"+slug, "", ""); r.status != 200 {
				t.Fatalf("read while unwritable = %d", r.status)
			}
			if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=5", "", ""); r.status != 200 {
				t.Fatalf("API read while unwritable = %d", r.status)
			}
			if res, err := e.st.IntegrityCheck(ctx); err != nil || res != "ok" {
				t.Fatalf("integrity = %q %v", res, err)
			}
		})
	}
}

func TestCachedProcedurePageCarriesItsOwnNonceAndFollowsWrites(t *testing.T) {
	e := newEnv(t, nil)
	nonceOf := func(r result) string {
		return strings.SplitN(strings.SplitN(r.header.Get("Content-Security-Policy"), "'nonce-", 2)[1], "'", 2)[0]
	}
	first := e.do(t, "GET", "/p/"+slug, "", "")
	second := e.do(t, "GET", "/p/"+slug, "", "")
	n1, n2 := nonceOf(first), nonceOf(second)
	if n1 == n2 {
		t.Fatal("two answers share a nonce")
	}
	for _, r := range []struct {
		res   result
		nonce string
	}{{first, n1}, {second, n2}} {
		if c := strings.Count(r.res.body, "<script"); c == 0 || strings.Count(r.res.body, `nonce="`+r.nonce+`"`) != c {
			t.Fatal("a script tag lacks its answer's nonce")
		}
		if strings.Contains(r.res.body, "nonce-placeholder") {
			t.Fatal("placeholder leaked")
		}
	}
	if strings.Contains(first.body, "Frisch eingetroffen") {
		t.Fatal("test title already present")
	}
	e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", feature(`null`, "Frisch eingetroffen", okText, "verkehr"))
	if r := e.do(t, "GET", "/p/"+slug, "", ""); !strings.Contains(r.body, "Frisch eingetroffen") {
		t.Fatal("cached page did not follow the write")
	}
	// Locale and query are part of the key.
	if r := e.do(t, "GET", "/p/"+slug+"?lang=en", "", ""); !strings.Contains(r.body, "Timeline") {
		t.Fatal("English page served from the German cache")
	}
	if r := e.do(t, "GET", "/p/"+slug+"?category=gruen", "", ""); strings.Contains(r.body, "Frisch eingetroffen") {
		t.Fatal("filtered page served from the unfiltered cache")
	}
}

func TestOfflineBaseMapFromMBTiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "map.mbtiles")
	db, err := sql.Open("sqlite3", path)
	if err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\nfake-tile")
	for _, q := range []string{
		`CREATE TABLE metadata (name TEXT, value TEXT)`,
		`CREATE TABLE tiles (zoom_level INTEGER, tile_column INTEGER, tile_row INTEGER, tile_data BLOB)`,
		`INSERT INTO metadata VALUES ('format', 'png'), ('attribution', '© Stadt Hamburg, LGV')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	// XYZ tile 15/17289/10607 is TMS row 2^15-1-10607.
	if _, err := db.Exec(`INSERT INTO tiles VALUES (15, 17289, ?, ?)`, (1<<15)-1-10607, png); err != nil {
		t.Fatal(err)
	}
	db.Close()
	e := newEnv(t, func(c *config.Config) { c.TileMBTiles = path })
	r := e.do(t, "GET", "/tiles/15/17289/10607.png", "", "")
	if r.status != 200 || r.body != string(png) || r.header.Get("Content-Type") != "image/png" {
		t.Fatalf("tile: %d %q %s", r.status, r.body, r.header.Get("Content-Type"))
	}
	if r := e.do(t, "GET", "/tiles/15/17289/10608.png", "", ""); r.status != 404 {
		t.Fatalf("missing tile = %d", r.status)
	}
	if r := e.do(t, "GET", "/tiles/x/1/2.png", "", ""); r.status != 400 {
		t.Fatalf("bad tile address = %d", r.status)
	}
	page := e.do(t, "GET", "/p/"+slug, "", "")
	if !strings.Contains(page.body, `data-tiles="/tiles/{z}/{x}/{y}.png"`) || !strings.Contains(page.body, "Stadt Hamburg, LGV") {
		t.Fatal("the map does not use the offline tiles")
	}
}

func TestHomeSearchKeepsWhatWasTypedAndFilters(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "GET", "/?q=Gr%C3%BCnzug", "", "")
	if !strings.Contains(r.body, `value="Grünzug"`) || !strings.Contains(r.body, `href="/p/`+slug+`"`) {
		t.Fatalf("search for the procedure: %.300s", r.body)
	}
	r = e.do(t, "GET", "/?q=Atlantis", "", "")
	if !strings.Contains(r.body, `value="Atlantis"`) || strings.Contains(r.body, `href="/p/`+slug+`"`) {
		t.Fatal("a search without hits still lists the procedure")
	}
}

func TestContentPageHasOneTitleAndSwitchesLanguageLevel(t *testing.T) {
	e := newEnv(t, nil)
	r := e.do(t, "GET", "/p/"+slug+"/pages/der-plan", "", "")
	if n := strings.Count(r.body, "<h1"); n != 1 {
		t.Fatalf("%d h1 elements", n)
	}
	easy := e.do(t, "GET", "/p/"+slug+"/pages/der-plan?lang=de-x-ls", "", "")
	standard := e.do(t, "GET", "/p/"+slug+"/pages/der-plan?lang=de-x-ls&easy=0", "", "")
	if !strings.Contains(easy.body, "Es gibt 3 Ideen") || strings.Contains(standard.body, "Es gibt 3 Ideen") ||
		!strings.Contains(easy.body, "?easy=0") || !strings.Contains(standard.body, "?easy=1") {
		t.Fatal("Leichte Sprache readers cannot switch to the standard text")
	}
}

// No input a client can send makes the server answer 500.
func TestHostileRequestsNeverAnswer500(t *testing.T) {
	e := newEnv(t, nil)
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	_ = json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=1", "", "").body), &list)
	id := list.Features[0].ID
	values := []string{"", "%00", "%FF%FE", strings.Repeat("a", 5000), "-1", "1e309", "NaN", "%27%3B--", "%3Cscript%3E", "..%2F..%2Fetc%2Fpasswd", "%E2%80%AE", "0x10", "[]", "{}"}
	paths := []string{"/", "/p/" + slug, "/p/" + slug + "/pages/faq", "/p/" + slug + "/statistics", "/p/" + slug + "/conceptions",
		"/p/" + slug + "/contribute", "/p/" + slug + "/contributions/" + id, "/api/v1/procedures", "/api/v1/procedures/" + slug,
		"/api/v1/procedures/" + slug + "/contributions", "/api/v1/contributions/" + id, "/api/v1/procedures/" + slug + "/places",
		"/api/v1/procedures/" + slug + "/conceptions", "/p/" + slug + "/appointments.ics", "/api/v1/procedures/" + slug + "/export.csv", "/ogcapi", "/ogcapi/collections", "/ogcapi/collections/" + slug + "/items", "/ogcapi/collections/" + slug + "/items/" + id, "/admin/login", "/table/" + slug, "/wall/" + slug, "/static/0/..%2F..%2Fgo.mod", "/p/%00", "/manage/%FF"}
	params := []string{"q", "category", "type", "geometry", "origin", "sort", "limit", "cursor", "bbox", "cluster", "lang", "easy", "reply", "notice", "k"}
	for _, p := range paths {
		for _, k := range params {
			for _, v := range values {
				r := e.do(t, "GET", p+"?"+k+"="+v, "", "")
				if r.status >= 500 {
					t.Fatalf("GET %s?%s=%.40s = %d: %.200s", p, k, v, r.status, r.body)
				}
			}
		}
	}
	for _, p := range []string{"/static/0/..%2F..%2Fgo.mod", "/static/0/../../../go.mod", "/static/abc/%2e%2e/%2e%2e/locales/de.toml"} {
		if r := e.do(t, "GET", p, "", ""); r.status != 404 || strings.Contains(r.body, "module ") {
			t.Fatalf("GET %s = %d", p, r.status)
		}
	}
	bodies := []string{"", "null", "[]", "{}", `{"type":"Feature"}`, `{"type":"Feature","properties":null}`, `{"value":null}`, `{"text":null}`,
		`{"type":"Feature","geometry":{"type":"Point","coordinates":[]},"properties":{}}`, `{"type":"Feature","geometry":{"type":"Polygon","coordinates":[[]]},"properties":{}}`,
		`{"type":"Feature","geometry":{"type":"LineString","coordinates":[[1,2,3,4]]},"properties":{}}`, strings.Repeat("[", 10000), "\xff\xfe"}
	posts := []string{"/api/v1/procedures/" + slug + "/contributions", "/api/v1/contributions/" + id + "/comments",
		"/api/v1/contributions/" + id + "/ratings", "/api/v1/contributions/" + id + "/flags",
		"/api/v1/procedures/" + slug + "/conceptions/variante-a/ratings", "/api/v1/procedures/" + slug + "/conceptions/variante-a/comments"}
	for _, p := range posts {
		for _, b := range bodies {
			if r := e.do(t, "POST", p, "application/json", b); r.status >= 500 {
				t.Fatalf("POST %s %.60q = %d: %.200s", p, b, r.status, r.body)
			}
		}
	}
}

func TestScriptMessagesComeFromTheLocaleFiles(t *testing.T) {
	e := newEnv(t, nil)
	for lang, want := range map[string]string{"de": "Schritt {} von {}", "en": "Step {} of {}"} {
		r := e.do(t, "GET", "/p/"+slug+"/contribute?lang="+lang, "", "")
		if !strings.Contains(r.body, want) || !strings.Contains(r.body, "js.step") {
			t.Errorf("%s: data-i18n lacks %q", lang, want)
		}
	}
}

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

func TestExportAPIIsForPlannersOnly(t *testing.T) {
	e := newEnv(t, nil)
	planner := e.token(t, "planerin@example.org", model.RolePlanner)
	moderator := e.token(t, "moderator@example.org", model.RoleModerator)
	base := "/api/v1/procedures/" + slug + "/export."
	for _, c := range []struct {
		path, auth string
		status     int
	}{
		{base + "csv", "", 401},
		{base + "csv", "Bearer nonsense", 401},
		{base + "csv", "Basic " + planner, 401},
		{base + "csv", "Bearer " + moderator, 403},
		{base + "pdf", "Bearer " + planner, 404},
		{"/api/v1/procedures/nirgendwo/export.csv", "Bearer " + planner, 404},
	} {
		r := e.do(t, "GET", c.path, "", "", "Authorization", c.auth)
		if r.status != c.status || !strings.Contains(r.body, `"error"`) {
			t.Fatalf("GET %s with %q = %d %s, want %d", c.path, c.auth, r.status, r.body, c.status)
		}
		if c.status == 401 && r.header.Get("WWW-Authenticate") == "" {
			t.Fatal("401 without WWW-Authenticate")
		}
	}
	n, err := e.st.CountExportable(context.Background(), 1)
	if err != nil || n == 0 {
		t.Fatalf("%d exportable, %v", n, err)
	}
	r := e.do(t, "GET", base+"csv", "", "", "Authorization", "Bearer "+planner, "Accept-Language", "en")
	if r.status != 200 || r.header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		r.header.Get("Content-Disposition") != `attachment; filename="`+slug+`.csv"` || r.header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("csv: %d %v", r.status, r.header)
	}
	if lines := strings.Count(r.body, "\n"); lines < n+1 {
		t.Fatalf("csv has %d lines for %d contributions", lines, n)
	}
	for _, f := range []string{"xlsx", "geojson", "gpkg", "synopsis", "bundle"} {
		r := e.do(t, "GET", base+f, "", "", "Authorization", "Bearer "+planner)
		if r.status != 200 || len(r.body) < 1000 {
			t.Fatalf("%s: %d, %d bytes", f, r.status, len(r.body))
		}
	}
	if r := e.do(t, "GET", base+"gpkg", "", "", "Authorization", "Bearer "+planner); !strings.HasPrefix(r.body, "SQLite format 3\x00") {
		t.Fatal("gpkg is not a SQLite file")
	}
	log, err := e.st.AuditLog(context.Background(), 20)
	if err != nil {
		t.Fatal(err)
	}
	exports := 0
	for _, a := range log {
		if a.Action == "export" && a.Actor == "planerin@example.org" {
			exports++
		}
	}
	if exports != 7 {
		t.Fatalf("%d exports in the audit log", exports)
	}
}

func TestModerationAPIHidesMergesAndAnswersWithAudit(t *testing.T) {
	e := newEnv(t, nil)
	moderator := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	planner := "Bearer " + e.token(t, "planerin@example.org", model.RolePlanner)
	ctx := context.Background()
	create := func(title string) string {
		r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
			feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, title, okText, "gruen"))
		if r.status != 201 {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		var out struct{ ID string }
		json.Unmarshal([]byte(r.body), &out)
		return out.ID
	}
	a, b := create("Doppelter Wunsch eins"), create("Doppelter Wunsch zwei")
	before, _ := e.st.Contribution(ctx, a)
	patch := func(id, auth, body string) result {
		return e.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", body, "Authorization", auth)
	}
	// refused, and nothing changes
	for _, c := range []struct {
		auth, body string
		status     int
	}{
		{"", `{"status":"hidden","reason":"Beleidigung"}`, 401},
		{"Bearer wrong", `{"status":"hidden","reason":"Beleidigung"}`, 401},
		{moderator, `{"status":"hidden"}`, 422},
		{moderator, `{"status":"withdrawn"}`, 422},
		{moderator, `{"status":"merged"}`, 422},
		{moderator, `{"status":"gelöscht"}`, 422},
		{moderator, `{"category":"gibtsnicht"}`, 422},
		{moderator, `{"title":"Neuer Titel"}`, 400},
		{moderator, `{}`, 400},
		{moderator, `{"status":"hidden","reason":"` + strings.Repeat("x", 501) + `"}`, 422},
		{moderator, `{"status":"hidden","reason":"a\u0000b"}`, 422},
		{moderator, `[`, 400},
	} {
		if r := patch(a, c.auth, c.body); r.status != c.status || !strings.Contains(r.body, `"error"`) {
			t.Fatalf("PATCH %s with %q = %d %s, want %d", c.body, c.auth, r.status, r.body, c.status)
		}
	}
	if r := patch("00000000-0000-0000-0000-000000000000", moderator, `{"status":"hidden","reason":"x"}`); r.status != 404 {
		t.Fatalf("unknown contribution: %d", r.status)
	}
	if now, _ := e.st.Contribution(ctx, a); now.Status != before.Status || now.Category != before.Category || !now.UpdatedAt.Equal(before.UpdatedAt) {
		t.Fatalf("a refused request changed %+v", now)
	}
	// hide with a public reason: gone from the public API and map, kept in the store
	r := patch(a, moderator, `{"status":"hidden","reason":"Enthält eine Beleidigung."}`)
	if r.status != 200 || !strings.Contains(r.body, `"status":"hidden"`) || !strings.Contains(r.body, "Beleidigung") {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api/v1/contributions/"+a, "", ""); r.status != 404 {
		t.Fatalf("hidden contribution still public: %d", r.status)
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?q=Doppelter", "", ""); strings.Contains(r.body, a) || !strings.Contains(r.body, b) {
		t.Fatalf("list after hiding: %s", r.body)
	}
	// the moderators' queue lists it, for moderators only, uncached
	queue := func(auth, query string) result {
		return e.do(t, "GET", "/api/v1/procedures/"+slug+"/moderation"+query, "", "", "Authorization", auth)
	}
	if r := queue("", "?status=hidden"); r.status != 401 {
		t.Fatalf("anonymous queue: %d", r.status)
	}
	if r := queue(moderator, "?status=gelöscht"); r.status != 400 {
		t.Fatalf("bad status: %d", r.status)
	}
	if r := queue(moderator, "?status=hidden"); r.status != 200 || !strings.Contains(r.body, a) || !strings.Contains(r.body, `"flags":0`) ||
		strings.Contains(r.body, b) || r.header.Get("Cache-Control") != "private, no-store" {
		t.Fatalf("queue: %d %s", r.status, r.body)
	}
	if r := queue(moderator, ""); r.status != 200 || strings.Contains(r.body, a) {
		t.Fatalf("default queue (submitted): %d %s", r.status, r.body)
	}
	// publish again, into another category
	if r := patch(a, moderator, `{"status":"published","category":"verkehr"}`); r.status != 200 || !strings.Contains(r.body, `"category":"verkehr"`) || !strings.Contains(r.body, `"reason":""`) {
		t.Fatalf("republish: %d %s", r.status, r.body)
	}
	// merge b into a
	merge := func(id, auth, body string) result {
		return e.do(t, "POST", "/api/v1/contributions/"+id+"/merge", "application/json", body, "Authorization", auth)
	}
	if r := merge(b, moderator, `{"into":"`+b+`"}`); r.status != 409 {
		t.Fatalf("merge into itself: %d %s", r.status, r.body)
	}
	if r := merge(b, moderator, `{"into":"00000000-0000-0000-0000-000000000000"}`); r.status != 409 {
		t.Fatalf("merge into nothing: %d %s", r.status, r.body)
	}
	if r := merge(b, moderator, `{}`); r.status != 422 {
		t.Fatalf("merge without target: %d %s", r.status, r.body)
	}
	if r := merge(b, moderator, `{"into":"`+a+`","reason":"Gleicher Wunsch wie der andere Beitrag."}`); r.status != 200 || !strings.Contains(r.body, `"merged_into":"`+a+`"`) {
		t.Fatalf("merge: %d %s", r.status, r.body)
	}
	if r := patch(b, moderator, `{"status":"published"}`); r.status != 409 {
		t.Fatalf("moderating a merged one: %d %s", r.status, r.body)
	}
	if r := merge(a, moderator, `{"into":"`+b+`"}`); r.status != 409 {
		t.Fatalf("merge into a merged one: %d %s", r.status, r.body)
	}
	// official response: planners only
	respond := func(auth, body string) result {
		return e.do(t, "POST", "/api/v1/contributions/"+a+"/responses", "application/json", body, "Authorization", auth)
	}
	if r := respond(moderator, `{"text":"Danke!"}`); r.status != 403 {
		t.Fatalf("moderator responding: %d", r.status)
	}
	if r := respond(planner, `{"text":"x"}`); r.status != 422 {
		t.Fatalf("short response: %d", r.status)
	}
	r = respond(planner, `{"text":"Danke, wir **prüfen** das.<script>alert(1)</script>","author":"Bezirksamt Altona"}`)
	var answer struct{ HTML string }
	json.Unmarshal([]byte(r.body), &answer)
	if r.status != 201 || !strings.Contains(answer.HTML, `<strong>prüfen</strong>`) || strings.Contains(answer.HTML, "<script") {
		t.Fatalf("respond: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api/v1/contributions/"+a, "", ""); !strings.Contains(r.body, "Bezirksamt Altona") {
		t.Fatalf("response not shown: %s", r.body)
	}
	// every step is in the audit log, with who did it
	log, _ := e.st.AuditLog(ctx, 20)
	var steps []string
	for _, x := range log {
		steps = append(steps, x.Actor+" "+x.Action)
	}
	want := []string{"planerin@example.org contribution.respond", "moderator@example.org contribution.merge",
		"moderator@example.org contribution.moderate", "moderator@example.org contribution.moderate"}
	if len(steps) < 4 || strings.Join(steps[:4], "|") != strings.Join(want, "|") {
		t.Fatalf("audit log %v", steps)
	}
	if !strings.Contains(log[2].Before, `"status":"hidden"`) || !strings.Contains(log[2].After, `"category":"verkehr"`) {
		t.Fatalf("audit before/after: %+v", log[2])
	}
}

func TestOGCAPIFeaturesServesPublishedContributionsToGDAL(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	base := "http://" + ln.Addr().String()
	e := newEnv(t, func(c *config.Config) { c.BaseURL = base })
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.Shutdown() })
	ctx := context.Background()
	p, _ := e.st.ProcedureBySlug(ctx, slug)
	published, err := e.st.CountContributions(ctx, store.Filter{ProcedureID: p.ID})
	if err != nil || published < 20 {
		t.Fatalf("%d published, %v", published, err)
	}
	get := func(path string) (int, map[string]any, string) {
		res, err := http.Get(base + path)
		if err != nil {
			t.Fatal(err)
		}
		defer res.Body.Close()
		b, _ := io.ReadAll(res.Body)
		var doc map[string]any
		json.Unmarshal(b, &doc)
		return res.StatusCode, doc, res.Header.Get("Content-Type")
	}
	if s, doc, _ := get("/ogcapi"); s != 200 || len(doc["links"].([]any)) < 4 {
		t.Fatalf("landing: %d %v", s, doc)
	}
	if s, doc, _ := get("/ogcapi/conformance"); s != 200 || !strings.Contains(fmt.Sprint(doc["conformsTo"]), "ogcapi-features-1/1.0/conf/core") {
		t.Fatalf("conformance: %d %v", s, doc)
	}
	if s, doc, _ := get("/ogcapi/api"); s != 200 || doc["openapi"] != "3.0.3" {
		t.Fatalf("api: %d", s)
	}
	if s, doc, _ := get("/ogcapi/collections"); s != 200 || !strings.Contains(fmt.Sprint(doc["collections"]), "id:"+slug) {
		t.Fatalf("collections: %d %v", s, doc)
	}
	s, page, ctype := get("/ogcapi/collections/" + slug + "/items?limit=5")
	if s != 200 || ctype != "application/geo+json" || page["numberReturned"] != float64(5) || page["numberMatched"] != float64(published) {
		t.Fatalf("items: %d %s %v %v", s, ctype, page["numberReturned"], page["numberMatched"])
	}
	var nextURL string
	for _, l := range page["links"].([]any) {
		if m := l.(map[string]any); m["rel"] == "next" {
			nextURL = m["href"].(string)
		}
	}
	if !strings.HasPrefix(nextURL, base+"/ogcapi/collections/"+slug+"/items?") {
		t.Fatalf("next link %q", nextURL)
	}
	_, page2, _ := get(strings.TrimPrefix(nextURL, base))
	first := page["features"].([]any)[0].(map[string]any)["id"]
	if page2["numberReturned"] != float64(5) || page2["features"].([]any)[0].(map[string]any)["id"] == first {
		t.Fatalf("second page %v", page2["numberReturned"])
	}
	if _, doc, _ := get("/ogcapi/collections/" + slug + "/items?datetime=2000-01-01T00:00:00Z/2000-12-31T00:00:00Z"); doc["numberReturned"] != float64(0) {
		t.Fatalf("datetime filter: %v", doc["numberReturned"])
	}
	if _, doc, _ := get("/ogcapi/collections/" + slug + "/items?bbox=0,0,1,1"); doc["numberReturned"] != float64(0) {
		t.Fatalf("bbox filter: %v", doc["numberReturned"])
	}
	for _, bad := range []string{"?sortby=title", "?limit=0", "?bbox=1,2", "?datetime=bald", "?f=html", "?cursor=abc"} {
		if s, doc, _ := get("/ogcapi/collections/" + slug + "/items" + bad); s != 400 || doc["error"] == nil {
			t.Fatalf("%s: %d %v", bad, s, doc)
		}
	}
	if s, _, _ := get("/ogcapi/collections/nirgendwo/items"); s != 404 {
		t.Fatalf("unknown collection: %d", s)
	}
	id := first.(string)
	if s, doc, ctype := get("/ogcapi/collections/" + slug + "/items/" + id); s != 200 || ctype != "application/geo+json" || doc["id"] != id || doc["links"] == nil {
		t.Fatalf("item: %d %v", s, doc)
	}
	if _, err := e.st.UpdateContribution(ctx, id, func(c *model.Contribution) error { c.Status = model.Hidden; return nil }); err != nil {
		t.Fatal(err)
	}
	if s, _, _ := get("/ogcapi/collections/" + slug + "/items/" + id); s != 404 {
		t.Fatalf("hidden item: %d", s)
	}
	published--
	// GDAL's OGC API – Features driver reads the whole collection through the paging links.
	ogr2ogr, err := exec.LookPath("ogr2ogr")
	if err != nil {
		if os.Getenv("CI") != "" {
			t.Fatal("ogr2ogr (gdal-bin) is required in CI")
		}
		t.Skip("GDAL not installed (make test installs gdal-bin)")
	}
	out := filepath.Join(t.TempDir(), "oapif.geojson")
	cmd := exec.Command(ogr2ogr, "-f", "GeoJSON", out, "OAPIF:"+base+"/ogcapi", slug, "-oo", "PAGE_SIZE=7")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ogr2ogr: %v\n%s", err, b)
	}
	b, _ := os.ReadFile(out)
	var fc struct {
		Features []struct{ ID any } `json:"features"`
	}
	if err := json.Unmarshal(b, &fc); err != nil || len(fc.Features) != published {
		t.Fatalf("GDAL read %d features, want %d (%v)", len(fc.Features), published, err)
	}
}

func TestRemovedContributionsSayWhatHappened(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	p, _ := e.st.ProcedureBySlug(ctx, slug)
	list, _, err := e.st.Contributions(ctx, store.Filter{ProcedureID: p.ID, Limit: 3})
	if err != nil || len(list) < 3 {
		t.Fatal(err)
	}
	hidden, merged, withdrawn := list[0], list[1], list[2]
	set := func(c *model.Contribution, s model.ContributionStatus, reason, into string) {
		if _, err := e.st.UpdateContribution(ctx, c.ID, func(x *model.Contribution) error {
			x.Status, x.Reason, x.MergedInto = s, reason, into
			return nil
		}); err != nil {
			t.Fatal(err)
		}
	}
	set(hidden, model.Hidden, "Enthält <b>persönliche</b> Daten.", "")
	set(merged, model.Merged, "Gleicher Wunsch.", withdrawn.ID)
	set(withdrawn, model.Withdrawn, "", "")
	for _, c := range []struct {
		id   string
		want []string
	}{
		{hidden.ID, []string{"ausgeblendet", "Enthält &lt;b&gt;persönliche&lt;/b&gt; Daten."}},
		{merged.ID, []string{"zusammengeführt", `href="/p/` + slug + `/contributions/` + withdrawn.ID + `"`, "Gleicher Wunsch."}},
		{withdrawn.ID, []string{"zurückgezogen"}},
	} {
		r := e.do(t, "GET", "/p/"+slug+"/contributions/"+c.id, "", "")
		if r.status != 410 {
			t.Fatalf("%s: %d", c.id, r.status)
		}
		for _, w := range c.want {
			if !strings.Contains(r.body, w) {
				t.Fatalf("%s lacks %q:\n%.2000s", c.id, w, r.body)
			}
		}
	}
	if r := e.do(t, "GET", "/p/anderes-verfahren/contributions/"+hidden.ID, "", ""); r.status != 404 {
		t.Fatalf("other procedure's address: %d", r.status)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/contributions/"+hidden.ID+"?lang=de-x-ls", "", ""); !strings.Contains(r.body, "versteckt") {
		t.Fatal("no Leichte Sprache text")
	}
}

func TestReportsReachModeratorsAndCanBeResolved(t *testing.T) {
	e := newEnv(t, nil)
	moderator := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=1", "", "").body), &list)
	id := list.Features[0].ID
	r := e.do(t, "POST", "/api/v1/contributions/"+id+"/comments", "application/json", `{"text":"Ein unfreundlicher Kommentar."}`)
	var cm struct{ ID int64 }
	json.Unmarshal([]byte(r.body), &cm)
	if r.status != 201 || cm.ID == 0 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	for _, body := range []string{`{"reason":"Beleidigend"}`, fmt.Sprintf(`{"reason":"Spam","comment_id":%d}`, cm.ID)} {
		if r := e.do(t, "POST", "/api/v1/contributions/"+id+"/flags", "application/json", body); r.status >= 300 {
			t.Fatalf("flag %s: %d %s", body, r.status, r.body)
		}
	}
	reports := func(auth, q string) (int, []map[string]any) {
		r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/reports"+q, "", "", "Authorization", auth)
		var out struct{ Reports []map[string]any }
		json.Unmarshal([]byte(r.body), &out)
		return r.status, out.Reports
	}
	if s, _ := reports("", ""); s != 401 {
		t.Fatalf("anonymous: %d", s)
	}
	if s, _ := reports(moderator, "?state=all"); s != 400 {
		t.Fatalf("bad state: %d", s)
	}
	s, open := reports(moderator, "")
	if s != 200 || len(open) != 2 || open[0]["reason"] != "Beleidigend" || open[1]["kind"] != "comment" ||
		open[1]["excerpt"] != "Ein unfreundlicher Kommentar." || open[1]["contribution_id"] != id {
		t.Fatalf("open reports: %d %v", s, open)
	}
	first := fmt.Sprint(open[0]["id"])
	resolve := func(path, body string) result {
		return e.do(t, "POST", "/api/v1/procedures/"+path+"/resolve", "application/json", body, "Authorization", moderator)
	}
	if r := resolve("anderes/reports/"+first, ""); r.status != 404 {
		t.Fatalf("other procedure: %d", r.status)
	}
	if r := resolve(slug+"/reports/999999", ""); r.status != 404 {
		t.Fatalf("unknown report: %d", r.status)
	}
	if r := resolve(slug+"/reports/"+first, `{"note":"Geprüft, bleibt stehen.","extra":1}`); r.status != 400 {
		t.Fatalf("unknown member: %d", r.status)
	}
	if r := resolve(slug+"/reports/"+first, `{"note":"Geprüft, bleibt stehen."}`); r.status != 200 {
		t.Fatalf("resolve: %d %s", r.status, r.body)
	}
	if r := resolve(slug+"/reports/"+first, ``); r.status != 409 {
		t.Fatalf("resolve twice: %d", r.status)
	}
	if _, open := reports(moderator, ""); len(open) != 1 {
		t.Fatalf("%d open after resolving one", len(open))
	}
	// hide the reported comment: gone from the contribution, counted out, kept in the store
	count := func() (int, string) {
		var f struct {
			Properties struct {
				CommentCount int `json:"comment_count"`
				Comments     any `json:"comments"`
			} `json:"properties"`
		}
		r := e.do(t, "GET", "/api/v1/contributions/"+id, "", "")
		json.Unmarshal([]byte(r.body), &f)
		return f.Properties.CommentCount, fmt.Sprint(f.Properties.Comments)
	}
	n0, shown := count()
	if !strings.Contains(shown, "unfreundlicher") {
		t.Fatalf("comment not shown before hiding: %s", shown)
	}
	patchComment := func(cid, body string) result {
		return e.do(t, "PATCH", "/api/v1/comments/"+cid, "application/json", body, "Authorization", moderator)
	}
	cid := fmt.Sprint(cm.ID)
	for body, want := range map[string]int{`{"status":"merged"}`: 422, `{"status":"hidden","reason":"x"}`: 400, `{}`: 422} {
		if r := patchComment(cid, body); r.status != want {
			t.Fatalf("PATCH comment %s: %d %s", body, r.status, r.body)
		}
	}
	if r := patchComment("999999", `{"status":"hidden"}`); r.status != 404 {
		t.Fatalf("unknown comment: %d", r.status)
	}
	if r := e.do(t, "PATCH", "/api/v1/comments/"+cid, "application/json", `{"status":"hidden"}`); r.status != 401 {
		t.Fatalf("anonymous: %d", r.status)
	}
	if r := patchComment(cid, `{"status":"hidden"}`); r.status != 200 {
		t.Fatalf("hide comment: %d %s", r.status, r.body)
	}
	if n1, shown := count(); n1 != n0-1 || strings.Contains(shown, "unfreundlicher") {
		t.Fatalf("after hiding: count %d (was %d), comments %s", n1, n0, shown)
	}
	if r := patchComment(cid, `{"status":"published"}`); r.status != 200 {
		t.Fatalf("publish comment: %d", r.status)
	}
	if n2, _ := count(); n2 != n0 {
		t.Fatalf("after publishing again: %d, want %d", n2, n0)
	}
	if _, done := reports(moderator, "?state=resolved"); len(done) != 1 || done[0]["resolved_by"] != "moderator@example.org" {
		t.Fatalf("resolved: %v", done)
	}
	log, _ := e.st.AuditLog(context.Background(), 3)
	if len(log) != 3 || log[0].Action != "comment.moderate" || log[2].Action != "report.resolve" || !strings.Contains(log[2].After, "bleibt stehen") {
		t.Fatalf("audit %+v", log)
	}
}

func TestWorkshopTableTagsContributionsAndShowsNoManageLink(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.TableIdle = 90 })
	for _, q := range []string{"", "?table=0", "?table=1000", "?table=x", "?table=-3"} {
		if r := e.do(t, "GET", "/table/"+slug+q, "", ""); r.status != 400 {
			t.Fatalf("table%s: %d", q, r.status)
		}
	}
	if r := e.do(t, "GET", "/table/nirgendwo?table=1", "", ""); r.status != 404 {
		t.Fatalf("unknown procedure: %d", r.status)
	}
	page := e.do(t, "GET", tableLink(3), "", "")
	if page.status != 200 || !strings.Contains(page.body, `class="kiosk"`) || !strings.Contains(page.body, `data-idle="90"`) ||
		!strings.Contains(page.body, `href="?table=3&amp;key=`+auth.TableKey([]byte(testSecret), slug, 3)+`&amp;lang=en"`) || strings.Contains(page.body, `href="/p/`+slug+`/contribute"`) {
		t.Fatalf("table page: %d %.3000s", page.status, page.body)
	}
	csrf := strings.SplitN(strings.SplitN(page.body, `name="_csrf" value="`, 2)[1], `"`, 2)[0]
	cookie := strings.SplitN(page.header.Get("Set-Cookie"), ";", 2)[0]
	form := url.Values{"_csrf": {csrf}, "title": {"Vom Tisch drei"}, "text": {okText}, "category": {"verkehr"}, "place": {"Bahnhof Altona"}, "origin": {"online"}}
	r := e.do(t, "POST", tableLink(3), "application/x-www-form-urlencoded", form.Encode(), "Cookie", cookie)
	if r.status != 201 || strings.Contains(r.body, "/manage/") || !strings.Contains(r.body, `id="next-contribution"`) {
		t.Fatalf("table submit: %d %.2000s", r.status, r.body)
	}
	api := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?origin=table:3&q=Tisch", "", "")
	if !strings.Contains(api.body, `"origin":"table:3"`) || !strings.Contains(api.body, "Vom Tisch drei") {
		t.Fatalf("not tagged with the table: %s", api.body)
	}
	form.Set("title", "x")
	if r := e.do(t, "POST", tableLink(3), "application/x-www-form-urlencoded", form.Encode(), "Cookie", cookie); r.status != 422 || !strings.Contains(r.body, "error-summary") {
		t.Fatalf("invalid table submit: %d", r.status)
	}
	wall := e.do(t, "GET", "/wall/"+slug, "", "")
	if wall.status != 200 || !strings.Contains(wall.body, "Vom Tisch drei") || !strings.Contains(wall.body, `id="wall-list"`) {
		t.Fatalf("wall: %d", wall.status)
	}
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
	csrf := strings.SplitN(strings.SplitN(page.body, `name="_csrf" value="`, 2)[1], `"`, 2)[0]
	r := e.do(t, "POST", "/admin/login", "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrf}, "email": {email}, "password": {"ein langes Passwort"}}.Encode(), "Cookie", jar.header())
	jar.take(r.header)
	if r.status != 303 {
		t.Fatalf("sign in %s: %d", email, r.status)
	}
	return jar, csrf
}

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
		return strings.SplitN(strings.SplitN(body, `name="_csrf" value="`, 2)[1], `"`, 2)[0]
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
	csrf := strings.SplitN(strings.SplitN(page.body, `name="_csrf" value="`, 2)[1], `"`, 2)[0]
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
	mcsrf := strings.SplitN(strings.SplitN(page.body, `name="_csrf" value="`, 2)[1], `"`, 2)[0]
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
	if a.status != 200 || !strings.Contains(a.body, `search?q=querungshilfe">querungshilfe</a></td><td>12</td>`) || !strings.Contains(a.body, "<svg") {
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
	if rep.status != 200 || !strings.Contains(main, "Querungshilfe Nummer") || !strings.Contains(main, "querungshilfe (12)") ||
		!strings.Contains(rep.body, `class="report"`) || strings.Contains(main, "no value") {
		t.Fatalf("report: %d %.2000s", rep.status, main)
	}
	// a new contribution moves the version on, and the analysis follows
	e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, "Querungshilfe noch eine", "Auch hier fehlt eine Querungshilfe.", "verkehr"))
	if a := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header()); !strings.Contains(a.body, `querungshilfe</a></td><td>13</td>`) {
		t.Fatal("analysis did not follow the new contribution")
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
