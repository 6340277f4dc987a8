package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	mod "github.com/mitreden/mitreden/internal/moderation"
)

// submit posts a located contribution through the API and returns its id
// and manage token.
func (e *env) submit(t *testing.T, title, text string) (string, string) {
	t.Helper()
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, title, text, "gruen"))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var f struct {
		ID         string         `json:"id"`
		Properties map[string]any `json:"properties"`
	}
	_ = json.Unmarshal([]byte(r.body), &f)
	tok, _ := f.Properties["manage_token"].(string)
	return f.ID, tok
}

// row is what SQLite holds of a contribution, read past the store.
type row struct {
	Title, Text, Author, Status, Category string
	Geometry                              sql.NullString
	Erased                                sql.NullInt64
	Created                               int64
}

func (e *env) raw(t *testing.T, id string) (row, int) {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+e.st.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var r row
	var seq int64
	if err := db.QueryRow(`SELECT seq, title, text, author_name, status, category, geometry, erased_at, created_at FROM contributions WHERE id = ?`, id).
		Scan(&seq, &r.Title, &r.Text, &r.Author, &r.Status, &r.Category, &r.Geometry, &r.Erased, &r.Created); err != nil {
		t.Fatal(err)
	}
	// The FTS table reads its text from contributions (external content):
	// the index's own row for seq is in its docsize shadow table.
	var fts int
	if err := db.QueryRow(`SELECT count(*) FROM contributions_fts_docsize WHERE id = ?`, seq).Scan(&fts); err != nil {
		t.Fatal(err)
	}
	return r, fts
}

// ftsHits counts full-text matches of word (a column filter on the FTS
// table itself, so the index is asked, not the content table).
func (e *env) ftsHits(t *testing.T, word string) int {
	t.Helper()
	db, err := sql.Open("sqlite3", "file:"+e.st.Path()+"?mode=ro")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM contributions_fts WHERE contributions_fts MATCH ?`, word).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestRetentionErasesTextAfterTheDaysAndKeepsTheCount(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	p, err := e.st.ProcedureBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	withdrawn, tok := e.submit(t, "Quokkaweg sperren", "Der Quokkaweg sollte für Autos gesperrt werden, sagt Erika Musterfrau.")
	hidden, _ := e.submit(t, "Wombatplatz pflastern", "Der Wombatplatz braucht ein neues Pflaster, unbedingt.")
	kept, _ := e.submit(t, "Koalapfad beleuchten", "Der Koalapfad ist abends zu dunkel für Kinder.")
	if _, err := e.srv.Part.Withdraw(ctx, p, tok); err != nil {
		t.Fatal(err)
	}
	st := model.Hidden
	reason := "Beleidigend"
	admin := &model.User{Email: "a@example.org", Role: model.RoleAdmin}
	if _, err := e.srv.Moderation.Moderate(ctx, admin, hidden, mod.Change{Status: &st, Reason: &reason}); err != nil {
		t.Fatal(err)
	}
	before, err := e.st.StatusCounts(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	jar, _ := e.signIn(t, "planner@example.org", model.RolePlanner)
	hiddenHead := func() string {
		b := e.do(t, "GET", "/admin/p/"+slug, "", "", "Cookie", jar.header()).body
		i := strings.Index(b, `id="hidden-h"`)
		return b[i : i+60]
	}
	headBefore := hiddenHead()
	stats := func() string {
		b := e.do(t, "GET", "/p/"+slug+"/statistics", "", "").body
		return b[strings.Index(b, "<main"):]
	}
	statsBefore := stats()

	// Not yet: 29 days later nothing is erased.
	if _, err := e.srv.Retention.Purge(ctx, time.Now().Add(29*24*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if r, fts := e.raw(t, withdrawn); r.Erased.Valid || r.Title == "" || fts != 1 {
		t.Fatalf("erased before the 30 days passed: %+v fts %d", r, fts)
	}

	plan, err := e.srv.Retention.Purge(ctx, time.Now().Add(31*24*time.Hour), nil)
	if err != nil {
		t.Fatal(err)
	}
	erased := 0
	for _, d := range plan {
		erased += d.Erased
	}
	if erased != 2 {
		t.Fatalf("erased %d contributions, want 2 (%+v)", erased, plan)
	}
	for _, id := range []string{withdrawn, hidden} {
		r, fts := e.raw(t, id)
		if r.Title != "" || r.Text != "" || r.Author != "" || r.Geometry.Valid || !r.Erased.Valid || fts != 0 {
			t.Errorf("%s not erased: %+v, fts rows %d", id, r, fts)
		}
		if r.Category != "gruen" || r.Created == 0 || (r.Status != "withdrawn" && r.Status != "hidden") {
			t.Errorf("%s tombstone lost its status, category or time: %+v", id, r)
		}
	}
	if r, fts := e.raw(t, kept); r.Erased.Valid || r.Title == "" || fts != 1 {
		t.Errorf("a published contribution was erased: %+v", r)
	}
	for _, w := range []string{"Quokkaweg", "Wombatplatz", "Musterfrau"} {
		if n := e.ftsHits(t, w); n != 0 {
			t.Errorf("full-text index still finds %q (%d)", w, n)
		}
	}
	if n := e.ftsHits(t, "Koalapfad"); n != 1 {
		t.Errorf("full-text index lost a kept contribution: %d", n)
	}
	after, err := e.st.StatusCounts(ctx, p.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []model.ContributionStatus{model.Published, model.Hidden, model.Withdrawn, model.Submitted} {
		if before[s] != after[s] {
			t.Errorf("count of %s changed: %d → %d", s, before[s], after[s])
		}
	}
	if h := hiddenHead(); h != headBefore {
		t.Errorf("moderation page's hidden count changed: %q → %q", headBefore, h)
	}
	if s := stats(); s != statsBefore {
		t.Error("public statistics changed by the erasure")
	}
	// The audit log names the erasures and nothing of the text.
	list, err := e.st.AuditLog(ctx, 200)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for _, a := range list {
		if a.Action == "contribution.erase" && a.Actor == "retention" {
			n++
			if strings.Contains(a.Before+a.After, "Quokkaweg") || strings.Contains(a.Before+a.After, "Wombatplatz") {
				t.Error("audit entry keeps the erased text")
			}
		}
	}
	if n != 2 {
		t.Errorf("%d audit entries for the erasure, want 2", n)
	}
	// The back office names the tombstone and offers no way to publish it.
	board := e.do(t, "GET", "/admin/p/"+slug, "", "", "Cookie", jar.header()).body
	if !strings.Contains(board, "(Text gelöscht)") || strings.Contains(board, `action="/admin/p/`+slug+`/contributions/`+hidden+`"`) {
		t.Error("the moderation page does not show the erased contribution as such")
	}
	// A tombstone cannot be published again.
	pub := model.Published
	if _, err := e.srv.Moderation.Moderate(ctx, admin, hidden, mod.Change{Status: &pub}); err == nil {
		t.Error("an erased contribution was published again")
	}
}

func TestRetentionDaysAreAProcedureSetting(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	jar, _ := e.signIn(t, "planner@example.org", model.RolePlanner)
	page := "/admin/p/" + slug + "/settings"
	form := e.do(t, "GET", page, "", "", "Cookie", jar.header())
	if !strings.Contains(form.body, `name="retention_days"`) || !strings.Contains(form.body, `value="30"`) {
		t.Fatalf("settings page has no retention field with the default 30")
	}
	post := func(days string) result {
		return e.formPost(t, page, page, url.Values{"moderation": {"post"}, "comments": {"on"}, "ratings": {"on"},
			"geometry_Point": {"on"}, "text_min": {"10"}, "text_max": {"5000"}, "retention_days": {days}}, strings.Split(jar.header(), "; ")...)
	}
	if r := post("0"); r.status != 422 {
		t.Errorf("0 days: %d, want 422", r.status)
	}
	if r := post("7"); r.status != 303 {
		t.Fatalf("7 days: %d %.300s", r.status, r.body)
	}
	p, _ := e.st.ProcedureBySlug(ctx, slug)
	if p.Settings.Retention() != 7 {
		t.Fatalf("retention = %d, want 7", p.Settings.Retention())
	}
	id, tok := e.submit(t, "Dingoecke begrünen", "Die Dingoecke braucht Bäume und Bänke.")
	if _, err := e.srv.Part.Withdraw(ctx, p, tok); err != nil {
		t.Fatal(err)
	}
	if _, err := e.srv.Retention.Purge(ctx, time.Now().Add(8*24*time.Hour), nil); err != nil {
		t.Fatal(err)
	}
	if r, _ := e.raw(t, id); !r.Erased.Valid {
		t.Error("not erased after the procedure's 7 days")
	}
}

func TestAuthorErasesOwnContributionThroughManageLink(t *testing.T) {
	e := newEnv(t, nil)
	id, tok := e.submit(t, "Emuallee verbreitern", "Die Emuallee ist für Rollstühle zu schmal, findet Max Mustermann.")
	manage := "/manage/" + tok
	page := e.do(t, "GET", manage, "", "")
	if !strings.Contains(page.body, `href="`+manage+`/erase"`) {
		t.Fatal("manage page offers no erasure")
	}
	confirm := e.do(t, "GET", manage+"/erase", "", "")
	if confirm.status != 200 || !strings.Contains(confirm.body, `name="confirm" value="yes"`) {
		t.Fatalf("confirmation page: %d", confirm.status)
	}
	// without the tick nothing happens
	if r := e.formPost(t, manage+"/erase", manage+"/erase", url.Values{}); r.status != 422 || !strings.Contains(r.body, `id="erase-error"`) {
		t.Fatalf("unconfirmed erasure: %d", r.status)
	}
	if r, _ := e.raw(t, id); r.Erased.Valid {
		t.Fatal("erased without confirmation")
	}
	done := e.formPost(t, manage+"/erase", manage+"/erase", url.Values{"confirm": {"yes"}})
	if done.status != 200 || !strings.Contains(done.body, `id="erased-title"`) {
		t.Fatalf("erasure: %d %.300s", done.status, done.body)
	}
	r, fts := e.raw(t, id)
	if r.Title != "" || r.Text != "" || r.Geometry.Valid || !r.Erased.Valid || fts != 0 || r.Status != "withdrawn" {
		t.Fatalf("not erased: %+v fts %d", r, fts)
	}
	if e.ftsHits(t, "Emuallee") != 0 || e.ftsHits(t, "Mustermann") != 0 {
		t.Error("full-text index still finds the erased text")
	}
	if g := e.do(t, "GET", "/p/"+slug+"/contributions/"+id, "", ""); g.status != 410 || strings.Contains(g.body, "Emuallee") {
		t.Errorf("public page after erasure: %d", g.status)
	}
	if g := e.do(t, "GET", manage, "", ""); g.status != 404 {
		t.Errorf("manage link after erasure: %d, want 404", g.status)
	}
}
