package app_test

import (
	"context"
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// heatAnswer is the analysis map's GeoJSON.
type heatAnswer struct {
	Type     string `json:"type"`
	Total    int    `json:"total"`
	Caption  string `json:"caption"`
	None     string `json:"none"`
	Features []struct {
		Geometry struct {
			Type string `json:"type"`
		} `json:"geometry"`
		Properties struct {
			Kind          string  `json:"kind"`
			Count         int     `json:"count"`
			Share         float64 `json:"share"`
			Rank          int     `json:"rank"`
			Category      string  `json:"category"`
			CategoryLabel string  `json:"category_label"`
			Topic         string  `json:"topic"`
			TopicLabel    string  `json:"topic_label"`
			Contributions []struct {
				ID, Title, URL string
			} `json:"contributions"`
		} `json:"properties"`
	} `json:"features"`
}

func (e *env) heat(t *testing.T, jar cookieJar, q url.Values) heatAnswer {
	t.Helper()
	r := e.do(t, "GET", "/admin/p/"+slug+"/analysis/heat.geojson?"+q.Encode(), "", "", "Cookie", jar.header())
	if r.status != 200 || !strings.Contains(r.header.Get("Content-Type"), "geo+json") {
		t.Fatalf("heat.geojson %v: %d %s %.300s", q, r.status, r.header.Get("Content-Type"), r.body)
	}
	var h heatAnswer
	if err := json.Unmarshal([]byte(r.body), &h); err != nil {
		t.Fatal(err)
	}
	return h
}

// Issue 18, places: the analysis page's map reads the density grid as
// GeoJSON — the counted cells as polygons, the hot spots as points naming
// their count, top category and topic and their contributions — filtered
// as the page's form filters; only the procedure's back office may read it.
func TestHeatGeoJSONFollowsTheFilterAndTheScope(t *testing.T) {
	e := newEnv(t, nil)
	ids := e.topicTexts(t)
	jar, _ := e.signIn(t, "p@example.org", model.RolePlanner)
	all := e.heat(t, jar, nil)
	page, _ := e.placesTotal(t, jar, url.Values{})
	cells, hot := 0, 0
	for _, f := range all.Features {
		switch f.Properties.Kind {
		case "cell":
			cells += f.Properties.Count
			if f.Geometry.Type != "Polygon" || f.Properties.Share <= 0 || f.Properties.Share > 1 {
				t.Fatalf("cell %+v", f)
			}
		case "hot":
			hot++
			if f.Geometry.Type != "Point" || f.Properties.Rank != hot || f.Properties.CategoryLabel == "" || f.Properties.TopicLabel == "" ||
				len(f.Properties.Contributions) == 0 || !strings.HasPrefix(f.Properties.Contributions[0].URL, "/admin/p/"+slug+"/contributions/") {
				t.Fatalf("hot spot %d: %+v", hot, f.Properties)
			}
		}
	}
	if all.Type != "FeatureCollection" || all.Total != page || cells != all.Total || hot == 0 || !strings.Contains(all.Caption, "von "+itoa(all.Total)+" gezählten") {
		t.Fatalf("total %d (page %d), cells hold %d, %d hot spots, caption %q", all.Total, page, cells, hot, all.Caption)
	}
	// The 30 texts about play lie on one spot: its hot spot names that topic.
	play := ""
	for _, f := range all.Features {
		for _, c := range f.Properties.Contributions {
			if c.ID == ids[0][0] {
				play = f.Properties.Topic
			}
		}
	}
	if play == "" {
		t.Fatal("no hot spot names the play texts")
	}
	letters := e.heat(t, jar, url.Values{"origin": {"letter"}})
	inTopic := e.heat(t, jar, url.Values{"topic": {play}})
	both := e.heat(t, jar, url.Values{"topic": {play}, "origin": {"online"}})
	if letters.Total < 30 || letters.Total >= all.Total || inTopic.Total < 24 || inTopic.Total >= all.Total || both.Total <= 0 || both.Total >= inTopic.Total {
		t.Fatalf("letters %d, topic %d, topic online %d of %d", letters.Total, inTopic.Total, both.Total, all.Total)
	}
	if page, _ := e.placesTotal(t, jar, url.Values{"heat_origin": {"letter"}}); page != letters.Total {
		t.Fatalf("the page counts %d letters, the map %d", page, letters.Total)
	}
	if none := e.heat(t, jar, url.Values{"category": {"no-such-category"}}); none.Total != 0 || len(none.Features) != 0 || none.None != "Keine verorteten Beiträge für diese Auswahl." {
		t.Fatalf("an unknown category: %+v", none)
	}

	// Residents (no session) and a planner of another procedure read nothing.
	path := "/admin/p/" + slug + "/analysis/heat.geojson"
	if r := e.do(t, "GET", path, "", ""); r.status != 403 || strings.Contains(r.body, "FeatureCollection") {
		t.Fatalf("without a session: %d", r.status)
	}
	other, _ := e.signIn(t, "anders@example.org", model.RolePlanner)
	u, err := e.st.UserByEmail(context.Background(), "anders@example.org")
	if err != nil {
		t.Fatal(err)
	}
	newAuthor(t, e).create(t, "anderes-verfahren", "Anderes Verfahren")
	if err := e.st.SetUserProcedures(context.Background(), u.ID, true, []int64{e.proc(t, "anderes-verfahren").ID}, store.Audited{Actor: "t", Action: "user.procedures"}); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "GET", path, "", "", "Cookie", other.header()); r.status != 403 || strings.Contains(r.body, "FeatureCollection") {
		t.Fatalf("a planner of another procedure: %d", r.status)
	}
	// The page carries the map, its data address and the script.
	r := e.do(t, "GET", "/admin/p/"+slug+"/analysis", "", "", "Cookie", jar.header())
	for _, want := range []string{`id="places-map"`, `data-heat="` + path + `"`, `js/analysis-map.js`, `id="places-svg"`, `/contributions/` + ids[0][0]} {
		if !strings.Contains(r.body, want) {
			t.Fatalf("analysis page lacks %s", want)
		}
	}
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }
