package e2e

import (
	"strings"
	"testing"

	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"
)

// Without JavaScript the server checks the form; its error summary names
// each missing field in the order the page shows them, and each entry leads
// to its field (WCAG 3.3.1), in German and in English.
func TestNoScriptSummaryNamesTheFieldsInPageOrder(t *testing.T) {
	s := start(t, "")
	ctx := browser(t)
	for _, c := range []struct {
		lang  string
		names []string
	}{{"de", []string{"Titel", "Beschreibung", "Kategorie"}}, {"en", []string{"Title", "Description", "Category"}}} {
		var items []string
		var hrefs []string
		run(t, ctx,
			emulation.SetScriptExecutionDisabled(true),
			chromedp.Navigate(s.URL+"/p/gruenzug-altona/contribute?lang="+c.lang),
			chromedp.WaitVisible("#submit-contribution", chromedp.ByID),
			chromedp.Click("#submit-contribution", chromedp.ByID),
			chromedp.WaitVisible("#error-summary", chromedp.ByID),
			emulation.SetScriptExecutionDisabled(false),
			chromedp.Evaluate(`[...document.querySelectorAll("#error-summary li")].map(li => li.textContent.trim())`, &items),
			chromedp.Evaluate(`[...document.querySelectorAll("#error-summary li a")].map(a => a.getAttribute("href"))`, &hrefs),
		)
		if len(items) != len(c.names) {
			t.Fatalf("%s: summary %q, want one entry for each of %q", c.lang, items, c.names)
		}
		for i, name := range c.names {
			if !strings.HasPrefix(items[i], name+":") {
				t.Errorf("%s: entry %d is %q, want it to name %q", c.lang, i+1, items[i], name)
			}
		}
		if want := []string{"#title", "#text", "#category"}; strings.Join(hrefs, " ") != strings.Join(want, " ") {
			t.Errorf("%s: entries lead to %q, want %q", c.lang, hrefs, want)
		}
	}
}
