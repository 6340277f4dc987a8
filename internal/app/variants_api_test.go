package app_test

import (
	"encoding/json"
	"strings"
	"testing"
)

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
