package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	cdpruntime "github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/cdproto/target"
	"github.com/chromedp/chromedp"
)

// The six interface languages (issue 17).
var allLocales = []string{"de", "en", "de-x-ls", "tr", "ar", "uk"}

// pageVisit is one page type: a path opened in the browser, then, when set,
// a script that sends a form or moves the wizard on (act) and the condition
// that says the result is there (ready); want is in the served HTML of a
// page that must be the one meant (a form's answer).
type pageVisit struct {
	name, path string
	act, ready string
	want       string
}

// sendForm sends the form sel as a browser without JavaScript would (no
// submit handlers, no browser checks) after fill, and marks the old page so
// that the wait sees the new one. The tabs share their cookies, the
// remembered language too, so the form is sent with its language named
// ({lang}, replaced when the page is opened).
func sendForm(sel, fill string) string {
	return `(() => { const f = document.querySelector(` + jsString(sel) + `); ` + fill + `; window.__before = true;
		f.action += (f.action.includes("?") ? "&" : "?") + "lang={lang}"; f.submit(); return true; })()`
}

// loaded is true once a page sent by sendForm has been replaced.
const loaded = `!window.__before && document.readyState === "complete"`

// wizardTo moves the contribution wizard from the step it shows to step n.
func wizardTo(n int, fill string) (act, ready string) {
	return `(() => { ` + fill + `; document.getElementById("wizard-next").click(); return true; })()`,
		fmt.Sprintf(`document.getElementById("contribute-form").dataset.step === "%d"`, n)
}

const (
	fillText  = `document.getElementById("title").value = "Gültigkeit"; document.getElementById("text").value = "Ein Beitrag, der die Seiten prüft."`
	fillPoint = `document.getElementById("lat").value = "53.5565"; document.getElementById("lon").value = "9.9450"; for (const id of ["lat","lon"]) document.getElementById(id).dispatchEvent(new Event("input", {bubbles: true}))`
)

// publicPages lists every public page type, the kiosk and the back-office
// login, with what the test needs set up on the server.
func publicPages(t *testing.T, s *server) []pageVisit {
	id := firstContribution(t, s)
	token := submitViaAPI(t, s, "Gültigkeit prüfen")
	hidden := hideViaAPI(t, s, "Wird für die Prüfung ausgeblendet")
	const p = "/p/gruenzug-altona"
	step2, ready2 := wizardTo(2, fillText)
	step3, ready3 := wizardTo(3, `document.getElementById("category-gruen").click()`)
	step4, ready4 := wizardTo(4, fillPoint)
	return []pageVisit{
		{name: "home", path: "/"},
		{name: "procedure", path: p},
		{name: "contribute-1", path: p + "/contribute"},
		{name: "contribute-2", path: p + "/contribute", act: step2, ready: ready2},
		{name: "contribute-3", path: "", act: step3, ready: ready3},
		{name: "contribute-4", path: "", act: step4, ready: ready4},
		{name: "contribute-errors", path: p + "/contribute", act: sendForm("#contribute-form", `f.title.value = " "`), ready: loaded, want: `id="error-summary"`},
		{name: "submitted", path: p + "/contribute", act: sendForm("#contribute-form", fillText+`; document.getElementById("category-verkehr").checked = true; `+fillPoint), ready: loaded, want: `id="manage-link"`},
		{name: "contribution", path: p + "/contributions/" + id},
		{name: "removed", path: p + "/contributions/" + hidden},
		{name: "statistics", path: p + "/statistics"},
		{name: "conceptions", path: p + "/conceptions"},
		{name: "page-plan", path: p + "/pages/der-plan"},
		{name: "page-faq", path: p + "/pages/faq"},
		{name: "page-easy", path: p + "/pages/ueberblick?easy=1"},
		{name: "impressum", path: "/impressum"},
		{name: "datenschutz", path: "/datenschutz"},
		{name: "barrierefreiheit", path: "/barrierefreiheit"},
		{name: "feedback-errors", path: "/barrierefreiheit", act: sendForm(`form[action$="/feedback"]`, ""), ready: loaded, want: `id="fb-message-error"`},
		{name: "feedback-sent", path: "/barrierefreiheit?sent=1"},
		{name: "kontakt", path: "/kontakt"},
		{name: "manage", path: "/manage/" + token, want: `id="manage-status"`},
		{name: "manage-erase", path: "/manage/" + token + "/erase"},
		{name: "not-found", path: "/p/nope"},
		{name: "table", path: tableLink(t, s, 1), want: `id="kiosk-qr"`},
		{name: "wall", path: "/wall/gruenzug-altona"},
		{name: "admin-login", path: "/admin/login"},
	}
}

// withLang adds ?lang=… to a path.
func withLang(path, lang string) string {
	u, _ := url.Parse(path)
	q := u.Query()
	q.Set("lang", lang)
	u.RawQuery = q.Encode()
	return u.String()
}

// documents remembers the last document a tab received, so that the test
// reads the HTML as served, before any script changed it.
type documents struct {
	mu   sync.Mutex
	last network.RequestID
}

func (d *documents) listen(ev any) {
	if r, ok := ev.(*network.EventResponseReceived); ok && r.Type == network.ResourceTypeDocument {
		d.mu.Lock()
		d.last = r.RequestID
		d.mu.Unlock()
	}
}

func (d *documents) body(ctx context.Context) (string, error) {
	d.mu.Lock()
	id := d.last
	d.mu.Unlock()
	var b []byte
	err := chromedp.Run(ctx, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		b, err = network.GetResponseBody(id).Do(ctx)
		return err
	}))
	return string(b), err
}

// Every public page type, the kiosk and the back-office login, in all six
// languages: the Nu HTML checker finds no error in the HTML as served, axe
// no WCAG 2.1 A/AA violation at 1280 px and at 320 px, and nothing is wider
// than the window at 320 px (WCAG 1.4.10).
func TestEveryPageIsValidAndAccessibleInEveryLanguage(t *testing.T) {
	java, err := exec.LookPath("java")
	if err != nil {
		t.Fatal("java not found: install a JRE (apt-get install -y default-jre-headless); `make test` does this")
	}
	jar := filepath.Join(rootDir, "node_modules", "vnu-jar", "build", "dist", "vnu.jar")
	if _, err := os.Stat(jar); err != nil {
		t.Fatalf("vnu-jar missing (run npm ci): %v", err)
	}
	s := start(t, "")
	pages := publicPages(t, s)
	dir := t.TempDir()
	root := browserFor(t, 6*time.Minute, chromedp.WindowSize(1280, 900))
	t.Run("lang", func(t *testing.T) {
		for _, lang := range allLocales {
			t.Run(lang, func(t *testing.T) {
				t.Parallel()
				checkLocale(t, root, s, pages, lang, filepath.Join(dir, lang))
			})
		}
	})
	files, _ := filepath.Glob(filepath.Join(dir, "*", "*.html"))
	if len(files) != len(allLocales)*len(pages) {
		t.Fatalf("%d pages written for the HTML checker, want %d", len(files), len(allLocales)*len(pages))
	}
	for _, e := range vnu(t, java, jar, files) {
		t.Error(strings.TrimPrefix(e, dir+string(filepath.Separator)))
	}
}

// checkLocale opens every page in lang in its own tab, keeps the served
// HTML in dir and runs axe at 1280 px, then narrows the window to 320 px
// (what 400 % zoom does, without a reload) and checks again: axe and the
// width, at both widths, in every language.
func checkLocale(t *testing.T, root context.Context, s *server, pages []pageVisit, lang, dir string) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	// A window of its own: a tab in the background gets no animation
	// frames, and the page would not settle after a resize.
	var id target.ID
	run(t, root, chromedp.ActionFunc(func(ctx context.Context) error {
		var err error
		id, err = target.CreateTarget("about:blank").WithNewWindow(true).Do(cdp.WithExecutor(ctx, chromedp.FromContext(ctx).Browser))
		return err
	}))
	ctx, cancel := chromedp.NewContext(root, chromedp.WithTargetID(id))
	defer cancel()
	docs := &documents{}
	chromedp.ListenTarget(ctx, docs.listen)
	run(t, ctx, network.Enable())
	for _, pv := range pages {
		where := fmt.Sprintf("%s %s", lang, pv.name)
		acts := []chromedp.Action{chromedp.EmulateViewport(1280, 900)}
		if pv.path != "" {
			acts = append(acts, chromedp.Navigate(s.URL+withLang(pv.path, lang)), chromedp.WaitReady("body"))
		}
		if pv.act != "" {
			acts = append(acts, chromedp.Evaluate(strings.ReplaceAll(pv.act, "{lang}", lang), nil), waitJS(where, pv.ready, 15*time.Second))
		}
		if err := chromedp.Run(ctx, acts...); err != nil {
			t.Fatalf("%s: %v", where, err)
		}
		html, err := docs.body(ctx)
		if err != nil {
			t.Fatalf("%s: reading the served HTML: %v", where, err)
		}
		if !strings.Contains(html, pv.want) {
			t.Fatalf("%s: the page served is not the one meant (no %s)", where, pv.want)
		}
		if err := os.WriteFile(filepath.Join(dir, pv.name+".html"), []byte(html), 0o644); err != nil {
			t.Fatal(err)
		}
		for _, width := range []int64{1280, 320} {
			var wide float64
			run(t, ctx, chromedp.EmulateViewport(width, 900),
				chromedp.Evaluate(`new Promise(r => requestAnimationFrame(() => requestAnimationFrame(() => r(document.documentElement.scrollWidth))))`, &wide,
					func(p *cdpruntime.EvaluateParams) *cdpruntime.EvaluateParams { return p.WithAwaitPromise(true) }))
			if wide > float64(width) {
				t.Errorf("%s at %d px: the page is %v px wide", where, width, wide)
			}
			if v := axe(t, ctx); len(v) > 0 {
				t.Errorf("%s at %d px: %d axe violations:\n  %s", where, width, len(v), strings.Join(v, "\n  "))
			}
		}
	}
}

// vnu runs the Nu HTML checker once over all files (it takes seconds to
// start) and returns its errors as file:line: message.
func vnu(t *testing.T, java, jar string, files []string) []string {
	t.Helper()
	cmd := exec.Command(java, append([]string{"-jar", jar, "--errors-only", "--format", "json"}, files...)...)
	var out strings.Builder
	cmd.Stderr = &out // vnu writes its report to stderr
	cmd.Stdout = &out
	err := cmd.Run()
	var res struct {
		Messages []struct {
			Type, URL, Message, Extract string
			LastLine                    int `json:"lastLine"`
		} `json:"messages"`
	}
	if jerr := json.Unmarshal([]byte(out.String()), &res); jerr != nil {
		t.Fatalf("vnu answered something unreadable (%v): %v\n%.500s", err, jerr, out.String())
	}
	var errs []string
	for _, m := range res.Messages {
		if m.Type != "error" && m.Type != "non-document-error" {
			continue
		}
		errs = append(errs, fmt.Sprintf("%s:%d: %s (%q)", strings.TrimPrefix(m.URL, "file:"), m.LastLine, m.Message, strings.TrimSpace(m.Extract)))
	}
	sort.Strings(errs)
	return errs
}
