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

// createContribution posts a located contribution through the API and
// returns its id and manage token.
func createContribution(t *testing.T, e *env, title string) (id, manage string) {
	t.Helper()
	r := e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.9395,53.5535]}`, title, okText, "gruen"))
	if r.status != 201 {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	var out struct {
		ID         string `json:"id"`
		Properties struct {
			ManageToken string `json:"manage_token"`
		} `json:"properties"`
	}
	json.Unmarshal([]byte(r.body), &out)
	return out.ID, out.Properties.ManageToken
}

func TestPlanningStatusIsSetCheckedAuditedAndPublished(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	moderator := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	id, _ := createContribution(t, e, "Bank am Spielplatz")
	other, _ := createContribution(t, e, "Laterne am Weg")
	patch := func(auth, body string) result {
		return e.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", body, "Authorization", auth)
	}
	// refused: anonymous, unknown key (422 with a message), nothing changes
	if r := patch("", `{"planning_status":"review"}`); r.status != 401 {
		t.Fatalf("anonymous: %d", r.status)
	}
	r := patch(moderator, `{"planning_status":"gibtsnicht"}`)
	var apiErr struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	json.Unmarshal([]byte(r.body), &apiErr)
	if r.status != 422 || apiErr.Error.Message == "" || !strings.Contains(apiErr.Error.Message, "Planungsstand") {
		t.Fatalf("unknown key: %d %s", r.status, r.body)
	}
	if c, _ := e.st.Contribution(ctx, id); c.PlanningStatus != "" {
		t.Fatalf("refused step changed %q", c.PlanningStatus)
	}
	// set: the answer and the public feature carry it
	proc, _ := e.st.ProcedureBySlug(ctx, slug)
	evs, _ := e.st.EventsSince(ctx, proc.ID, 0, store.ReplayMax)
	lastEvent := evs[len(evs)-1].ID
	if r := patch(moderator, `{"planning_status":"review"}`); r.status != 200 || !strings.Contains(r.body, `"planning_status":"review"`) {
		t.Fatalf("set: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api/v1/contributions/"+id, "", ""); !strings.Contains(r.body, `"planning_status":"review"`) {
		t.Fatalf("public feature: %s", r.body)
	}
	if r := e.do(t, "GET", "/api/v1/contributions/"+other, "", ""); !strings.Contains(r.body, `"planning_status":""`) {
		t.Fatalf("a feature without status lacks the property: %s", r.body)
	}
	// live: open pages get contribution.updated with the property
	evs, _ = e.st.EventsSince(ctx, proc.ID, lastEvent, store.ReplayMax)
	live := false
	for _, ev := range evs {
		if ev.Type == "contribution.updated" && strings.Contains(string(ev.Data), `"planning_status":"review"`) {
			live = true
		}
	}
	if !live {
		t.Fatalf("no contribution.updated event with the status: %+v", evs)
	}
	// audited with before and after
	log, _ := e.st.AuditLog(ctx, 1)
	if len(log) != 1 || log[0].Action != "contribution.planning_status" || log[0].Actor != "moderator@example.org" ||
		log[0].Subject != id || strings.Contains(log[0].Before, "review") || !strings.Contains(log[0].After, `"planning_status":"review"`) {
		t.Fatalf("audit: %+v", log)
	}
	// filter: list API and the procedure page
	list := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?planning_status=review", "", "")
	if list.status != 200 || !strings.Contains(list.body, id) || strings.Contains(list.body, other) {
		t.Fatalf("filtered list: %d %s", list.status, list.body)
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?planning_status=gibtsnicht", "", ""); r.status != 400 {
		t.Fatalf("unknown filter: %d", r.status)
	}
	page := e.do(t, "GET", "/p/"+slug+"?planning_status=review", "", "")
	if page.status != 200 || !strings.Contains(page.body, id) || strings.Contains(page.body, other) ||
		!strings.Contains(page.body, `name="planning_status"`) || !strings.Contains(page.body, `<option value="review" selected>In Prüfung</option>`) ||
		!strings.Contains(page.body, `data-planning="review"`) {
		t.Fatalf("procedure page filter/badge: %d", page.status)
	}
	// the badge on the detail page, in the visitor's language
	detail := e.do(t, "GET", "/p/"+slug+"/contributions/"+id+"?lang=en", "", "")
	if !strings.Contains(detail.body, `id="planning-status"`) || !strings.Contains(detail.body, "Under review") {
		t.Fatalf("detail badge missing")
	}
	// the procedure API names the statuses with labels (map pop-ups, JS filter)
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug, "", ""); !strings.Contains(r.body, `"planning_statuses":[{"key":"received","label":"Eingegangen"}`) {
		t.Fatalf("procedure API: %s", r.body)
	}
	// the same key again changes nothing and is not an error
	if r := patch(moderator, `{"planning_status":"review"}`); r.status != 200 {
		t.Fatalf("same again: %d %s", r.status, r.body)
	}
	n := 0
	all, _ := e.st.AuditLog(ctx, 50)
	for _, a := range all {
		if a.Action == "contribution.planning_status" {
			n++
		}
	}
	if n != 1 {
		t.Fatalf("%d planning status entries in the audit log after one change", n)
	}
}

func TestPlanningStatusFromTheBackOfficeAndPerProcedureList(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	id, _ := createContribution(t, e, "Bank am Spielplatz")
	jar, _ := e.signIn(t, "planerin@example.org", model.RolePlanner)
	page := e.do(t, "GET", "/admin/p/"+slug+"/contributions/"+id, "", "", "Cookie", jar.header())
	if page.status != 200 || !strings.Contains(page.body, `id="planning-form"`) || !strings.Contains(page.body, `<option value="implemented">Umgesetzt</option>`) {
		t.Fatalf("back-office form: %d", page.status)
	}
	csrf := csrfToken(t, page.body)
	post := func(key string) result {
		return e.do(t, "POST", "/admin/p/"+slug+"/contributions/"+id+"/act", "application/x-www-form-urlencoded",
			url.Values{"_csrf": {csrf}, "action": {"planning"}, "planning_status": {key}}.Encode(), "Cookie", jar.header())
	}
	if r := post("implemented"); r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=planning") {
		t.Fatalf("set by form: %d %s", r.status, r.header.Get("Location"))
	}
	if c, _ := e.st.Contribution(ctx, id); c.PlanningStatus != "implemented" {
		t.Fatalf("after the form: %q", c.PlanningStatus)
	}
	if r := post("gibtsnicht"); r.status != 303 || !strings.Contains(r.header.Get("Location"), "error=planning_status") {
		t.Fatalf("unknown by form: %d %s", r.status, r.header.Get("Location"))
	}
	// a procedure's own list replaces the default one, labels per locale
	proc, _ := e.st.ProcedureBySlug(ctx, slug)
	s := proc.Settings
	s.PlanningStatuses = []model.PlanningStatus{{Key: "offen", Label: model.Labels{"de": "Noch offen", "en": "Still open"}}, {Key: "erledigt"}}
	if err := e.st.UpdateProcedureSettings(ctx, proc.ID, s, store.Audited{Actor: "test", Action: "procedure.settings"}); err != nil {
		t.Fatal(err)
	}
	tok := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	if r := e.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", `{"planning_status":"review"}`, "Authorization", tok); r.status != 422 {
		t.Fatalf("a default key under an own list: %d %s", r.status, r.body)
	}
	if r := e.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", `{"planning_status":"offen"}`, "Authorization", tok); r.status != 200 {
		t.Fatalf("own key: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/contributions/"+id+"?lang=en", "", ""); !strings.Contains(r.body, "Still open") {
		t.Fatal("own label not shown")
	}
	// taking it back ("" = none) is allowed and the badge goes
	if r := e.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", `{"planning_status":""}`, "Authorization", tok); r.status != 200 {
		t.Fatalf("clear: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/contributions/"+id, "", ""); strings.Contains(r.body, `id="planning-status"`) {
		t.Fatal("badge after clearing")
	}
}
