package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

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
