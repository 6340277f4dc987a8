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

// similarTyped is what a resident types: the duplicates' bike lane in
// other words.
const similarTyped = "Radweg Max-Brauer-Allee: der Radweg ist zu schmal, Radfahrer weichen auf die Fahrbahn aus"

type similarAnswer struct {
	Similar []map[string]any `json:"similar"`
}

func (e *env) similar(t *testing.T, s, q string) (int, similarAnswer, string) {
	t.Helper()
	r := e.do(t, "GET", "/api/v1/procedures/"+s+"/similar?"+q, "", "")
	var a similarAnswer
	if r.status == 200 {
		if err := json.Unmarshal([]byte(r.body), &a); err != nil {
			t.Fatalf("%s: %v %s", q, err, r.body)
		}
	}
	return r.status, a, r.body
}

// Issue 18: the form's list of similar contributions nearby, as JSON: the
// published one, its distance and link, no author data.
func TestSimilarAPIAnswersThePublishedOneNearby(t *testing.T) {
	e := newEnv(t, nil)
	a, _ := e.twoDuplicates(t) // at 53.5535 and 53.55377, both published
	q := url.Values{"text": {similarTyped}, "lat": {"53.5540"}, "lon": {"9.9395"}}
	status, ans, body := e.similar(t, slug, q.Encode())
	if status != 200 || len(ans.Similar) != 2 {
		t.Fatalf("similar: %d %s", status, body)
	}
	first := ans.Similar[0]
	for _, k := range []string{"id", "title", "excerpt", "distance_m", "score", "rating_up", "rating_down", "url"} {
		if _, ok := first[k]; !ok {
			t.Errorf("no %s in %v", k, first)
		}
	}
	if strings.Contains(body, "author") {
		t.Errorf("author data in %s", body)
	}
	ids := []any{ans.Similar[0]["id"], ans.Similar[1]["id"]}
	if ids[0] != a && ids[1] != a {
		t.Errorf("%s not among %v", a, ids)
	}
	if d, _ := first["distance_m"].(float64); d <= 0 || d > 300 {
		t.Errorf("distance %v", first["distance_m"])
	}
	// Far away (some 2 km south), nothing; without a point, both anywhere.
	q.Set("lat", "53.535")
	if status, ans, body = e.similar(t, slug, q.Encode()); status != 200 || len(ans.Similar) != 0 {
		t.Errorf("far: %d %s", status, body)
	}
	q.Del("lat")
	q.Del("lon")
	if status, ans, body = e.similar(t, slug, q.Encode()); status != 200 || len(ans.Similar) != 2 || ans.Similar[0]["distance_m"] != nil {
		t.Errorf("anywhere: %d %s", status, body)
	}
	q.Set("limit", "1")
	if status, ans, body = e.similar(t, slug, q.Encode()); status != 200 || len(ans.Similar) != 1 {
		t.Errorf("limit 1: %d %s", status, body)
	}
}

// Bad input is answered 400 with the API's error shape, never 500; a
// procedure that does not exist or is a draft is 404.
func TestSimilarAPIRefusesBadInput(t *testing.T) {
	e := newEnv(t, nil)
	long := strings.Repeat("Radweg ", 300) // 2,100 characters
	for _, q := range []string{
		"",
		"text=",
		"text=%20%20",
		"text=" + url.QueryEscape(long),
		"text=Radweg%20schmal&lat=53.55",
		"text=Radweg%20schmal&lon=9.9",
		"text=Radweg%20schmal&lat=abc&lon=9.9",
		"text=Radweg%20schmal&lat=91&lon=9.9",
		"text=Radweg%20schmal&lat=53.5&lon=181",
		"text=Radweg%20schmal&lat=NaN&lon=9.9",
		"text=Radweg%20schmal&limit=0",
		"text=Radweg%20schmal&limit=6",
		"text=Radweg%20schmal&limit=x",
		"text=%FF%FE",
	} {
		status, _, body := e.similar(t, slug, q)
		var er struct {
			Error struct{ Code, Message string } `json:"error"`
		}
		if status != 400 || json.Unmarshal([]byte(body), &er) != nil || er.Error.Code == "" || er.Error.Message == "" {
			t.Errorf("%q: %d %s", q, status, body)
		}
	}
	if status, _, body := e.similar(t, "gibt-es-nicht", "text=Radweg%20schmal%20hier"); status != 404 {
		t.Errorf("unknown: %d %s", status, body)
	}
	e.addProcedure(t, otherSlug)
	if err := e.st.SetProcedureStatus(context.Background(), e.proc(t, otherSlug).ID, model.LifecycleDraft, store.Audited{Actor: "t", Action: "procedure.status"}); err != nil {
		t.Fatal(err)
	}
	if status, _, body := e.similar(t, otherSlug, "text=Radweg%20schmal%20hier"); status != 404 {
		t.Errorf("draft: %d %s", status, body)
	}
}
