package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

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

// Data answers (JSON, GeoJSON, CSV) are never rendered as documents: their
// policy forbids every source, and the headers only documents need
// (framing, opener, browser features) stay on the pages.
func TestDataAnswersCarryAStrictPolicyAndPagesTheDocumentHeaders(t *testing.T) {
	e := newEnv(t, nil)
	planner := e.token(t, "planerin@example.org", model.RolePlanner)
	documentHeaders := []string{"X-Frame-Options", "Cross-Origin-Opener-Policy", "Permissions-Policy"}
	var data, pages int
	for _, p := range []string{"/", "/p/" + slug, "/p/" + slug + "/contribute", "/nowhere", "/admin/login", "/wall/" + slug,
		"/api/v1/procedures", "/api/v1/procedures/" + slug + "/contributions?bbox=9.9,53.5,10.0,53.6", "/api/v1/procedures/" + slug + "/export.csv",
		"/ogcapi/collections/" + slug + "/items", "/ogcapi/collections?f=json"} {
		r := e.do(t, "GET", p, "", "", "Authorization", "Bearer "+planner)
		if r.status != 200 && p != "/nowhere" {
			t.Errorf("%s: %d", p, r.status)
		}
		ct, csp := r.header.Get("Content-Type"), r.header.Get("Content-Security-Policy")
		switch {
		case strings.HasPrefix(ct, "text/html"):
			pages++
			if !strings.HasPrefix(csp, "default-src 'self'") {
				t.Errorf("%s (%s): CSP = %q", p, ct, csp)
			}
			for _, h := range documentHeaders {
				if r.header.Get(h) == "" {
					t.Errorf("%s (%s): no %s", p, ct, h)
				}
			}
		case strings.Contains(ct, "json") || strings.HasPrefix(ct, "text/csv"):
			data++
			if !strings.HasPrefix(csp, "default-src 'none';") || !strings.Contains(csp, "frame-ancestors 'self'") {
				t.Errorf("%s (%s): CSP = %q", p, ct, csp)
			}
			for _, h := range documentHeaders {
				if v := r.header.Get(h); v != "" {
					t.Errorf("%s (%s): %s = %q on a data answer", p, ct, h, v)
				}
			}
		default:
			t.Errorf("%s: unexpected type %q", p, ct)
		}
	}
	if data != 5 || pages != 6 {
		t.Errorf("%d data answers, %d pages", data, pages)
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

func TestFormFindsAKnownPlaceByTypedName(t *testing.T) {
	e := newEnv(t, nil)
	page := e.do(t, "GET", "/p/"+slug+"/contribute", "", "")
	csrf := csrfToken(t, page.body)
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

func TestScriptMessagesComeFromTheLocaleFiles(t *testing.T) {
	e := newEnv(t, nil)
	for lang, want := range map[string]string{"de": "Schritt {} von {}", "en": "Step {} of {}"} {
		r := e.do(t, "GET", "/p/"+slug+"/contribute?lang="+lang, "", "")
		if !strings.Contains(r.body, want) || !strings.Contains(r.body, "js.step") {
			t.Errorf("%s: data-i18n lacks %q", lang, want)
		}
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
