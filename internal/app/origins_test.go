package app_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// Issue 18/20: contributions that came in by letter, by phone or on paper
// are entered by staff with their own origin, are labelled as such (not as
// a workshop table's) and can be filtered by it.
func TestLetterPhoneAndPaperOrigins(t *testing.T) {
	e := newEnv(t, nil)
	withOrigin := func(title, origin string) string {
		return fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"title":%q,"text":%q,"category":"verkehr","origin":%q}}`, title, okText, origin)
	}
	post := func(body string, hdr ...string) result {
		return e.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json", body, hdr...)
	}
	mod := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	ids := map[string]string{}
	for _, o := range []string{"letter", "phone", "paper"} {
		r := post(withOrigin("Eingang "+o, o), "Authorization", mod)
		var f struct{ ID string }
		_ = json.Unmarshal([]byte(r.body), &f)
		if r.status != 201 || f.ID == "" || !strings.Contains(r.body, `"origin":"`+o+`"`) {
			t.Fatalf("moderator, origin %s: %d %s", o, r.status, r.body)
		}
		ids[o] = f.ID
	}

	// The contribution page and the card in the list name the letter (the
	// scripts' messages on every page hold the table's label too, so only
	// the shown " · label" counts).
	page := e.do(t, "GET", "/p/"+slug+"/contributions/"+ids["letter"], "", "")
	if page.status != 200 || !strings.Contains(page.body, " · per Brief") || strings.Contains(page.body, " · vom Werkstatt-Tisch") {
		t.Errorf("contribution page of a letter: %d, per Brief %v, Werkstatt-Tisch %v", page.status,
			strings.Contains(page.body, " · per Brief"), strings.Contains(page.body, " · vom Werkstatt-Tisch"))
	}
	list := e.do(t, "GET", "/p/"+slug+"?origin=letter", "", "")
	card := cardOf(list.body, ids["letter"])
	if list.status != 200 || !strings.Contains(card, "per Brief") || strings.Contains(card, "Werkstatt-Tisch") {
		t.Errorf("card of a letter (list %d): %s", list.status, card)
	}
	if !strings.Contains(list.body, `<option value="letter" selected>`) || strings.Contains(list.body, "Eingang phone") {
		t.Errorf("list filtered by letter shows the wrong things")
	}
	en := e.do(t, "GET", "/p/"+slug+"/contributions/"+ids["phone"]+"?lang=en", "", "")
	if !strings.Contains(en.body, "by phone") {
		t.Errorf("English page of a phone call lacks 'by phone'")
	}

	// The API filter finds only the phone call.
	got := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?origin=phone", "", "")
	var fc struct {
		Features []struct {
			ID         string
			Properties struct{ Origin string } `json:"properties"`
		} `json:"features"`
	}
	if err := json.Unmarshal([]byte(got.body), &fc); err != nil || got.status != 200 {
		t.Fatalf("origin=phone: %d %s", got.status, got.body)
	}
	if len(fc.Features) != 1 || fc.Features[0].ID != ids["phone"] || fc.Features[0].Properties.Origin != "phone" {
		t.Errorf("origin=phone found %+v, want only %s", fc.Features, ids["phone"])
	}

	// Anonymous callers still may not claim an origin; an unknown one is 422 for staff.
	for _, o := range []string{"letter", "phone", "paper"} {
		if r := post(withOrigin("Anonym "+o, o)); r.status != 403 || !strings.Contains(r.body, `"code":"origin_forbidden"`) {
			t.Errorf("anonymous origin %s: %d %s", o, r.status, r.body)
		}
	}
	if r := post(withOrigin("Per Fax", "fax"), "Authorization", mod); r.status != 422 {
		t.Errorf("moderator, origin fax: %d %s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug+"/contributions?origin=fax", "", ""); r.status != 400 && r.status != 422 {
		t.Errorf("filter origin=fax: %d", r.status)
	}
}
