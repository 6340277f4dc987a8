package app_test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// A resident who may no longer change a contribution and a moderator who
// may no longer moderate one get two different answers: not_editable
// (participation's rule) and not_moderatable (moderation's rule).
func TestNotEditableAndNotModeratableStayTwoAnswers(t *testing.T) {
	e := newEnv(t, nil)
	moderator := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	create := func(title string) (id, token string) {
		r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
			feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, title, okText, "gruen"))
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
	patch := func(id, body string) result {
		return e.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", body, "Authorization", moderator)
	}
	hidden, hiddenToken := create("Bald ausgeblendet")
	withdrawn, withdrawnToken := create("Bald zurückgezogen")
	other, otherToken := create("Ein anderer Wunsch")

	// withdrawn by its author, then refused to moderators
	if r := e.formPost(t, "/manage/"+withdrawnToken, "/manage/"+withdrawnToken, url.Values{"action": {"withdraw"}, "confirm": {"yes"}}); r.status != 303 {
		t.Fatalf("withdraw: %d %s", r.status, r.body)
	}
	if r := patch(withdrawn, `{"status":"published"}`); r.status != 409 || !strings.Contains(r.body, `"code":"not_moderatable"`) {
		t.Fatalf("moderating a withdrawn one: %d %s", r.status, r.body)
	}
	if r := e.do(t, "POST", "/api/v1/contributions/"+withdrawn+"/merge", "application/json",
		`{"into":"`+other+`","reason":"Gleicher Wunsch."}`, "Authorization", moderator); r.status != 409 || !strings.Contains(r.body, `"code":"not_moderatable"`) {
		t.Fatalf("merging a withdrawn one: %d %s", r.status, r.body)
	}

	// hidden by a moderator, then refused to its author
	if r := patch(hidden, `{"status":"hidden","reason":"Enthält eine Beleidigung."}`); r.status != 200 {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	page := e.do(t, "GET", "/manage/"+hiddenToken, "", "")
	if page.status != 200 || strings.Contains(page.body, `value="withdraw"`) {
		t.Fatalf("manage page of a hidden one offers to withdraw: %d", page.status)
	}
	// (the page offers no form now: take the CSRF token from another one)
	r := e.formPost(t, "/manage/"+otherToken, "/manage/"+hiddenToken, url.Values{"action": {"withdraw"}})
	if r.status != 409 || !strings.Contains(r.body, "kann nicht mehr geändert werden") {
		t.Fatalf("withdrawing a hidden one: %d %.500s", r.status, r.body)
	}
}
