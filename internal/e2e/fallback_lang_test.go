package e2e

import (
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// submitTo posts a contribution of category at lon, lat to procedure slug.
func submitTo(t *testing.T, s *server, slug, title, category string, lon, lat float64) {
	t.Helper()
	body := fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Point","coordinates":[%g,%g]},"properties":{"title":%q,"text":"Ein Beitrag aus dem Test mit genug Text.","category":%q}}`,
		lon, lat, title, category)
	res, err := http.Post(s.URL+"/api/v1/procedures/"+slug+"/contributions", "application/json", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	if b, _ := io.ReadAll(res.Body); res.StatusCode != 201 {
		t.Fatalf("submit: %d %s", res.StatusCode, b)
	}
}

// TestScriptLabelsWithoutEnglishAreMarkedGerman adds a procedure (the
// folder format, through the CLI) whose category "wege" has no English
// label. On the English procedure page the label the scripts write — in
// the map's pop-up, the detail panel and a card that arrives live — sits
// in an element with lang="de"; the English label of "gruen" does not.
func TestScriptLabelsWithoutEnglishAreMarkedGerman(t *testing.T) {
	s := start(t, "")
	dir := t.TempDir()
	folder := `{"slug": "sprachprobe", "title": "Sprachprobe", "title_en": "Language sample",
  "phases": [{"kind": "participation", "title": "Mitmachen", "starts_days": -1, "ends_days": 20}],
  "categories": [{"key": "gruen", "label": {"de": "Grün", "en": "Green"}, "colour": "#2E7D32", "icon": "tree"},
    {"key": "wege", "label": {"de": "Wege und Plätze"}, "colour": "#1F5FA8", "icon": "bike"}],
  "map": {"center": [9.94, 53.555], "zoom": 16}}`
	if err := os.WriteFile(filepath.Join(dir, "procedure.json"), []byte(folder), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := execBinary("procedure", "add", "--dir", dir, "--db", s.DB).CombinedOutput(); err != nil {
		t.Fatalf("procedure add: %v %s", err, out)
	}
	submitTo(t, s, "sprachprobe", "Weg am Wasser", "wege", 9.94, 53.555)

	ctx := browser(t)
	run(t, ctx, chromedp.EmulateViewport(1280, 900))
	streamOpen := watchStream(ctx)
	run(t, ctx,
		chromedp.Navigate(s.URL+"/p/sprachprobe?lang=en"),
		waitJS("a marker on the map", `!!document.querySelector('#map .leaflet-marker-icon')`, 15*time.Second),
		streamOpen,
		chromedp.Evaluate(`document.querySelector('#map .leaflet-marker-icon').click(), true`, nil),
		waitJS("the pop-up's German label marked", `(() => { const s = document.querySelector('#map .leaflet-popup-content .meta span[lang="de"]');
			return !!s && s.textContent === 'Wege und Plätze'; })()`, 10*time.Second),
	)
	var panel string
	run(t, ctx, chromedp.Evaluate(`(() => { const p = document.getElementById('panel-detail');
		if (!p || p.offsetParent === null) { return 'hidden'; }
		const s = p.querySelector('.meta span:not(.cat-dot)'); return s ? (s.getAttribute('lang') || '') + '|' + s.textContent : 'none'; })()`, &panel))
	if panel != "hidden" && panel != "de|Wege und Plätze" {
		t.Errorf("detail panel label: %q, want lang=de on Wege und Plätze", panel)
	}
	// A contribution arriving live gets a card built by the script.
	submitTo(t, s, "sprachprobe", "Bank im Grünen", "gruen", 9.9401, 53.5551)
	submitTo(t, s, "sprachprobe", "Weg zum Park", "wege", 9.9402, 53.5552)
	var green, ways string
	run(t, ctx,
		waitJS("two live cards", `document.querySelectorAll('#cards li.card-new').length >= 2`, 10*time.Second),
		chromedp.Evaluate(`(() => { const c = [...document.querySelectorAll('#cards li.card-new')].find(li => li.textContent.includes('Bank im Grünen'));
			const s = c && c.querySelector('.meta span:not(.cat-dot)'); return s ? (s.getAttribute('lang') || '') + '|' + s.textContent : 'none'; })()`, &green),
		chromedp.Evaluate(`(() => { const c = [...document.querySelectorAll('#cards li.card-new')].find(li => li.textContent.includes('Weg zum Park'));
			const s = c && c.querySelector('.meta span:not(.cat-dot)'); return s ? (s.getAttribute('lang') || '') + '|' + s.textContent : 'none'; })()`, &ways),
	)
	if ways != "de|Wege und Plätze" {
		t.Errorf("live card of a German-only category: %q, want lang=de", ways)
	}
	if green != "|Green" {
		t.Errorf("live card of an English category: %q, want no lang", green)
	}
}
