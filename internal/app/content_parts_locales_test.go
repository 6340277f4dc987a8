package app_test

import (
	"context"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/mitreden/mitreden/internal/demo"
)

// fallbackNotice is the English notice beside German text standing in.
const fallbackNotice = "This text is available in German only."

// TestPartsWrittenPerLocaleAndGermanFallbackMarked writes a phase title, a
// plan variant and an appointment in German and Turkish in the back
// office. The Turkish pages show the Turkish texts unmarked; the English
// pages show the German texts inside lang="de" with the notice.
func TestPartsWrittenPerLocaleAndGermanFallbackMarked(t *testing.T) {
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	const s = "teile-sprachen"
	a.create(t, s, "Uferpark")
	phases := url.Values{"rows": {"1"}, "phase-1-kind": {"participation"}, "phase-1-title": {"Mitmachen"},
		"phase-1-title-tr": {"Katılın"}, "phase-1-start": {day(-3)}, "phase-1-end": {day(20)}}
	if r := a.post(t, "/admin/p/"+s+"/phases?locale=tr", phases); r.status != 303 {
		t.Fatalf("phases: %d %.800s", r.status, r.body)
	}
	// In another locale's view the Turkish title travels as a hidden field.
	if r := a.get(t, "/admin/p/"+s+"/phases?locale=ar"); !strings.Contains(r.body, `<input type="hidden" name="phase-1-title-tr" value="Katılın">`) ||
		!regexp.MustCompile(`id="phase-1-title-ar"[^>]*lang="ar" dir="rtl"`).MatchString(r.body) {
		t.Errorf("the Arabic phases view loses the Turkish title or has no Arabic field")
	}
	variant := map[string]string{"key": "wiese", "title": "Viel Wiese", "body": "Eine **große** Wiese.", "image_alt": "Plan mit Wiese"}
	if r := a.upload(t, "/admin/p/"+s+"/variants", variant, "image", "plan.png", pngBytes); r.status != 303 {
		t.Fatalf("variant: %d %.800s", r.status, r.body)
	}
	if r := a.post(t, "/admin/p/"+s+"/variants/translate?locale=tr", url.Values{"key": {"wiese"}, "title": {"Bol çayır"},
		"body": {"Büyük bir çayır."}, "image_alt": {"Çayırlı plan"}}); r.status != 303 {
		t.Fatalf("variant tr: %d %.800s", r.status, r.body)
	}
	// Rewriting the variant in German keeps its Turkish texts.
	if r := a.upload(t, "/admin/p/"+s+"/variants", variant, "image", "plan.png", pngBytes); r.status != 303 {
		t.Fatalf("variant again: %d", r.status)
	}
	appt := url.Values{"title": {"Spaziergang"}, "description": {"Treffpunkt am Ufer."}, "date": {day(5)}, "from": {"17:00"}, "to": {"18:30"}, "address": {"Am Ufer 1"}}
	if r := a.post(t, "/admin/p/"+s+"/appointments", appt); r.status != 303 {
		t.Fatalf("appointment: %d %.800s", r.status, r.body)
	}
	appts, err := e.st.Appointments(context.Background(), procID(t, e, s))
	if err != nil || len(appts) != 1 {
		t.Fatalf("appointments: %v %d", err, len(appts))
	}
	id := appts[0].ID
	if r := a.post(t, "/admin/p/"+s+"/appointments/translate?locale=tr", url.Values{"id": {itoa64(id)}, "title": {"Yürüyüş"},
		"body": {"Kıyıda buluşma."}}); r.status != 303 {
		t.Fatalf("appointment tr: %d %.800s", r.status, r.body)
	}
	if r := a.post(t, "/admin/p/"+s+"/appointments/translate?locale=de", url.Values{"id": {itoa64(id)}, "title": {"x"}}); r.status != 400 {
		t.Errorf("a German 'translation' answered %d, want 400", r.status)
	}
	if r := a.get(t, "/admin/p/"+s+"/variants?locale=ar"); !regexp.MustCompile(`id="variant-wiese-title"[^>]*lang="ar" dir="rtl"`).MatchString(r.body) ||
		!regexp.MustCompile(`id="appt-\d+-body"[^>]*lang="ar" dir="rtl"`).MatchString(r.body) {
		t.Errorf("the Arabic variants view has no marked fields")
	}
	a.publish(t, s)

	tr := e.do(t, "GET", "/p/"+s+"?lang=tr", "", "")
	for _, want := range []string{": <span>Katılın</span>", "<strong>Yürüyüş</strong>", "<span>Kıyıda buluşma.</span>"} {
		if !strings.Contains(tr.body, want) {
			t.Errorf("tr procedure page lacks %q", want)
		}
	}
	en := e.do(t, "GET", "/p/"+s+"?lang=en", "", "")
	for _, want := range []string{`: <span lang="de">Mitmachen</span>`, `<strong lang="de">Spaziergang</strong>`, `<span lang="de">Treffpunkt am Ufer.</span>`} {
		if !strings.Contains(en.body, want) {
			t.Errorf("en procedure page lacks %q", want)
		}
	}
	if n := strings.Count(between(en.body, `id="about"`, "</main>"), fallbackNotice); n < 2 {
		t.Errorf("en: phases and appointments carry %d fallback notices, want 2", n)
	}

	ctr := e.do(t, "GET", "/p/"+s+"/conceptions?lang=tr", "", "")
	for _, want := range []string{`tabindex="-1">Bol çayır</h2>`, `alt="Çayırlı plan"`, "Büyük bir çayır."} {
		if !strings.Contains(ctr.body, want) {
			t.Errorf("tr variants page lacks %q", want)
		}
	}
	if strings.Contains(ctr.body, "fallback-notice") {
		t.Errorf("tr variants page says it falls back to German")
	}
	cen := e.do(t, "GET", "/p/"+s+"/conceptions?lang=en", "", "")
	for _, want := range []string{`tabindex="-1" lang="de">Viel Wiese</h2>`, `alt="Plan mit Wiese" lang="de"`, `<div class="prose" lang="de">`, fallbackNotice} {
		if !strings.Contains(cen.body, want) {
			t.Errorf("en variants page lacks %q", want)
		}
	}
}

// TestFolderReadsPartsPerLocale reads phases, appointments and plan
// variants with title_tr, description_ar, body_md_uk from a folder.
func TestFolderReadsPartsPerLocale(t *testing.T) {
	e := newEnv(t, nil)
	folder := fstest.MapFS{"procedure.json": {Data: []byte(`{
  "slug": "ordner-teile", "title": "Uferpark",
  "phases": [{"kind": "participation", "title": "Mitmachen", "title_tr": "Katılın", "title_ar": "شاركوا", "starts_days": -1, "ends_days": 20}],
  "categories": [{"key": "gruen", "label": {"de": "Grün"}, "colour": "#2E7D32", "icon": "tree"}],
  "appointments": [{"title": "Spaziergang", "title_uk": "Прогулянка", "description": "Am Ufer.", "description_uk": "На березі.",
    "starts_days": 5, "start_time": "17:00", "duration_minutes": 60, "address": "Am Ufer 1", "lon": 9.94, "lat": 53.555}],
  "conceptions": [{"key": "wiese", "title": "Viel Wiese", "title_tr": "Bol çayır", "body_md": "Wiese.", "body_md_tr": "Çayır."}]
}`)}}
	seed, err := demo.ReadProcedure(folder, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.st.CreateProcedure(context.Background(), seed); err != nil {
		t.Fatal(err)
	}
	if r := e.do(t, "GET", "/p/ordner-teile?lang=ar", "", ""); !strings.Contains(r.body, ": <span>شاركوا</span>") {
		t.Errorf("ar: phase title from title_ar not shown")
	}
	if r := e.do(t, "GET", "/p/ordner-teile?lang=uk", "", ""); !strings.Contains(r.body, "<strong>Прогулянка</strong>") || !strings.Contains(r.body, "<span>На березі.</span>") {
		t.Errorf("uk: appointment from title_uk/description_uk not shown")
	}
	if r := e.do(t, "GET", "/p/ordner-teile/conceptions?lang=tr", "", ""); !strings.Contains(r.body, ">Bol çayır</h2>") || !strings.Contains(r.body, "Çayır.") {
		t.Errorf("tr: variant from title_tr/body_md_tr not shown")
	}
	bad := fstest.MapFS{"procedure.json": {Data: []byte(`{"slug": "x", "title": "X", "phases": [{"kind": "participation", "title": "A",
  "title_tr": "` + strings.Repeat("ş", 201) + `", "starts_days": -1, "ends_days": 2}]}`)}}
	if _, err := demo.ReadProcedure(bad, time.Now()); err == nil || !strings.Contains(err.Error(), "title_tr") {
		t.Errorf("a 201-character title_tr was accepted: %v", err)
	}
}

func procID(t *testing.T, e *env, slug string) int64 {
	t.Helper()
	p, err := e.st.ProcedureBySlug(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return p.ID
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }
