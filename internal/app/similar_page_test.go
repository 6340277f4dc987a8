package app_test

import (
	"net/url"
	"strings"
	"testing"
)

// Issue 18, without scripts: the confirmation page after sending the form
// lists the similar published contribution nearby with a button that
// supports it (the contribution page's rating form), not the new one
// itself and not an unrelated one.
func TestSubmittedPageListsSimilarContributionsNearby(t *testing.T) {
	e := newEnv(t, nil)
	a, b := e.twoDuplicates(t)
	form := url.Values{"title": {"Radweg Max-Brauer-Allee zu schmal"}, "text": {similarTyped + "."},
		"category": {"verkehr"}, "lat": {"53.5536"}, "lon": {"9.9396"}}
	r := e.formPost(t, "/p/"+slug+"/contribute", "/p/"+slug+"/contribute", form)
	if r.status != 201 {
		t.Fatalf("submit: %d %.500s", r.status, r.body)
	}
	i := strings.Index(r.body, `id="similar"`)
	if i < 0 {
		t.Fatalf("no similar list: %s", r.body)
	}
	list := r.body[i:]
	list = list[:strings.Index(list, "</section>")]
	for _, id := range []string{a, b} {
		if !strings.Contains(list, `href="/p/`+slug+`/contributions/`+id+`"`) ||
			!strings.Contains(list, `action="/p/`+slug+`/contributions/`+id+`/ratings"`) {
			t.Errorf("%s not listed with a support button: %s", id, list)
		}
	}
	if strings.Count(list, `class="similar-item"`) != 2 || !strings.Contains(list, "Ähnliche Beiträge in der Nähe") ||
		!strings.Contains(list, `name="_csrf"`) || !strings.Contains(list, " m entfernt") {
		t.Errorf("list: %s", list)
	}
	// An unrelated contribution lists none.
	form = url.Values{"title": {"Tunnel am Bahnhof dunkel"}, "text": {"Die Beleuchtung im Tunnel am Bahnhof ist kaputt und abends sehr dunkel."},
		"category": {"verkehr"}, "lat": {"53.5536"}, "lon": {"9.9396"}}
	r = e.formPost(t, "/p/"+slug+"/contribute", "/p/"+slug+"/contribute", form)
	if r.status != 201 || strings.Contains(r.body, `id="similar"`) {
		t.Errorf("unrelated: %d, similar listed: %v", r.status, strings.Contains(r.body, `id="similar"`))
	}
}
