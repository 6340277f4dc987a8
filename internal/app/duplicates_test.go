package app_test

import (
	"encoding/json"
	"html"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// twoDuplicates posts two contributions that say the same about 30 m apart
// and returns their ids, older first.
func (e *env) twoDuplicates(t *testing.T) (string, string) {
	t.Helper()
	var ids []string
	for _, f := range []string{
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, "Radweg an der Max-Brauer-Allee zu schmal",
			"Der Radweg an der Max-Brauer-Allee ist viel zu schmal, Radfahrer müssen auf die Fahrbahn ausweichen.", "verkehr"),
		feature(`{"type":"Point","coordinates":[9.9395,53.55377]}`, "Max-Brauer-Allee: Radweg zu schmal",
			"Der Radweg an der Max-Brauer-Allee ist zu schmal, die Radfahrer weichen auf die Fahrbahn aus.", "verkehr"),
	} {
		r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", f)
		var c struct{ ID string }
		if r.status != 201 || json.Unmarshal([]byte(r.body), &c) != nil || c.ID == "" {
			t.Fatalf("create: %d %s", r.status, r.body)
		}
		ids = append(ids, c.ID)
	}
	return ids[0], ids[1]
}

// Issue 18, near-duplicates: the analysis page lists the pair with links,
// distance and similarity, and its button merges the newer into the older.
func TestAnalysisPageListsDuplicatesAndMergesThem(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.twoDuplicates(t)
	jar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	page := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header())
	if page.status != 200 {
		t.Fatalf("analysis: %d", page.status)
	}
	action := "/admin/p/" + slug + "/contributions/" + b + "/act"
	i := strings.Index(page.body, `action="`+action+`"`)
	if i < 0 || !strings.Contains(page.body, `href="/admin/p/`+slug+`/contributions/`+a+`"`) ||
		!strings.Contains(page.body, `href="/admin/p/`+slug+`/contributions/`+b+`"`) {
		t.Fatalf("the pair is not listed: %.3000s", page.body[strings.Index(page.body, "<main"):])
	}
	row := page.body[strings.LastIndex(page.body[:i], "<tr>"):i]
	if !regexp.MustCompile(`<td>(2\d|3\d) m</td>\s*<td>\d+ %</td>`).MatchString(row) {
		t.Fatalf("distance and similarity missing: %s", row)
	}
	form := page.body[i : i+strings.Index(page.body[i:], "</form>")]
	vals := url.Values{}
	for _, m := range regexp.MustCompile(`name="([a-z_]+)" value="([^"]*)"`).FindAllStringSubmatch(form, -1) {
		vals.Set(m[1], html.UnescapeString(m[2]))
	}
	if vals.Get("into") != a || vals.Get("action") != "merge" || vals.Get("reason") != "Doppelt" || vals.Get("_csrf") == "" {
		t.Fatalf("merge form: %v", vals)
	}
	r := e.do(t, "POST", action, "application/x-www-form-urlencoded", vals.Encode(), "Cookie", jar.header())
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=merged") {
		t.Fatalf("merge: %d %s", r.status, r.header.Get("Location"))
	}
	if n := e.count(t, `SELECT COUNT(*) FROM contributions WHERE id = ? AND status = 'merged' AND merged_into = ?`, b, a); n != 1 {
		t.Fatal("the newer contribution is not merged into the older")
	}
	if page := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header()); strings.Contains(page.body, action) {
		t.Fatal("the merged pair is still listed")
	}
}

// Issue 18: GET /api/v1/procedures/{slug}/analysis answers the pair to a
// planner, 401 without a token and 403 to a moderator.
func TestAnalysisAPIAnswersDuplicatesToPlanners(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.twoDuplicates(t)
	path := "/api/v1/procedures/" + slug + "/analysis"
	if r := e.do(t, "GET", path, "", ""); r.status != 401 || !strings.Contains(r.body, `"unauthorized"`) {
		t.Fatalf("anonymous: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", path, "", "", "Authorization", "Bearer "+e.token(t, "m@example.org", model.RoleModerator)); r.status != 403 {
		t.Fatalf("moderator: %d", r.status)
	}
	r := e.do(t, "GET", path, "", "", "Authorization", "Bearer "+e.token(t, "p@example.org", model.RolePlanner))
	var got struct {
		Duplicates []struct {
			A, B      string
			Score     float64
			DistanceM *float64 `json:"distance_m"`
		}
		Keywords []struct {
			Word  string
			Count int
		}
		Counts map[string]int
	}
	if r.status != 200 || json.Unmarshal([]byte(r.body), &got) != nil {
		t.Fatalf("planner: %d %s", r.status, r.body)
	}
	found := 0
	for _, d := range got.Duplicates {
		if d.A == a && d.B == b && d.Score >= 0.5 && d.Score <= 1 && d.DistanceM != nil && *d.DistanceM < 40 {
			found++
		}
		if d.A == b && d.B == a {
			t.Fatal("the pair is reported twice or the wrong way round")
		}
	}
	if found != 1 || len(got.Keywords) == 0 || got.Counts["published"] == 0 || got.Counts["duplicates"] != len(got.Duplicates) {
		t.Fatalf("planner's analysis: %s", r.body)
	}
}
