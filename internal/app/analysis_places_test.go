package app_test

import (
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

var countedRe = regexp.MustCompile(`von (\d+) gezählten Beiträgen`)

// placesTotal is how many contributions the density grid of the analysis
// page counts with the query q; -1 when it shows none.
func (e *env) placesTotal(t *testing.T, jar cookieJar, q url.Values) (int, string) {
	t.Helper()
	r := e.do(t, "GET", "/admin/p/"+slug+"/analysis?"+q.Encode(), "", "", "Cookie", jar.header())
	if r.status != 200 {
		t.Fatalf("analysis %v: %d", q, r.status)
	}
	m := countedRe.FindStringSubmatch(r.body)
	if m == nil {
		if !strings.Contains(r.body, `id="places-none"`) {
			t.Fatalf("no density grid and no notice for %v", q)
		}
		return -1, r.body
	}
	n, _ := strconv.Atoi(m[1])
	return n, r.body
}

// Issue 18, time and places: the analysis page draws participation per day
// by origin with its table, and the density of contributions over the area
// with the table of hot spots, filtered by category, origin and topic.
func TestAnalysisPageDrawsTimeAndPlacesWithFilters(t *testing.T) {
	e := newEnv(t, nil)
	ids := e.topicTexts(t)
	jar, _ := e.signIn(t, "p@example.org", model.RolePlanner)
	all, page := e.placesTotal(t, jar, url.Values{})
	for _, want := range []string{`id="time-table"`, `<polyline`, `Beiträge vom Werkstatt-Tisch 2</th>`, `Beiträge per Brief</th>`,
		`class="chart heat"`, `id="places-table"`, `<select id="heat-topic" name="heat_topic">`} {
		if !strings.Contains(page, want) {
			t.Fatalf("analysis page lacks %s", want)
		}
	}
	if all < 90 {
		t.Fatalf("the grid counts %d contributions, 90 were written", all)
	}
	table, _ := e.placesTotal(t, jar, url.Values{"heat_origin": {"table:2"}})
	letters, _ := e.placesTotal(t, jar, url.Values{"heat_origin": {"letter"}})
	if table < 30 || letters < 30 || table >= all || letters >= all {
		t.Fatalf("by origin: table:2 %d, letter %d of %d", table, letters, all)
	}
	// The topic of the play texts: its key is in the topic filter's options.
	play := ""
	api := e.topicsAPI(t, e.token(t, "pl@example.org", model.RolePlanner))
	for _, tp := range api.Topics {
		for _, id := range tp.Contributions {
			if id == ids[0][0] {
				play = tp.Key
			}
		}
	}
	if !strings.Contains(page, `<option value="`+play+`"`) {
		t.Fatal("the play topic is not offered in the filter")
	}
	inTopic, _ := e.placesTotal(t, jar, url.Values{"heat_topic": {play}})
	if inTopic < 24 || inTopic >= all {
		t.Fatalf("topic filter: %d of %d", inTopic, all)
	}
	both, _ := e.placesTotal(t, jar, url.Values{"heat_topic": {play}, "heat_origin": {"online"}})
	if both < 0 || both >= inTopic {
		t.Fatalf("topic and origin: %d, topic alone %d", both, inTopic)
	}
	if n, body := e.placesTotal(t, jar, url.Values{"heat_category": {"no-such-category"}}); n != -1 || !strings.Contains(body, "Keine verorteten Beiträge für diese Auswahl.") {
		t.Fatalf("an unknown category counts %d", n)
	}
}
