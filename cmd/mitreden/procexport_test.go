package main

import (
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/app"
	"github.com/mitreden/mitreden/internal/authoring"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

const demoSlug = "gruenzug-altona"

// authorOrigin makes the demo procedure in db carry what a planner adds in
// the back office: texts and pages in more locales with easy variants,
// plan layers, planning statuses, retention, files and a plan variant with
// its picture, linked from a page.
func authorOrigin(t *testing.T, db string) {
	t.Helper()
	ctx := context.Background()
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	p, err := st.ProcedureBySlug(ctx, demoSlug)
	if err != nil {
		t.Fatal(err)
	}
	a := store.Audited{Actor: "test", Action: "author"}
	p.Translations["tr"] = model.ProcedureText{Title: "Yeşil koridor Altona", SummaryMD: "Özet **metni**", IntroMD: "Giriş"}
	if err := st.UpdateProcedure(ctx, p, store.PartTexts, a); err != nil {
		t.Fatal(err)
	}
	p.Settings.WMSURL, p.Settings.WMSLayers, p.Settings.WMSAttribution = "https://geodienste.example/wms", "bplan,luftbild", "© Stadt"
	p.Settings.RetentionDays = 90
	p.Settings.PlanningStatuses = []model.PlanningStatus{{Key: "received", Label: model.Labels{"de": "Eingegangen", "en": "Received"}}, {Key: "done"}}
	p.Settings.BaseMapURL, p.Settings.BaseMapAttribution = "https://tiles.example/{z}/{x}/{y}.png", "© Karte"
	p.Map.Zoom = 14
	if err := st.UpdateProcedure(ctx, p, store.PartMap, a); err != nil {
		t.Fatal(err)
	}
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDRpicture-bytes")
	pic := &model.Attachment{ProcedureID: p.ID, ConceptionKey: "variante-d", Title: "Plan D", Filename: "plan-d.png", ContentType: "image/png"}
	doc := &model.Attachment{ProcedureID: p.ID, PageSlug: "der-plan", Title: "Erläuterung", Filename: "bericht.pdf", ContentType: "application/pdf"}
	// an unrelated file first, so that ids on the laptop differ
	other := &model.Attachment{ProcedureID: p.ID, Title: "Flyer", Filename: "flyer.pdf", ContentType: "application/pdf"}
	for _, x := range []struct {
		a    *model.Attachment
		data []byte
	}{{other, []byte("%PDF-1.4 flyer")}, {pic, png}, {doc, []byte("%PDF-1.4 report")}} {
		if err := st.AddAttachment(ctx, x.a, x.data, a); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.SaveConception(ctx, p.ID, model.Conception{Key: "variante-d", Title: "Variante D", BodyMD: "Mit Bild",
		Image: authoring.FileURL(p.Slug, *pic), ImageAlt: "Plan der Variante D"}, a); err != nil {
		t.Fatal(err)
	}
	body := "Der Bericht: [PDF](" + authoring.FileURL(p.Slug, *doc) + ")\n\n![Plan](" + authoring.FileURL(p.Slug, *pic) + ")"
	for _, pg := range []model.Page{
		{Slug: "der-plan", Locale: "de", Title: "Der Plan", BodyMD: body, EasyMD: "Der Plan in Leichter Sprache.", Position: 2},
		{Slug: "der-plan", Locale: "tr", Title: "Plan", BodyMD: "Türkçe: " + body, Position: 2},
		{Slug: "faq", Locale: "uk", Title: "Питання", BodyMD: "Відповіді", Position: 3},
	} {
		if err := st.SavePage(ctx, p.ID, pg, a); err != nil {
			t.Fatal(err)
		}
	}
}

// serveDB builds the web application over db.
func serveDB(t *testing.T, db string) *fiber.App {
	t.Helper()
	st, err := store.Open(db, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	cfg := config.Defaults()
	cfg.SecretKey, cfg.BaseURL = "test-secret-test-secret-test-secret", "http://mitreden.test"
	srv, a, err := app.New(cfg, st, slog.New(slog.NewTextHandler(io.Discard, nil)))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { srv.Shutdown() })
	return a
}

func get(t *testing.T, a *fiber.App, target string) (int, string, string) {
	t.Helper()
	res, err := a.Test(httptest.NewRequest("GET", target, nil), -1)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(res.Body)
	res.Body.Close()
	return res.StatusCode, res.Header.Get("Content-Type"), string(b)
}

var (
	fileID   = regexp.MustCompile(`/files/\d+/`)
	volatile = regexp.MustCompile(`(nonce|value|content)="[A-Za-z0-9+/=_-]{16,}"`)
	// when a calendar was made: two answers a second apart differ there
	dtstamp = regexp.MustCompile(`DTSTAMP:\d{8}T\d{6}Z`)
)

// same normalises what must differ between two instances: file ids and
// per-response tokens.
func same(s string) string {
	s = dtstamp.ReplaceAllString(s, "DTSTAMP:#")
	return volatile.ReplaceAllString(fileID.ReplaceAllString(s, "/files/#/"), `$1="#"`)
}

func TestProcedureExportRoundTripsThroughProcedureAdd(t *testing.T) {
	dir := t.TempDir()
	origin, laptop, laptop2 := filepath.Join(dir, "central.db"), filepath.Join(dir, "laptop.db"), filepath.Join(dir, "laptop2.db")
	if code, _, errs := runCLI(t, "", nil, "procedure", "add", "--db", origin, "--dir", "../../data/demo"); code != 0 {
		t.Fatalf("procedure add: %s", errs)
	}
	authorOrigin(t, origin)
	zipFile, folder := filepath.Join(dir, "proc.zip"), filepath.Join(dir, "proc")
	for _, out := range []string{zipFile, folder} {
		code, stdout, errs := runCLI(t, "", nil, "export", "--db", origin, "--procedure", demoSlug, "--format", "procedure", "--out", out)
		if code != 0 || !strings.Contains(stdout, "3 files") {
			t.Fatalf("export %s: %d %q %q", out, code, stdout, errs)
		}
	}
	for _, c := range [][]string{{laptop, "--from", zipFile}, {laptop2, "--dir", folder}} {
		if _, _, errs := runCLI(t, "", nil, "migrate", "--db", c[0]); errs != "" {
			t.Fatal(errs)
		}
		// another procedure's file first: the copied files get other ids
		if code, _, errs := runCLI(t, "", nil, "procedure", "add", "--db", c[0], "--dir", "testdata/other"); code != 0 {
			t.Fatalf("other: %s", errs)
		}
		if code, out, errs := runCLI(t, "", nil, "procedure", "add", "--db", c[0], c[1], c[2]); code != 0 {
			t.Fatalf("procedure add %v: %d %q %q", c, code, out, errs)
		}
	}
	central, lap, lap2 := serveDB(t, origin), serveDB(t, laptop), serveDB(t, laptop2)
	compare := func(target string) string {
		t.Helper()
		code, ctype, want := get(t, central, target)
		if code != 200 {
			t.Fatalf("central %s: %d", target, code)
		}
		for i, a := range []*fiber.App{lap, lap2} {
			c2, ct2, got := get(t, a, target)
			if c2 != code || ct2 != ctype || same(got) != same(want) {
				t.Errorf("laptop %d %s differs: %d %s\n%s\n--- central:\n%s", i+1, target, c2, ct2, got, want)
			}
		}
		return want
	}
	for _, lang := range []string{"de", "en", "tr", "uk", "de-x-ls"} {
		compare("/api/v1/procedures/" + demoSlug + "?lang=" + lang)
		compare("/api/v1/procedures/" + demoSlug + "/conceptions?lang=" + lang)
		for _, pg := range []string{"ueberblick", "der-plan", "faq", "datenschutz"} {
			compare("/p/" + demoSlug + "/pages/" + pg + "?lang=" + lang)
		}
		compare("/p/" + demoSlug + "/conceptions?lang=" + lang)
		compare("/p/" + demoSlug + "/appointments.ics?lang=" + lang)
	}
	var procJSON struct {
		Settings model.Settings `json:"settings"`
	}
	_ = json.Unmarshal([]byte(compare("/api/v1/procedures/"+demoSlug)), &procJSON)
	if procJSON.Settings.RetentionDays != 90 || procJSON.Settings.WMSLayers != "bplan,luftbild" || len(procJSON.Settings.PlanningStatuses) != 2 {
		t.Errorf("settings did not travel: %+v", procJSON.Settings)
	}
	// Every file, at the address each instance links it from, has the same bytes.
	_, _, concs := get(t, lap, "/api/v1/procedures/"+demoSlug+"/conceptions")
	_, _, page := get(t, lap, "/p/"+demoSlug+"/pages/der-plan?lang=tr")
	links := regexp.MustCompile(`/p/`+demoSlug+`/files/\d+/[a-z.-]+`).FindAllString(concs+page, -1)
	if len(links) < 3 {
		t.Fatalf("laptop links to files: %v", links)
	}
	for _, l := range links {
		_, _, gotBody := get(t, lap, l)
		code, _, wantBody := get(t, central, fileID.ReplaceAllString(l, "/files/"+centralID(t, central, l)+"/"))
		if code != 200 || gotBody != wantBody {
			t.Errorf("file %s differs from central's (%d)", l, code)
		}
	}
}

// centralID finds the id central serves a file name under.
func centralID(t *testing.T, central *fiber.App, link string) string {
	name := link[strings.LastIndex(link, "/")+1:]
	_, _, concs := get(t, central, "/api/v1/procedures/"+demoSlug+"/conceptions")
	_, _, page := get(t, central, "/p/"+demoSlug+"/pages/der-plan")
	m := regexp.MustCompile(`/files/(\d+)/` + regexp.QuoteMeta(name)).FindStringSubmatch(concs + page)
	if m == nil {
		t.Fatalf("central does not link %s", name)
	}
	return m[1]
}
