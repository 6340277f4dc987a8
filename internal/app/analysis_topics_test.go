package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
)

// topicTexts stores 90 published contributions on three topics (play,
// trees, parking), each two of three sentences of its topic, and returns their ids by topic.
func (e *env) topicTexts(t *testing.T) [3][]string {
	t.Helper()
	ctx := context.Background()
	p, err := e.st.ProcedureBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	say := [3][]string{
		{"Der Spielplatz braucht eine neue Schaukel für die Kinder.", "Eine Rutsche auf dem Spielplatz wäre toll für Kinder.", "Kinder brauchen einen größeren Spielplatz mit Sandkasten."},
		{"Bitte mehr Bäume pflanzen, die Wiese braucht Schatten.", "Die alten Bäume erhalten und neue Bäume pflanzen.", "Im Sommer fehlen Bäume und Schatten auf der Wiese."},
		{"Die Parkplätze sind abends zugeparkt von Autos.", "Zu wenige Parkplätze, die Autos stehen auf dem Gehweg.", "Falschparker: Autos blockieren die Parkplätze und den Gehweg."},
	}
	var ids [3][]string
	var cs []*model.Contribution
	now := time.Now()
	for i := 0; i < 90; i++ {
		k := i % 3
		at := now.Add(time.Duration(i) * time.Second)
		c := &model.Contribution{ID: uuid.NewString(), ProcedureID: p.ID, Category: p.Categories[0].Key, Title: fmt.Sprintf("Hinweis %d", i),
			Text: say[k][(i/3)%3] + " " + say[k][((i/3)%3+1+(i/9)%2)%3], Geometry: orb.Point{9.94 + float64(k)*0.001, 53.553}, Origin: []string{"online", "table:2", "letter"}[(i/3)%3],
			Status: model.Published, CreatedAt: at, UpdatedAt: at}
		cs = append(cs, c)
		ids[k] = append(ids[k], c.ID)
	}
	if err := e.st.InsertContributions(ctx, cs); err != nil {
		t.Fatal(err)
	}
	return ids
}

type topicsAnswer struct {
	Topics []struct {
		Key, Label    string
		Renamed       bool
		Terms         []string
		Size          int
		Categories    map[string]int
		Origins       map[string]int
		Up, Down      int
		Centre        *[2]float64
		Contributions []string
	}
	Counts map[string]int
}

func (e *env) topicsAPI(t *testing.T, token string) topicsAnswer {
	t.Helper()
	r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/analysis", "", "", "Authorization", "Bearer "+token)
	var got topicsAnswer
	if r.status != 200 || json.Unmarshal([]byte(r.body), &got) != nil {
		t.Fatalf("analysis: %d %s", r.status, r.body)
	}
	return got
}

// Issue 18, topics: the planners' analysis answers topics with their member
// ids, terms, counts per category and origin, and a centre; the three
// themes written are three topics.
func TestAnalysisAPIAnswersTopicsWithTheirMembers(t *testing.T) {
	e := newEnv(t, nil)
	ids := e.topicTexts(t)
	got := e.topicsAPI(t, e.token(t, "p@example.org", model.RolePlanner))
	if len(got.Topics) == 0 || got.Counts["topics"] != len(got.Topics) {
		t.Fatalf("no topics: %+v", got)
	}
	where := map[string]int{} // contribution → topic index
	for i, tp := range got.Topics {
		if tp.Key == "" || tp.Label == "" || len(tp.Terms) == 0 || tp.Size != len(tp.Contributions) || tp.Centre == nil {
			t.Fatalf("topic %d: %+v", i, tp)
		}
		n := 0
		for _, v := range tp.Origins {
			n += v
		}
		if n != tp.Size {
			t.Fatalf("origins count %d of %d", n, tp.Size)
		}
		for _, id := range tp.Contributions {
			if _, twice := where[id]; twice {
				t.Fatalf("%s in two topics", id)
			}
			where[id] = i
		}
	}
	// Each written topic is mostly (4 of 5) in one computed topic, each
	// in another one; the demo's own contributions are there too.
	major := map[int]int{}
	for k, group := range ids {
		count := map[int]int{}
		best := -1
		for _, id := range group {
			count[where[id]]++
			if best < 0 || count[where[id]] > count[best] {
				best = where[id]
			}
		}
		if count[best]*5 < len(group)*4 {
			t.Fatalf("written topic %d spread over topics %v: %+v", k, count, got.Topics)
		}
		major[best]++
	}
	if len(major) != 3 {
		t.Fatalf("two written topics in one computed topic: %v", major)
	}
}

// The analysis page lists the topics with links to their pages; a topic's
// page lists its contributions; a planner renames it and merges another
// into it and splits it again, and the API answers the edits.
func TestAnalysisPageTopicsRenameAndMerge(t *testing.T) {
	e := newEnv(t, nil)
	ids := e.topicTexts(t)
	planner := e.token(t, "p@example.org", model.RolePlanner)
	before := e.topicsAPI(t, planner)
	var play, trees string
	for _, tp := range before.Topics {
		for _, id := range tp.Contributions {
			if id == ids[0][0] {
				play = tp.Key
			}
			if id == ids[1][0] {
				trees = tp.Key
			}
		}
	}
	jar, _ := e.signIn(t, "pl@example.org", model.RolePlanner)
	page := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header())
	link := `href="/admin/p/` + slug + `/topics/` + play + `"`
	if page.status != 200 || !strings.Contains(page.body, link) || !strings.Contains(page.body, `id="topic-table"`) {
		t.Fatalf("analysis page: %d, no link %s", page.status, link)
	}
	tpage := e.do(t, "GET", "/admin/p/"+slug+"/topics/"+play, "", "", "Cookie", jar.header())
	if tpage.status != 200 || !strings.Contains(tpage.body, `/admin/p/`+slug+`/contributions/`+ids[0][5]+`"`) {
		t.Fatalf("topic page: %d", tpage.status)
	}
	form := url.Values{"_csrf": {csrfToken(t, tpage.body)}, "action": {"rename"}, "label": {"Spielen im Quartier"}}
	r := e.do(t, "POST", "/admin/p/"+slug+"/topics/"+play, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header())
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=renamed") {
		t.Fatalf("rename: %d %s", r.status, r.header.Get("Location"))
	}
	form.Set("label", "")
	if r := e.do(t, "POST", "/admin/p/"+slug+"/topics/"+play, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header()); r.status != 303 || !strings.Contains(r.header.Get("Location"), "error=label") {
		t.Fatalf("empty name: %d %s", r.status, r.header.Get("Location"))
	}
	form = url.Values{"_csrf": {csrfToken(t, tpage.body)}, "action": {"merge"}, "other": {trees}}
	if r := e.do(t, "POST", "/admin/p/"+slug+"/topics/"+play, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header()); r.status != 303 {
		t.Fatalf("merge: %d", r.status)
	}
	if r := e.do(t, "POST", "/admin/p/"+slug+"/topics/nothing", "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header()); r.status != 404 {
		t.Fatalf("missing topic: %d", r.status)
	}
	after := e.topicsAPI(t, planner)
	if len(after.Topics) != len(before.Topics)-1 {
		t.Fatalf("%d topics after a merge of %d", len(after.Topics), len(before.Topics))
	}
	found, mergedKey := false, ""
	for _, tp := range after.Topics {
		if tp.Label == "Spielen im Quartier" && tp.Renamed {
			found, mergedKey = true, tp.Key
			if tp.Size < (len(ids[0])+len(ids[1]))*4/5 {
				t.Fatalf("merged topic holds %d", tp.Size)
			}
		}
	}
	if !found {
		t.Fatalf("renamed topic missing: %+v", after.Topics)
	}
	// Split again, the play and the tree texts come apart.
	form = url.Values{"_csrf": {csrfToken(t, tpage.body)}, "action": {"split"}}
	if r := e.do(t, "POST", "/admin/p/"+slug+"/topics/"+mergedKey, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header()); r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=split") {
		t.Fatalf("split: %d %s", r.status, r.header.Get("Location"))
	}
	if split := e.topicsAPI(t, planner); len(split.Topics) != len(before.Topics) {
		t.Fatalf("%d topics after the split, %d before the merge", len(split.Topics), len(before.Topics))
	}
	// A moderator reads the topics but does not edit them.
	mjar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	mpage := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", mjar.header())
	if mpage.status != 200 || !strings.Contains(mpage.body, `id="topic-table"`) {
		t.Fatalf("moderator's analysis: %d", mpage.status)
	}
	form.Set("_csrf", csrfToken(t, mpage.body))
	if r := e.do(t, "POST", "/admin/p/"+slug+"/topics/"+play, "application/x-www-form-urlencoded", form.Encode(), "Cookie", mjar.header()); r.status != 403 {
		t.Fatalf("moderator's edit: %d", r.status)
	}
}

// A planner gives all contributions of a topic a keyword: it is stored in
// their keywords column once, shown on the topic's page and the analysis
// page, and answered by the API.
func TestPlannersGiveATopicsContributionsAKeyword(t *testing.T) {
	e := newEnv(t, nil)
	ids := e.topicTexts(t)
	planner := e.token(t, "p@example.org", model.RolePlanner)
	var play []string
	key := ""
	for _, tp := range e.topicsAPI(t, planner).Topics {
		for _, id := range tp.Contributions {
			if id == ids[0][0] {
				key, play = tp.Key, tp.Contributions
			}
		}
	}
	jar, _ := e.signIn(t, "pl@example.org", model.RolePlanner)
	path := "/admin/p/" + slug + "/topics/" + key
	tpage := e.do(t, "GET", path, "", "", "Cookie", jar.header())
	post := func(kw string) result {
		form := url.Values{"_csrf": {csrfToken(t, tpage.body)}, "action": {"keyword"}, "keyword": {kw}}
		return e.do(t, "POST", path, "application/x-www-form-urlencoded", form.Encode(), "Cookie", jar.header())
	}
	for range 2 { // the second time changes nothing
		if r := post("  Spielplatzkonzept "); r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=keyword") {
			t.Fatalf("keyword: %d %s", r.status, r.header.Get("Location"))
		}
	}
	if r := post("Spiel, Spaß"); r.status != 303 || !strings.Contains(r.header.Get("Location"), "error=keyword") {
		t.Fatalf("a keyword with a comma: %d %s", r.status, r.header.Get("Location"))
	}
	if n := e.count(t, `SELECT COUNT(*) FROM contributions WHERE keywords = 'Spielplatzkonzept'`); n != len(play) {
		t.Fatalf("%d contributions carry the keyword, the topic has %d", n, len(play))
	}
	var got struct {
		PlannerKeywords []struct {
			Keyword       string
			Contributions []string
		} `json:"planner_keywords"`
	}
	r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/analysis", "", "", "Authorization", "Bearer "+planner)
	if err := json.Unmarshal([]byte(r.body), &got); err != nil || len(got.PlannerKeywords) != 1 || got.PlannerKeywords[0].Keyword != "Spielplatzkonzept" ||
		len(got.PlannerKeywords[0].Contributions) != len(play) {
		t.Fatalf("planner_keywords: %v %s", err, r.body)
	}
	if page := e.do(t, "GET", path, "", "", "Cookie", jar.header()); !strings.Contains(page.body, "Schlagwörter: Spielplatzkonzept") {
		t.Fatal("the topic page does not show the keyword")
	}
	if page := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header()); !strings.Contains(page.body, `id="keyword-table"`) {
		t.Fatal("the analysis page does not list the keyword")
	}
}
