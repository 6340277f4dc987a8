package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/demo"
	"github.com/mitreden/mitreden/internal/store"
	"github.com/mitreden/mitreden/internal/viewport"
)

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
	// Without cluster=1 the API keeps answering features, a page of at
	// most viewport.MaxFeatures however large the limit, and the pages
	// lead through every match exactly once.
	var page struct {
		Features []struct {
			ID string `json:"id"`
		} `json:"features"`
		Matched  int    `json:"numberMatched"`
		Returned int    `json:"numberReturned"`
		Next     string `json:"next_cursor"`
	}
	seen := map[string]bool{}
	cursor, pages := "", 0
	for {
		u := "/api/v1/procedures/" + slug + "/contributions?limit=1000&bbox=" + bbox
		if cursor != "" {
			u += "&cursor=" + url.QueryEscape(cursor)
		}
		r = e.do(t, "GET", u, "", "")
		page.Next = ""
		if err := json.Unmarshal([]byte(r.body), &page); err != nil || strings.Contains(r.body, `"clustered"`) {
			t.Fatalf("unclustered answer: %v %.200s", err, r.body)
		}
		if len(page.Features) > viewport.MaxFeatures || page.Returned != len(page.Features) {
			t.Fatalf("a page holds %d features (returned %d), at most %d", len(page.Features), page.Returned, viewport.MaxFeatures)
		}
		for _, f := range page.Features {
			if seen[f.ID] {
				t.Fatalf("feature %s on two pages", f.ID)
			}
			seen[f.ID] = true
		}
		pages++
		if page.Next == "" {
			break
		}
		if len(page.Features) != viewport.MaxFeatures {
			t.Fatalf("a page before the last holds %d features, want %d", len(page.Features), viewport.MaxFeatures)
		}
		cursor = page.Next
	}
	if pages < 2 || len(seen) != page.Matched {
		t.Fatalf("%d pages brought %d features of %d matched", pages, len(seen), page.Matched)
	}
}
