package app_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/mmcdole/gofeed/atom"

	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/model"
)

// parseAtom parses a feed with a kept feed library and checks what RFC
// 4287 requires of it and of every entry.
func parseAtom(t *testing.T, body string) *atom.Feed {
	t.Helper()
	f, err := (&atom.Parser{}).Parse(strings.NewReader(body))
	if err != nil {
		t.Fatalf("not Atom: %v\n%s", err, body)
	}
	if f.ID == "" || f.Title == "" || f.UpdatedParsed == nil || (len(f.Authors) == 0) {
		t.Fatalf("feed lacks id, title, updated or author: %+v", f)
	}
	self := false
	for _, l := range f.Links {
		self = self || (l.Rel == "self" && strings.HasPrefix(l.Href, "https://beteiligung.example.org/"))
	}
	if !self {
		t.Fatalf("no absolute self link: %+v", f.Links)
	}
	seen := map[string]bool{}
	for _, e := range f.Entries {
		if !strings.HasPrefix(e.ID, "urn:uuid:") || seen[e.ID] || e.Title == "" || e.UpdatedParsed == nil || len(e.Authors) == 0 || e.Content == nil {
			t.Fatalf("entry lacks something: %+v", e)
		}
		seen[e.ID] = true
		alt := false
		for _, l := range e.Links {
			alt = alt || (l.Rel == "alternate" && strings.HasPrefix(l.Href, "https://beteiligung.example.org/p/"+slug+"/contributions/"))
		}
		if !alt {
			t.Fatalf("entry without an absolute alternate link: %+v", e.Links)
		}
	}
	for i := 1; i < len(f.Entries); i++ {
		if f.Entries[i].UpdatedParsed.After(*f.Entries[i-1].UpdatedParsed) {
			t.Fatal("entries are not newest first")
		}
	}
	return f
}

func titles(f *atom.Feed) string {
	var out []string
	for _, e := range f.Entries {
		out = append(out, e.Title+" | "+e.Content.Value)
	}
	return strings.Join(out, "\n")
}

func TestFeedsHoldPublishedContentOnly(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.BaseURL = "https://beteiligung.example.org" })
	ctx := context.Background()
	moderator := "Bearer " + e.token(t, "moderator@example.org", model.RoleModerator)
	planner := "Bearer " + e.token(t, "planerin@example.org", model.RolePlanner)
	api := func(method, path, auth, body string) result {
		t.Helper()
		r := e.do(t, method, path, "application/json", body, "Authorization", auth)
		if r.status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, r.status, r.body)
		}
		return r
	}
	shown, _ := createContribution(t, e, "Sichtbarer Wunsch Eins")
	hidden, _ := createContribution(t, e, "Versteckter Wunsch Zwei")
	waiting, _ := createContribution(t, e, "Wartender Wunsch Drei")
	withdrawn, _ := createContribution(t, e, "Zurückgezogener Wunsch Vier")
	api("PATCH", "/api/v1/contributions/"+shown, moderator, `{"planning_status":"considered"}`)
	api("POST", "/api/v1/contributions/"+shown+"/responses", planner, `{"text":"Wir **prüfen** das.<script>alert(1)</script>","author":"Bezirksamt Altona"}`)
	api("POST", "/api/v1/contributions/"+shown+"/comments", "", `{"text":"Gute Idee, finde ich auch.","author_name":"Nachbarin"}`)
	r := api("POST", "/api/v1/contributions/"+shown+"/comments", "", `{"text":"Ein beleidigender Kommentar."}`)
	var cm struct {
		ID int64 `json:"id"`
	}
	json.Unmarshal([]byte(r.body), &cm)
	api("PATCH", "/api/v1/comments/"+jsonInt(cm.ID), moderator, `{"status":"hidden"}`)
	api("PATCH", "/api/v1/contributions/"+hidden, moderator, `{"planning_status":"rejected"}`)
	api("POST", "/api/v1/contributions/"+hidden+"/responses", planner, `{"text":"Antwort auf den versteckten."}`)
	api("PATCH", "/api/v1/contributions/"+hidden, moderator, `{"status":"hidden","reason":"Beleidigung"}`)
	api("PATCH", "/api/v1/contributions/"+waiting, moderator, `{"status":"submitted"}`)
	if _, err := e.st.UpdateContribution(ctx, withdrawn, func(c *model.Contribution) error { c.Status = model.Withdrawn; return nil }); err != nil {
		t.Fatal(err)
	}

	// the procedure's feed
	res := e.do(t, "GET", "/p/"+slug+"/feed.atom", "", "")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("feed: %d %s", res.status, res.header.Get("Content-Type"))
	}
	f := parseAtom(t, res.body)
	all := titles(f)
	for _, want := range []string{"Neuer Beitrag: Sichtbarer Wunsch Eins", "Antwort der Verwaltung auf „Sichtbarer Wunsch Eins“",
		"„Sichtbarer Wunsch Eins“: Wird berücksichtigt", "<strong>prüfen</strong>"} {
		if !strings.Contains(all, want) {
			t.Fatalf("feed lacks %q:\n%s", want, all)
		}
	}
	for _, never := range []string{"Versteckter", "Wartender", "Zurückgezogener", "Nicht möglich", "versteckten", "<script", "beleidigender"} {
		if strings.Contains(all, never) || strings.Contains(res.body, never) {
			t.Fatalf("feed shows %q:\n%s", never, all)
		}
	}
	if len(f.Entries) > 50 {
		t.Fatalf("%d entries", len(f.Entries))
	}
	// ids are stable; a reader asks again cheaply
	again := e.do(t, "GET", "/p/"+slug+"/feed.atom", "", "", "If-None-Match", res.header.Get("ETag"))
	if res.header.Get("ETag") == "" || again.status != 304 {
		t.Fatalf("ETag: %q, again %d", res.header.Get("ETag"), again.status)
	}
	if g := parseAtom(t, e.do(t, "GET", "/p/"+slug+"/feed.atom", "", "", "Host", "other.example").body); g.Entries[0].ID != f.Entries[0].ID || g.ID != f.ID {
		t.Fatal("ids change between requests")
	}

	// one contribution's feed: it, its response, its published comments, its status
	res = e.do(t, "GET", "/p/"+slug+"/contributions/"+shown+"/feed.atom", "", "")
	if res.status != 200 || !strings.HasPrefix(res.header.Get("Content-Type"), "application/atom+xml") {
		t.Fatalf("contribution feed: %d", res.status)
	}
	one := titles(parseAtom(t, res.body))
	for _, want := range []string{"Neuer Beitrag: Sichtbarer Wunsch Eins", "Antwort der Verwaltung", "Kommentar zu „Sichtbarer Wunsch Eins“ | Gute Idee", "Wird berücksichtigt"} {
		if !strings.Contains(one, want) {
			t.Fatalf("contribution feed lacks %q:\n%s", want, one)
		}
	}
	if strings.Contains(res.body, "beleidigender") {
		t.Fatal("a hidden comment is in the feed")
	}
	for _, id := range []string{hidden, waiting, withdrawn} {
		if r := e.do(t, "GET", "/p/"+slug+"/contributions/"+id+"/feed.atom", "", ""); r.status != 404 || strings.Contains(r.body, "Wunsch") {
			t.Fatalf("feed of an unpublished contribution: %d", r.status)
		}
	}
	if r := e.do(t, "GET", "/p/nirgendwo/feed.atom", "", ""); r.status != 404 {
		t.Fatalf("unknown procedure: %d", r.status)
	}

	// the pages point to their feeds, in the head and visibly
	page := e.do(t, "GET", "/p/"+slug, "", "").body
	if !strings.Contains(page, `<link rel="alternate" type="application/atom+xml" href="/p/`+slug+`/feed.atom"`) || !strings.Contains(page, `id="procedure-feed"`) {
		t.Fatal("procedure page lacks its feed links")
	}
	detail := e.do(t, "GET", "/p/"+slug+"/contributions/"+shown, "", "").body
	if !strings.Contains(detail, `type="application/atom+xml" href="/p/`+slug+`/contributions/`+shown+`/feed.atom"`) || !strings.Contains(detail, `id="contribution-feed"`) {
		t.Fatal("detail page lacks its feed links")
	}
}

func jsonInt(n int64) string { b, _ := json.Marshal(n); return string(b) }
