package e2e

import (
	"bytes"
	"image"
	"image/color"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/cdproto/runtime"
	"github.com/chromedp/chromedp"
)

// A planner signs in, creates a procedure from nothing — texts with the
// live preview, phases, two categories, the area drawn with the mouse, a
// page with its Leichte Sprache variant, a plan variant with an image, an
// appointment, a PDF — and a resident then contributes on its public page.
// Every new back-office page passes axe-core.
func TestPlannerAuthorsAProcedureInTheBrowser(t *testing.T) {
	s := start(t, "")
	cmd := execBinary("user", "add", "--db", s.DB, "--email", "planerin@example.org", "--role", "planner", "--password-stdin")
	cmd.Stdin = strings.NewReader("ein sehr langes Passwort\n")
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("user add: %v %s", err, out)
	}
	dir := t.TempDir()
	var img bytes.Buffer
	pic := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for x := 0; x < 40; x++ {
		pic.Set(x, 15, color.RGBA{0, 120, 0, 255})
	}
	_ = png.Encode(&img, pic)
	pngPath, pdfPath := filepath.Join(dir, "variante.png"), filepath.Join(dir, "Bebauungsplan.pdf")
	_ = os.WriteFile(pngPath, img.Bytes(), 0o600)
	_ = os.WriteFile(pdfPath, []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"), 0o600)

	ctx := browser(t)
	check := func(page string) {
		t.Helper()
		if v := axe(t, ctx); len(v) > 0 {
			t.Errorf("%s: %d axe violations:\n  %s", page, len(v), strings.Join(v, "\n  "))
		}
	}
	// save submits a form and waits for the page after it (a new document
	// with the notice), not the notice still shown from before.
	save := func(button string) chromedp.Action {
		return chromedp.Tasks{
			chromedp.Evaluate(`window.mitredenStale = true`, nil),
			chromedp.Click(button, chromedp.ByID),
			waitJS("the saved page", `!window.mitredenStale && !!document.getElementById("admin-notice")`, 10*time.Second),
		}
	}
	const slug = "uferpark"
	base := s.URL + "/admin/p/" + slug
	day := func(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }

	run(t, ctx, chromedp.Navigate(s.URL+"/admin/procedures/new"), chromedp.WaitVisible("#email", chromedp.ByID),
		chromedp.SendKeys("#email", "planerin@example.org", chromedp.ByID),
		chromedp.SendKeys("#password", "ein sehr langes Passwort", chromedp.ByID),
		chromedp.Click("#login", chromedp.ByID),
		chromedp.WaitVisible("#create-procedure", chromedp.ByID))
	check("new procedure")
	var preview string
	run(t, ctx,
		chromedp.SendKeys("#title", "Uferpark Ottensen", chromedp.ByID),
		chromedp.SendKeys("#slug", slug, chromedp.ByID),
		chromedp.Click("#create-procedure", chromedp.ByID),
		chromedp.WaitVisible("#save-texts", chromedp.ByID),
		chromedp.SendKeys("#summary", "Ein neuer Park am Elbufer.", chromedp.ByID),
		chromedp.SendKeys("#intro", "Wir planen einen **neuen Park**.", chromedp.ByID),
		waitJS("the live preview", `document.querySelector("#intro-preview strong") !== null`, 5*time.Second),
		chromedp.Text("#intro-preview", &preview, chromedp.ByID))
	if !strings.Contains(preview, "neuen Park") {
		t.Fatalf("preview %q", preview)
	}
	check("texts")
	run(t, ctx, save("#save-texts"),
		chromedp.Navigate(base+"/phases"), chromedp.WaitVisible("#save-phases", chromedp.ByID))
	check("phases")
	run(t, ctx,
		chromedp.SetValue("#phase-1-kind", "information", chromedp.ByID),
		chromedp.SetValue("#phase-1-start", day(-20), chromedp.ByID),
		chromedp.SetValue("#phase-1-end", day(-8), chromedp.ByID),
		chromedp.SetValue("#phase-2-kind", "participation", chromedp.ByID),
		chromedp.SendKeys("#phase-2-title", "Online-Beteiligung", chromedp.ByID),
		chromedp.SetValue("#phase-2-start", day(-7), chromedp.ByID),
		chromedp.SetValue("#phase-2-end", day(30), chromedp.ByID),
		save("#save-phases"),
		chromedp.Navigate(base+"/categories"), chromedp.WaitVisible("#save-categories", chromedp.ByID))
	check("categories")
	run(t, ctx,
		chromedp.SendKeys("#category-1-key", "baeume", chromedp.ByID),
		chromedp.SendKeys("#category-1-label-de", "Bäume und Wiesen", chromedp.ByID),
		chromedp.SetValue("#category-1-icon", "tree", chromedp.ByID),
		chromedp.SendKeys("#category-2-key", "wege", chromedp.ByID),
		chromedp.SendKeys("#category-2-label-de", "Wege", chromedp.ByID),
		chromedp.SetValue("#category-2-colour", "#1f5fa8", chromedp.ByID),
		save("#save-categories"),
		chromedp.Navigate(base+"/area"), chromedp.WaitVisible("#save-map", chromedp.ByID),
		chromedp.SetValue("#map-lat", "53.5455", chromedp.ByID),
		chromedp.SetValue("#map-lon", "9.9145", chromedp.ByID),
		chromedp.SetValue("#map-zoom", "16", chromedp.ByID),
		save("#save-map"),
		chromedp.WaitVisible("#map-place-here", chromedp.ByID),
		waitJS("the drawing map stands still", `!!document.querySelector("#draw-map .leaflet-tile-pane") && `+mapSettled("draw-map"), 10*time.Second))
	check("area")
	run(t, ctx, chromedp.ScrollIntoView("#draw-map", chromedp.ByID),
		clickMap(-120, -80), vertices(1), clickMap(120, -80), vertices(2), clickMap(120, 80), vertices(3), clickMap(-120, 80), vertices(4),
		chromedp.Click("#map-undo", chromedp.ByID), vertices(3), clickMap(-120, 80), vertices(4),
		waitJS("a polygon in the geometry field", geometryJS+`.includes('"Polygon"')`, 5*time.Second),
		save("#save-area"))
	// The draft is its team's: the planner's session reads it.
	var body string
	run(t, ctx, chromedp.Evaluate(`fetch('/api/v1/procedures/`+slug+`').then(r => r.text())`, &body,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if !strings.Contains(body, `"area":{"type":"Polygon"`) && !strings.Contains(body, `"area": {"type":"Polygon"`) {
		t.Fatalf("area not stored: %.600s", body)
	}
	run(t, ctx, chromedp.Navigate(base+"/pages"), chromedp.WaitVisible("#add-page", chromedp.ByID))
	check("pages")
	run(t, ctx,
		chromedp.SendKeys("#page-title", "Der Plan", chromedp.ByID),
		chromedp.SendKeys("#page-slug", "der-plan", chromedp.ByID),
		chromedp.Click("#add-page", chromedp.ByID),
		chromedp.WaitVisible("#save-page", chromedp.ByID),
		chromedp.SendKeys("#page-body", "Der Park bekommt **drei Wiesen**.", chromedp.ByID),
		chromedp.SendKeys("#page-easy", "Der Park bekommt drei Wiesen. Das ist leicht.", chromedp.ByID),
		waitJS("the page preview", `document.querySelector("#page-body-preview strong") !== null`, 5*time.Second))
	check("page")
	run(t, ctx, save("#save-page"),
		chromedp.Navigate(base+"/variants"), chromedp.WaitVisible("#save-variant", chromedp.ByID))
	check("variants")
	run(t, ctx,
		chromedp.SendKeys("#variant-key", "variante-a", chromedp.ByID),
		chromedp.SendKeys("#variant-title", "Variante A: Große Wiese", chromedp.ByID),
		chromedp.SendKeys("#variant-body", "Eine **große** Wiese.", chromedp.ByID),
		chromedp.SetUploadFiles("#variant-image", []string{pngPath}, chromedp.ByID),
		chromedp.SendKeys("#variant-alt", "Plan mit einer großen Wiese", chromedp.ByID),
		save("#save-variant"),
		chromedp.SendKeys("#appt-title", "Parkspaziergang", chromedp.ByID),
		chromedp.SetValue("#appt-date", day(5), chromedp.ByID),
		chromedp.SetValue("#appt-from", "17:00", chromedp.ByID),
		chromedp.SetValue("#appt-to", "18:30", chromedp.ByID),
		chromedp.SendKeys("#appt-address", "Elbufer 1, 22763 Hamburg", chromedp.ByID),
		chromedp.WaitVisible("#map-place-here", chromedp.ByID),
		drawAreaShown, // the appointment's map shows the planning area
		chromedp.Click("#map-place-here", chromedp.ByID), pointPlaced,
		save("#save-appointment"))
	var ics string
	run(t, ctx, chromedp.Evaluate(`fetch('/p/`+slug+`/appointments.ics').then(r => r.text())`, &ics,
		func(p *runtime.EvaluateParams) *runtime.EvaluateParams { return p.WithAwaitPromise(true) }))
	if !strings.Contains(ics, "GEO:53.5") {
		t.Errorf("the appointment's place picked on the map is missing: %.800s", ics)
	}
	check("variants with entries")
	run(t, ctx, chromedp.Navigate(base+"/files"), chromedp.WaitVisible("#upload-file", chromedp.ByID))
	check("files")
	run(t, ctx,
		chromedp.SendKeys("#file-title", "Bebauungsplan-Entwurf", chromedp.ByID),
		chromedp.SetUploadFiles("#file", []string{pdfPath}, chromedp.ByID),
		save("#upload-file"))
	check("files with one")

	// The new procedure is a draft: residents get 404, the preview link
	// shows it (in another browser, without the planner's session); then
	// the planner publishes it, confirming.
	if code, _ := s.get(t, "/p/"+slug); code != 404 {
		t.Fatalf("the draft answers %d to residents, want 404", code)
	}
	var previewURL, previewTitle string
	run(t, ctx, chromedp.Navigate(base+"/lifecycle"), chromedp.WaitVisible("#preview-link", chromedp.ByID),
		chromedp.Value("#preview-link", &previewURL, chromedp.ByID))
	check("lifecycle of the draft")
	guest := browser(t)
	run(t, guest, chromedp.Navigate(previewURL), chromedp.WaitVisible("h1", chromedp.ByQuery), chromedp.Text("h1", &previewTitle, chromedp.ByQuery))
	if !strings.Contains(previewTitle, "Uferpark Ottensen") {
		t.Fatalf("the preview link shows %q", previewTitle)
	}
	run(t, ctx,
		chromedp.SetValue("#status", "published", chromedp.ByID),
		chromedp.Click("#confirm", chromedp.ByID),
		chromedp.Click("#change-status", chromedp.ByID),
		chromedp.WaitVisible("#admin-notice", chromedp.ByID))
	check("lifecycle, published")

	_, pub := s.get(t, "/p/"+slug)
	for _, want := range []string{"Uferpark Ottensen", "Online-Beteiligung", "Bäume und Wiesen", "Parkspaziergang", "Bebauungsplan-Entwurf", "/pages/der-plan"} {
		if !strings.Contains(pub, want) {
			t.Errorf("public page lacks %q", want)
		}
	}
	if _, easy := s.get(t, "/p/"+slug+"/pages/der-plan?lang=de-x-ls"); !strings.Contains(easy, "Das ist leicht.") {
		t.Error("the page's Leichte Sprache variant is missing")
	}
	if _, con := s.get(t, "/p/"+slug+"/conceptions"); !strings.Contains(con, `src="/p/`+slug+`/files/`) {
		t.Error("the variant's image is missing")
	}

	// A resident contributes on the new procedure's public page.
	res := browser(t)
	run(t, res, chromedp.Navigate(s.URL+"/p/"+slug), chromedp.WaitVisible("#h-downloads", chromedp.ByID))
	check2 := axe(t, res)
	if len(check2) > 0 {
		t.Errorf("public page: axe violations:\n  %s", strings.Join(check2, "\n  "))
	}
	run(t, res,
		chromedp.Navigate(s.URL+"/p/"+slug+"/contribute"),
		chromedp.WaitVisible("#wizard-next", chromedp.ByID),
		chromedp.SendKeys("#title", "Mehr Bänke am Ufer", chromedp.ByID),
		chromedp.SendKeys("#text", "Am Ufer fehlen Bänke mit Blick auf die Elbe.", chromedp.ByID),
		chromedp.Click("#wizard-next", chromedp.ByID),
		chromedp.WaitVisible("#category-baeume", chromedp.ByID),
		chromedp.Click("#category-baeume", chromedp.ByID),
		chromedp.Click("#wizard-next", chromedp.ByID),
		chromedp.WaitVisible("#map-place-here", chromedp.ByID),
		drawAreaShown,
		chromedp.Click("#map-place-here", chromedp.ByID), pointPlaced,
		chromedp.Click("#wizard-next", chromedp.ByID),
		chromedp.WaitVisible("#submit-contribution", chromedp.ByID),
		chromedp.Click("#submit-contribution", chromedp.ByID),
		chromedp.WaitVisible("#manage-link", chromedp.ByID))
	if _, body := s.get(t, "/api/v1/procedures/"+slug+"/contributions"); !strings.Contains(body, "Mehr Bänke am Ufer") {
		t.Fatalf("the resident's contribution is not listed: %.500s", body)
	}
}
