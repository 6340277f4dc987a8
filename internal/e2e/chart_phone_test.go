package e2e

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// On a phone a bar chart's labels keep a readable size (the wide drawing
// scaled to 320 px would shrink them to about 6 px); on a desktop the wide
// drawing shows. In Arabic the labels stay inside the chart.
func TestBarChartLabelsStayReadableOnAPhone(t *testing.T) {
	s := start(t, "")
	// the rendered height of the first label of the chart that shows, in px
	const labelPx = `(() => {
		const svg = [...document.querySelectorAll("svg.chart")].find(e => e.getBoundingClientRect().width > 0 && !e.classList.contains("heat"));
		if (!svg) { return -1; }
		const r = svg.querySelector(".chart-label").getBoundingClientRect(), b = svg.getBoundingClientRect();
		return (r.left >= b.left - 1 && r.right <= b.right + 1) ? r.height : -2;
	})()`
	for _, c := range []struct {
		w, h  int
		lang  string
		class string
	}{{320, 720, "de", "chart-narrow"}, {320, 720, "ar", "chart-narrow"}, {1280, 900, "de", "chart-wide"}} {
		ctx := sized(t, c.w, c.h)
		var px float64
		var shown string
		run(t, ctx, chromedp.Navigate(s.URL+"/p/gruenzug-altona/statistics?lang="+c.lang),
			waitJS("the charts", `document.readyState === "complete" && document.querySelectorAll("svg.chart").length > 0`, 10*time.Second),
			chromedp.Evaluate(labelPx, &px),
			chromedp.Evaluate(`[...document.querySelectorAll("svg.chart")].find(e => e.getBoundingClientRect().width > 0).getAttribute("class")`, &shown))
		name := fmt.Sprintf("%d px, %s", c.w, c.lang)
		if shown != "chart "+c.class {
			t.Errorf("%s: the chart shown is %q, want %q", name, shown, c.class)
		}
		if px < 12 {
			t.Errorf("%s: a chart label is %v px high (−2: outside the chart)", name, px)
		}
		if w := pageWidth(t, ctx, float64(c.w)); w > float64(c.w) {
			t.Errorf("%s: the page is %v px wide", name, w)
		}
		noAxeViolations(t, ctx, "statistics "+name)
	}
}

// The planners' time chart too: on a phone its narrow drawing shows, with
// labels of a readable size.
func TestTimeChartLabelsStayReadableOnAPhone(t *testing.T) {
	s := start(t, "")
	cmd := execBinary("user", "add", "--db", s.DB, "--email", "planerin@example.org", "--role", "planner", "--password-stdin")
	cmd.Stdin = strings.NewReader("ein sehr langes Passwort\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	ctx := sized(t, 320, 720)
	var px float64
	var shown string
	const chart = `[...document.querySelectorAll("#time-h ~ svg.chart")].find(e => e.getBoundingClientRect().width > 0)`
	run(t, ctx, chromedp.Navigate(s.URL+"/admin/p/gruenzug-altona/analysis"), signIn("planerin@example.org", "ein sehr langes Passwort"),
		waitJS("the time chart", `document.readyState === "complete" && !!`+chart, 15*time.Second),
		chromedp.Evaluate(chart+`.getAttribute("class")`, &shown),
		chromedp.Evaluate(chart+`.querySelector(".chart-label").getBoundingClientRect().height`, &px))
	if shown != "chart chart-narrow" || px < 12 {
		t.Errorf("time chart at 320 px: %q, labels %v px high", shown, px)
	}
	noAxeViolations(t, ctx, "analysis at 320 px")
}
