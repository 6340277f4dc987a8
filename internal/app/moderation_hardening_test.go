package app_test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// preModerate switches the demo procedure to pre-moderation.
func preModerate(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	p, err := e.st.ProcedureBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	st := p.Settings
	st.Moderation = model.ModerationPre
	if err := e.st.UpdateProcedureSettings(ctx, p.ID, st, store.Audited{Actor: "test", Action: "procedure.settings"}); err != nil {
		t.Fatal(err)
	}
}

// formPost loads page (for its CSRF token and cookie) and posts form to target.
func (e *env) formPost(t *testing.T, page, target string, form url.Values, cookies ...string) result {
	t.Helper()
	jar := cookieJar{}
	for _, c := range cookies {
		if kv := strings.SplitN(c, "=", 2); len(kv) == 2 {
			jar[kv[0]] = kv[1]
		}
	}
	r := e.do(t, "GET", page, "", "", "Cookie", jar.header())
	if r.status != 200 {
		t.Fatalf("GET %s: %d", page, r.status)
	}
	jar.take(r.header)
	form.Set("_csrf", csrfToken(t, r.body))
	return e.do(t, "POST", target, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header())
}

// firstContribution returns the id of a published demo contribution.
func firstContribution(t *testing.T, e *env) string {
	t.Helper()
	var list struct {
		Features []struct{ ID string } `json:"features"`
	}
	if err := json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?limit=1", "", "").body), &list); err != nil || len(list.Features) == 0 {
		t.Fatal("no contribution")
	}
	return list.Features[0].ID
}

// firstConception returns the key of the demo's first plan variant.
func firstConception(t *testing.T, e *env) string {
	t.Helper()
	var list struct {
		Conceptions []struct{ Key string } `json:"conceptions"`
	}
	if err := json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/procedures/"+slug+"/conceptions", "", "").body), &list); err != nil || len(list.Conceptions) == 0 {
		t.Fatal("no plan variant")
	}
	return list.Conceptions[0].Key
}

func commentID(t *testing.T, body string) int64 {
	t.Helper()
	var out struct {
		ID int64 `json:"id"`
	}
	if err := json.Unmarshal([]byte(body), &out); err != nil || out.ID == 0 {
		t.Fatalf("no comment id in %s", body)
	}
	return out.ID
}

func (e *env) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	var n int
	if err := e.st.Write(context.Background(), func(tx *sql.Tx) error { return tx.QueryRow(q, args...).Scan(&n) }); err != nil {
		t.Fatal(err)
	}
	return n
}

// Finding 3.4: under pre-moderation an approved contribution edited through
// its manage link goes back to the queue instead of going live at once.
func TestEditAfterApprovalReturnsToTheQueueUnderPreModeration(t *testing.T) {
	e := newEnv(t, nil)
	preModerate(t, e)
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, "Bank am Teich", "Hier fehlt eine Bank zum Ausruhen.", "gruen"))
	if r.status != 201 {
		t.Fatalf("submit: %d %s", r.status, r.body)
	}
	var created struct {
		ID         string `json:"id"`
		Properties struct {
			Token string `json:"manage_token"`
		} `json:"properties"`
	}
	_ = json.Unmarshal([]byte(r.body), &created)
	mod := e.token(t, "m@example.org", model.RoleModerator)
	if r := e.do(t, "PATCH", "/api/v1/contributions/"+created.ID, "application/json", `{"status":"published"}`, "Authorization", "Bearer "+mod); r.status != 200 {
		t.Fatalf("approve: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api/v1/contributions/"+created.ID, "", ""); r.status != 200 {
		t.Fatalf("approved contribution not public: %d", r.status)
	}
	manage := "/manage/" + created.Properties.Token
	r = e.formPost(t, manage, manage, url.Values{"action": {"save"}, "title": {"Bank am Teich"}, "category": {"gruen"},
		"text": {"Jetzt steht hier etwas ganz anderes, das niemand geprüft hat."}, "lat": {"53.5535"}, "lon": {"9.9395"}})
	if r.status != 303 {
		t.Fatalf("edit: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api/v1/contributions/"+created.ID, "", ""); r.status == 200 {
		t.Fatalf("edited contribution is public before a moderator saw the change: %s", r.body)
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?q=niemand", "", ""); strings.Contains(r.body, created.ID) {
		t.Fatal("edited contribution still listed")
	}
	if r := e.do(t, "GET", "/p/"+slug+"/contributions/"+created.ID, "", ""); r.status == 200 {
		t.Fatalf("edited contribution's page still public: %d", r.status)
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/moderation", "", "", "Authorization", "Bearer "+mod); !strings.Contains(r.body, created.ID) {
		t.Fatal("edited contribution is not back in the queue")
	}
	page := e.do(t, "GET", r.header.Get("Location"), "", "")
	if page.status != 200 || !strings.Contains(page.body, `id="manage-requeued"`) {
		t.Fatalf("manage page does not say the change waits for approval: %d", page.status)
	}
	// approving again makes the edited text public
	if r := e.do(t, "PATCH", "/api/v1/contributions/"+created.ID, "application/json", `{"status":"published"}`, "Authorization", "Bearer "+mod); r.status != 200 {
		t.Fatalf("approve again: %d", r.status)
	}
	if r := e.do(t, "GET", "/api/v1/contributions/"+created.ID, "", ""); r.status != 200 || !strings.Contains(r.body, "niemand geprüft") {
		t.Fatalf("re-approved edit not public: %d", r.status)
	}
}

// Finding 3.5: under pre-moderation every new comment — on a contribution or
// on a plan variant, by API or by form — waits for a moderator.
func TestCommentsWaitForApprovalUnderPreModeration(t *testing.T) {
	e := newEnv(t, nil)
	preModerate(t, e)
	id, key := firstContribution(t, e), firstConception(t, e)
	before := e.do(t, "GET", "/api/v1/contributions/"+id, "", "")

	r := e.do(t, "POST", "/api/v1/contributions/"+id+"/comments", "application/json", `{"text":"Kommentar über die API, ungeprüft"}`)
	if r.status != 201 || !strings.Contains(r.body, `"status":"submitted"`) {
		t.Fatalf("API comment: %d %s", r.status, r.body)
	}
	apiComment := commentID(t, r.body)
	r = e.formPost(t, "/p/"+slug+"/contributions/"+id, "/p/"+slug+"/contributions/"+id+"/comments", url.Values{"text": {"Kommentar über das Formular, ungeprüft"}})
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=comment_pending") {
		t.Fatalf("form comment: %d %s", r.status, r.header.Get("Location"))
	}
	r = e.do(t, "POST", "/api/v1/procedures/"+slug+"/conceptions/"+key+"/comments", "application/json", `{"text":"Variantenkommentar über die API, ungeprüft"}`)
	if r.status != 201 || !strings.Contains(r.body, `"status":"submitted"`) {
		t.Fatalf("API plan-variant comment: %d %s", r.status, r.body)
	}
	r = e.formPost(t, "/p/"+slug+"/conceptions", "/p/"+slug+"/conceptions/"+key+"/comments", url.Values{"text": {"Variantenkommentar über das Formular, ungeprüft"}})
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=comment_pending") {
		t.Fatalf("form plan-variant comment: %d %s", r.status, r.header.Get("Location"))
	}

	for _, u := range []string{"/api/v1/contributions/" + id, "/p/" + slug + "/contributions/" + id, "/api/v1/procedures/" + slug + "/conceptions", "/p/" + slug + "/conceptions"} {
		if r := e.do(t, "GET", u, "", ""); strings.Contains(r.body, "ungeprüft") {
			t.Errorf("%s shows a comment waiting for approval", u)
		}
	}
	var b, a struct {
		Properties struct {
			Count int `json:"comment_count"`
		} `json:"properties"`
	}
	_ = json.Unmarshal([]byte(before.body), &b)
	_ = json.Unmarshal([]byte(e.do(t, "GET", "/api/v1/contributions/"+id, "", "").body), &a)
	if a.Properties.Count != b.Properties.Count {
		t.Errorf("waiting comments counted: %d → %d", b.Properties.Count, a.Properties.Count)
	}

	// the moderators' queue shows all four, and they publish them
	jar, csrf := e.signIn(t, "m@example.org", model.RoleModerator)
	page := e.do(t, "GET", "/admin/p/"+slug, "", "", "Cookie", jar.header())
	for _, text := range []string{"Kommentar über die API", "Kommentar über das Formular", "Variantenkommentar über die API", "Variantenkommentar über das Formular"} {
		if !strings.Contains(page.body, text) {
			t.Errorf("moderation page lacks %q", text)
		}
	}
	mod := e.token(t, "m2@example.org", model.RoleModerator)
	if r := e.do(t, "PATCH", fmt.Sprintf("/api/v1/comments/%d", apiComment), "application/json", `{"status":"published"}`, "Authorization", "Bearer "+mod); r.status != 200 {
		t.Fatalf("publish comment: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api/v1/contributions/"+id, "", ""); !strings.Contains(r.body, "Kommentar über die API") {
		t.Fatal("published comment not shown")
	}
	var waiting int64
	if err := e.st.Write(context.Background(), func(tx *sql.Tx) error {
		return tx.QueryRow(`SELECT id FROM conception_comments WHERE text LIKE 'Variantenkommentar über das Formular%'`).Scan(&waiting)
	}); err != nil {
		t.Fatal(err)
	}
	r = e.do(t, "POST", fmt.Sprintf("/admin/p/%s/comments/%d", slug, waiting), "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrf}, "action": {"publish"}}.Encode(), "Cookie", jar.header())
	if r.status != 303 {
		t.Fatalf("publish plan-variant comment in the back office: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/conceptions", "", ""); !strings.Contains(r.body, "Variantenkommentar über das Formular") {
		t.Fatal("published plan-variant comment not shown")
	}
}

// Finding 3.5: plan-variant comments can be reported and hidden, by API and
// in the back office.
func TestPlanVariantCommentsCanBeReportedAndHidden(t *testing.T) {
	e := newEnv(t, nil)
	key := firstConception(t, e)
	base := "/api/v1/procedures/" + slug + "/conceptions/" + key
	r := e.do(t, "POST", base+"/comments", "application/json", `{"text":"Beleidigender Variantenkommentar"}`)
	if r.status != 201 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	first := commentID(t, r.body)
	r = e.do(t, "POST", base+"/comments", "application/json", `{"text":"Zweiter übler Variantenkommentar"}`)
	second := commentID(t, r.body)

	if r := e.do(t, "POST", base+"/flags", "application/json", fmt.Sprintf(`{"comment_id":%d,"reason":"beleidigend"}`, first)); r.status != 201 {
		t.Fatalf("report plan-variant comment: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", base+"/flags", "application/json", `{"comment_id":999999,"reason":"x"}`); r.status != 404 {
		t.Fatalf("report of an unknown plan-variant comment: %d %s", r.status, r.body)
	}
	r = e.formPost(t, "/p/"+slug+"/conceptions", "/p/"+slug+"/conceptions/"+key+"/flags", url.Values{"comment_id": {fmt.Sprint(second)}, "reason": {"übel"}})
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=flagged") {
		t.Fatalf("report by form: %d %s", r.status, r.header.Get("Location"))
	}
	mod := e.token(t, "m@example.org", model.RoleModerator)
	reports := e.do(t, "GET", "/api/v1/procedures/"+slug+"/reports", "", "", "Authorization", "Bearer "+mod)
	if !strings.Contains(reports.body, `"kind":"conception_comment"`) || !strings.Contains(reports.body, "Beleidigender Variantenkommentar") ||
		!strings.Contains(reports.body, `"conception":"`+key+`"`) {
		t.Fatalf("reports: %s", reports.body)
	}

	r = e.do(t, "PATCH", fmt.Sprintf("/api/v1/comments/%d", first), "application/json", `{"status":"hidden"}`, "Authorization", "Bearer "+mod)
	if r.status != 200 || !strings.Contains(r.body, `"conception":"`+key+`"`) {
		t.Fatalf("hide plan-variant comment: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", base[:strings.LastIndex(base, "/")], "", ""); strings.Contains(r.body, "Beleidigender") {
		t.Fatal("hidden plan-variant comment still in the API")
	}
	jar, csrf := e.signIn(t, "m2@example.org", model.RoleModerator)
	page := e.do(t, "GET", "/admin/p/"+slug, "", "", "Cookie", jar.header())
	if !strings.Contains(page.body, fmt.Sprintf(`action="/admin/p/%s/comments/%d"`, slug, second)) {
		t.Fatal("the back office offers no way to hide the reported plan-variant comment")
	}
	r = e.do(t, "POST", fmt.Sprintf("/admin/p/%s/comments/%d", slug, second), "application/x-www-form-urlencoded",
		url.Values{"_csrf": {csrf}, "action": {"hide"}}.Encode(), "Cookie", jar.header())
	if r.status != 303 {
		t.Fatalf("hide in the back office: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/conceptions", "", ""); strings.Contains(r.body, "Variantenkommentar") {
		t.Fatal("hidden plan-variant comments still on the page")
	}
}

// Finding 3.5: a plan-variant comment's number never names a residents'
// comment: PATCH /api/v1/comments/N changes exactly the comment N.
func TestCommentNumberNeverHidesACommentOfTheOtherTable(t *testing.T) {
	e := newEnv(t, nil)
	key := firstConception(t, e)
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/conceptions/"+key+"/comments", "application/json", `{"text":"Variantenkommentar zum Ausblenden"}`)
	id := commentID(t, r.body)
	hiddenBefore := e.count(t, `SELECT count(*) FROM comments WHERE status = 'hidden'`)
	mod := e.token(t, "m@example.org", model.RoleModerator)
	r = e.do(t, "PATCH", fmt.Sprintf("/api/v1/comments/%d", id), "application/json", `{"status":"hidden"}`, "Authorization", "Bearer "+mod)
	if r.status != 200 {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	if n := e.count(t, `SELECT count(*) FROM comments WHERE status = 'hidden'`); n != hiddenBefore {
		t.Fatal("a residents' comment was hidden instead")
	}
	if n := e.count(t, `SELECT count(*) FROM conception_comments WHERE id = ? AND status = 'hidden'`, id); n != 1 {
		t.Fatal("the plan-variant comment is not hidden")
	}
	if n := e.count(t, `SELECT count(*) FROM comments WHERE id = ?`, id); n != 0 {
		t.Fatalf("plan-variant comment %d shares its number with a residents' comment", id)
	}
	// and the database itself refuses a second comment with a number in use
	if err := e.st.Write(context.Background(), func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO comments(id, contribution_seq, text, created_at) VALUES (?, (SELECT min(seq) FROM contributions), 'x', 0)`, id)
		return err
	}); err == nil {
		t.Fatal("a residents' comment could take a plan-variant comment's number")
	}
}
