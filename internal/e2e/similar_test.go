package e2e

import (
	"encoding/json"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// Issue 18: a resident types, in the wizard, what a published contribution
// nearby already says; after the text the form lists it under "Ähnliche
// Beiträge in der Nähe" (axe finds nothing on the step), and its button
// supports it: the contribution's rating goes up.
func TestWizardShowsSimilarContributionNearbyAndSupportsIt(t *testing.T) {
	s := start(t, "")
	body := `{"type":"Feature","geometry":{"type":"Point","coordinates":[9.9452,53.5561]},"properties":{"title":"Radweg an der Max-Brauer-Allee zu schmal","text":"Der Radweg an der Max-Brauer-Allee ist viel zu schmal, Radfahrer müssen auf die Fahrbahn ausweichen.","category":"verkehr"}}`
	res, err := http.Post(s.URL+"/api/v1/procedures/gruenzug-altona/contributions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	var f struct{ ID string }
	if res.StatusCode != 201 || json.Unmarshal(b, &f) != nil || f.ID == "" {
		t.Fatalf("submit: %d %s", res.StatusCode, b)
	}

	ctx := browser(t)
	const typeText = `(function () {
		var title = document.getElementById('title'), text = document.getElementById('text');
		title.value = 'Max-Brauer-Allee: Radweg zu schmal';
		title.dispatchEvent(new Event('input', { bubbles: true }));
		text.value = 'Der Radweg ist zu schmal, die Radfahrer weichen auf die Fahrbahn aus.';
		text.dispatchEvent(new Event('input', { bubbles: true }));
		return true;
	})()`
	var heading, status string
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute?lat=53.5565&lon=9.9450"),
		waitJS("the wizard", `!!document.getElementById('wizard-next') && !!document.getElementById('similar')`, 15*time.Second),
		chromedp.Evaluate(typeText, nil),
		waitJS("the similar contribution listed", `(function () {
			var box = document.querySelector('#similar .similar-box');
			return !!box && !box.hidden && !!document.querySelector('#similar a[href$="/`+f.ID+`"]');
		})()`, 15*time.Second),
		chromedp.Evaluate(`document.getElementById('similar-title').textContent`, &heading),
		waitJS("the live region", `document.getElementById('similar-status').textContent !== ''`, 5*time.Second),
		chromedp.Evaluate(`document.getElementById('similar-status').textContent`, &status),
	)
	if heading != "Ähnliche Beiträge in der Nähe" || !strings.Contains(status, "ähnlich") {
		t.Errorf("heading %q, status %q", heading, status)
	}
	var item string
	run(t, ctx, chromedp.Evaluate(`document.querySelector('#similar .similar-item').textContent`, &item))
	if !strings.Contains(item, "Radweg an der Max-Brauer-Allee zu schmal") || !strings.Contains(item, "m entfernt") ||
		!strings.Contains(item, "Fahrbahn") {
		t.Errorf("item: %q", item)
	}
	if v := axe(t, ctx); len(v) > 0 {
		t.Errorf("axe on the text step with similar contributions: %v", v)
	}

	run(t, ctx,
		chromedp.Evaluate(`document.querySelector('#similar .similar-support[data-id="`+f.ID+`"]').click(), true`, nil),
		waitJS("supported", `document.querySelector('#similar .similar-support[data-id="`+f.ID+`"]').getAttribute('aria-pressed') === 'true'`, 10*time.Second),
	)
	_, page := s.get(t, "/p/gruenzug-altona/contributions/"+f.ID)
	if !regexp.MustCompile(`class="vote up">[^<]*<span class="n">1</span>`).MatchString(page) {
		t.Errorf("rating not counted: %s", regexp.MustCompile(`class="vote up">[^<]*<span class="n">\d+`).FindString(page))
	}
}
