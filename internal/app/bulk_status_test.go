package app_test

import (
	"context"
	"net/url"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

func (e *env) planningOf(t *testing.T, id string) string {
	t.Helper()
	for _, k := range []string{"", "received", "review", "considered", "rejected", "implemented"} {
		if e.count(t, `SELECT count(*) FROM contributions WHERE id = ? AND planning_status = ?`, id, k) == 1 {
			return k
		}
	}
	return "?"
}

func (e *env) planningAudits(t *testing.T, id string) int {
	return e.count(t, `SELECT count(*) FROM audit WHERE action = 'contribution.planning_status' AND subject = ?`, id)
}

func TestBulkPlanningStatusSetsEachAuditedAndLive(t *testing.T) {
	e := newEnv(t, nil)
	ctx := context.Background()
	a := e.submitAt(t, "Erster Planungsfall", 9.9395, 53.5535)
	b := e.submitAt(t, "Zweiter Planungsfall", 9.9396, 53.5536)
	c := e.submitAt(t, "Dritter Planungsfall", 9.9397, 53.5537)
	e.preModeration(t)
	w := e.submitAt(t, "Wartender Planungsfall", 9.9398, 53.5538) // in the queue, so the bulk form shows
	jar, _ := e.signIn(t, "m@example.org", model.RoleModerator)
	cookies := strings.Split(jar.header(), "; ")
	board := "/admin/p/" + slug
	page := e.do(t, "GET", board, "", "", "Cookie", jar.header())
	if !strings.Contains(page.body, `id="bulk-planning"`) || !strings.Contains(page.body, `<option value="review">In Prüfung</option>`) ||
		!strings.Contains(page.body, `name="action" value="planning"`) || !strings.Contains(page.body, `form="bulk" name="ids" value="`+w+`"`) {
		t.Fatal("the bulk form offers no planning status")
	}
	proc, err := e.st.ProcedureBySlug(ctx, slug)
	if err != nil {
		t.Fatal(err)
	}
	evs, _ := e.st.EventsSince(ctx, proc.ID, 0, store.ReplayMax)
	var lastEvent int64
	if len(evs) > 0 {
		lastEvent = evs[len(evs)-1].ID
	}
	auditBefore := e.count(t, `SELECT count(*) FROM audit`)

	// without CSRF token: refused, nothing changes
	r := e.do(t, "POST", board+"/bulk", "application/x-www-form-urlencoded",
		url.Values{"ids": {a}, "action": {"planning"}, "planning_status": {"review"}}.Encode(), "Cookie", jar.header())
	if r.status != 403 || e.planningOf(t, a) != "" {
		t.Fatalf("bulk planning without CSRF: %d, status %q", r.status, e.planningOf(t, a))
	}
	// an unknown status: 422 with a message, the selection kept, nothing changed
	r = e.formPost(t, board, board+"/bulk", url.Values{"ids": {a, w}, "action": {"planning"}, "planning_status": {"gibtsnicht"}}, cookies...)
	if r.status != 422 || !strings.Contains(r.body, "Diesen Planungsstand gibt es in diesem Verfahren nicht") {
		t.Fatalf("bulk planning with an unknown key: %d %.300s", r.status, r.body)
	}
	if !strings.Contains(r.body, `value="`+w+`" id="sel-w-`+w+`" checked`) {
		t.Error("the refused selection is not kept")
	}
	if e.planningOf(t, a) != "" || e.planningOf(t, w) != "" || e.count(t, `SELECT count(*) FROM audit`) != auditBefore {
		t.Fatal("a refused bulk planning step changed something")
	}

	// three at once: each has the status, one audit entry each
	r = e.formPost(t, board, board+"/bulk", url.Values{"ids": {a, b, c}, "action": {"planning"}, "planning_status": {"review"}}, cookies...)
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=bulk_planning&n=3&skipped=0") {
		t.Fatalf("bulk planning: %d %s", r.status, r.header.Get("Location"))
	}
	for _, id := range []string{a, b, c} {
		if e.planningOf(t, id) != "review" || e.planningAudits(t, id) != 1 {
			t.Fatalf("%s: status %q, %d audit entries", id, e.planningOf(t, id), e.planningAudits(t, id))
		}
		if f := e.do(t, "GET", "/api/v1/contributions/"+id, "", ""); !strings.Contains(f.body, `"planning_status":"review"`) {
			t.Fatalf("API feature of %s: %s", id, f.body)
		}
	}
	if got := e.count(t, `SELECT count(*) FROM audit`) - auditBefore; got != 3 {
		t.Fatalf("%d audit entries for a bulk step on 3 contributions", got)
	}
	if e.planningOf(t, w) != "" {
		t.Fatal("an unselected contribution changed")
	}
	evs, _ = e.st.EventsSince(ctx, proc.ID, lastEvent, store.ReplayMax)
	live := map[string]bool{}
	for _, ev := range evs {
		if ev.Type == "contribution.updated" && strings.Contains(string(ev.Data), `"planning_status":"review"`) {
			for _, id := range []string{a, b, c} {
				if strings.Contains(string(ev.Data), id) {
					live[id] = true
				}
			}
		}
	}
	if len(live) != 3 {
		t.Fatalf("live events for %d of 3 contributions", len(live))
	}
	notice := e.do(t, "GET", r.header.Get("Location"), "", "", "Cookie", jar.header())
	if !strings.Contains(notice.body, "Planungsstand für 3 Beiträge gesetzt.") {
		t.Error("no notice of the bulk step")
	}

	// again, with one already in that status: skipped
	if _, err := e.srv.Moderation.SetPlanningStatus(ctx, &model.User{Email: "m@example.org", Role: model.RoleModerator}, a, "implemented"); err != nil {
		t.Fatal(err)
	}
	r = e.formPost(t, board, board+"/bulk", url.Values{"ids": {a, b}, "action": {"planning"}, "planning_status": {"implemented"}}, cookies...)
	if r.status != 303 || !strings.Contains(r.header.Get("Location"), "notice=bulk_planning&n=1&skipped=1") {
		t.Fatalf("bulk planning with one already so: %d %s", r.status, r.header.Get("Location"))
	}
	if e.planningOf(t, b) != "implemented" || e.planningAudits(t, a) != 2 || e.planningAudits(t, b) != 2 {
		t.Fatalf("after the second step: b %q, audits a=%d b=%d", e.planningOf(t, b), e.planningAudits(t, a), e.planningAudits(t, b))
	}
	notice = e.do(t, "GET", r.header.Get("Location"), "", "", "Cookie", jar.header())
	if !strings.Contains(notice.body, "Planungsstand für 1 Beitrag gesetzt.") || !strings.Contains(notice.body, "1 Beitrag blieb unverändert") {
		t.Error("no notice with the skipped count")
	}

	// "no planning status" takes it back
	r = e.formPost(t, board, board+"/bulk", url.Values{"ids": {b}, "action": {"planning"}, "planning_status": {""}}, cookies...)
	if r.status != 303 || e.planningOf(t, b) != "" {
		t.Fatalf("bulk planning none: %d, b %q", r.status, e.planningOf(t, b))
	}
}
