package app_test

import (
	"bytes"
	"mime/multipart"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/model"
)

// admin is an administrator's session in the back office.
func newAdmin(t *testing.T, e *env) *author {
	jar, csrf := e.signIn(t, "admin@example.org", model.RoleAdmin)
	return &author{e, jar, csrf}
}

// uploadFiles posts a multipart form with several files (field → name, data).
func (a *author) uploadFiles(t *testing.T, path string, files map[string][2]string) result {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", a.csrf)
	for field, f := range files {
		fw, _ := w.CreateFormFile(field, f[0])
		_, _ = fw.Write([]byte(f[1]))
	}
	_ = w.Close()
	return a.e.do(t, "POST", path, w.FormDataContentType(), buf.String(), "Cookie", a.jar.header())
}

// mp4 is the start of an MP4 file (an ftyp box) with some media bytes.
var mp4 = "\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + strings.Repeat("\x00\x01\x02\x03", 64)

const vtt = "WEBVTT\n\n00:00.000 --> 00:04.000\nWillkommen bei Mitreden.\n"

func TestOperatorsWriteTheSitePagesInEveryLanguage(t *testing.T) {
	e := newEnv(t, nil)
	a := newAdmin(t, e)
	// Turkish has no shipped Impressum: German is shown, marked.
	r := e.do(t, "GET", "/impressum?lang=tr", "", "")
	if r.status != 200 || !strings.Contains(r.body, `<div lang="de">`) {
		t.Fatalf("tr impressum before: %d, German not marked: %.300s", r.status, r.body)
	}
	if r := a.get(t, "/admin/site"); r.status != 200 || !strings.Contains(r.body, `/admin/site/pages/impressum/tr`) {
		t.Fatalf("site list: %d %.300s", r.status, r.body)
	}
	form := a.get(t, "/admin/site/pages/impressum/tr")
	if form.status != 200 || !strings.Contains(form.body, "Angaben gemäß") && !strings.Contains(form.body, "Impressum") {
		t.Fatalf("form: %d %.300s", form.status, form.body)
	}
	if r := a.post(t, "/admin/site/pages/impressum/tr", url.Values{"body": {"# Künye\n\nBelediye Hamburg-Altona, Platz der Republik 1."}}); r.status != 303 {
		t.Fatalf("save: %d %.300s", r.status, r.body)
	}
	r = e.do(t, "GET", "/impressum?lang=tr", "", "")
	if !strings.Contains(r.body, "Belediye Hamburg-Altona") || strings.Contains(r.body, `<div lang="de">`) {
		t.Fatalf("tr impressum after saving: %.2000s", r.body)
	}
	// German readers still get the shipped German text.
	if r := e.do(t, "GET", "/impressum?lang=de", "", ""); strings.Contains(r.body, "Belediye") {
		t.Fatal("the Turkish text leaked into the German page")
	}
	// Restoring the shipped text brings the marked German fallback back.
	if r := a.post(t, "/admin/site/pages/impressum/tr", url.Values{"body": {"x"}, "reset": {"1"}}); r.status != 303 {
		t.Fatalf("reset: %d", r.status)
	}
	if r := e.do(t, "GET", "/impressum?lang=tr", "", ""); strings.Contains(r.body, "Belediye") || !strings.Contains(r.body, `<div lang="de">`) {
		t.Fatal("reset kept the Turkish text")
	}
	// Bad input: too long, unknown page or variant.
	if r := a.post(t, "/admin/site/pages/kontakt/en", url.Values{"body": {strings.Repeat("a", 50001)}}); r.status != 422 || !strings.Contains(r.body, `id="body-error"`) {
		t.Fatalf("too long: %d", r.status)
	}
	for _, p := range []string{"/admin/site/pages/agb/de", "/admin/site/pages/kontakt/fr"} {
		if r := a.post(t, p, url.Values{"body": {"x"}}); r.status != 404 {
			t.Fatalf("%s: %d", p, r.status)
		}
	}
	// Only administrators write the site's pages.
	pl := newAuthor(t, e)
	if r := pl.post(t, "/admin/site/pages/kontakt/de", url.Values{"body": {"gekapert"}}); r.status != 403 {
		t.Fatalf("planner saves a site page: %d", r.status)
	}
	if r := e.do(t, "GET", "/kontakt", "", ""); strings.Contains(r.body, "gekapert") {
		t.Fatal("a planner changed the contact page")
	}
}

func TestSignLanguageVideoOnTheSiteAndEachProcedure(t *testing.T) {
	e := newEnv(t, nil)
	// Every locale's start page has the two entry points.
	for _, l := range []string{"de", "en", "de-x-ls", "tr", "ar", "uk"} {
		r := e.do(t, "GET", "/?lang="+l, "", "")
		if !strings.Contains(r.body, `href="/gebaerdensprache"`) || !strings.Contains(r.body, `href="/?lang=de-x-ls"`) {
			t.Fatalf("%s: start page lacks the DGS or Leichte Sprache entry point", l)
		}
	}
	// Before an upload the page says that the city adds its video.
	r := e.do(t, "GET", "/gebaerdensprache", "", "")
	if r.status != 200 || strings.Contains(r.body, "<video") || !strings.Contains(r.body, "Gebärdensprache stellt die Stadt") {
		t.Fatalf("empty slot: %d %.500s", r.status, r.body)
	}
	if r := e.do(t, "GET", "/gebaerdensprache/video", "", ""); r.status != 404 {
		t.Fatalf("video before upload: %d", r.status)
	}
	a := newAdmin(t, e)
	// Judged by content: a PDF named .mp4 and captions that are not WebVTT are refused.
	r = a.uploadFiles(t, "/admin/site/video", map[string][2]string{"video": {"dgs.mp4", "%PDF-1.4 nope"}, "captions": {"c.vtt", "hello"}})
	if r.status != 422 || !strings.Contains(r.body, `id="video-error"`) || !strings.Contains(r.body, `id="captions-error"`) {
		t.Fatalf("bad upload: %d %.300s", r.status, r.body)
	}
	r = a.uploadFiles(t, "/admin/site/video", map[string][2]string{"video": {"dgs.mp4", mp4}})
	if r.status != 422 || !strings.Contains(r.body, `id="captions-error"`) {
		t.Fatalf("video without captions: %d", r.status)
	}
	if r := a.uploadFiles(t, "/admin/site/video", map[string][2]string{"video": {"dgs.mp4", mp4}, "captions": {"dgs.vtt", vtt}}); r.status != 303 {
		t.Fatalf("upload: %d %.300s", r.status, r.body)
	}
	r = e.do(t, "GET", "/gebaerdensprache", "", "")
	if !strings.Contains(r.body, `<source src="/gebaerdensprache/video" type="video/mp4">`) ||
		!strings.Contains(r.body, `<track kind="captions" src="/gebaerdensprache/captions.vtt"`) {
		t.Fatalf("page after upload: %.1500s", r.body)
	}
	// The video is served whole and in the parts a player asks for.
	if r := e.do(t, "GET", "/gebaerdensprache/video", "", ""); r.status != 200 || r.body != mp4 || r.header.Get("Content-Type") != "video/mp4" {
		t.Fatalf("video: %d %q", r.status, r.header.Get("Content-Type"))
	}
	r = e.do(t, "GET", "/gebaerdensprache/video", "", "", "Range", "bytes=4-11")
	if r.status != 206 || r.body != "ftypmp42" || r.header.Get("Content-Range") != "bytes 4-11/"+strconv.Itoa(len(mp4)) {
		t.Fatalf("range: %d %q %q", r.status, r.body, r.header.Get("Content-Range"))
	}
	if r := e.do(t, "GET", "/gebaerdensprache/video", "", "", "Range", "bytes=99999-"); r.status != 416 {
		t.Fatalf("unsatisfiable range: %d", r.status)
	}
	if r := e.do(t, "GET", "/gebaerdensprache/captions.vtt", "", ""); r.body != vtt || !strings.HasPrefix(r.header.Get("Content-Type"), "text/vtt") {
		t.Fatalf("captions: %q", r.header.Get("Content-Type"))
	}
	// A procedure without its own video shows the site's, saying so; its planner adds its own.
	pr := e.do(t, "GET", "/p/"+slug+"/gebaerdensprache", "", "")
	if pr.status != 200 || !strings.Contains(pr.body, `src="/gebaerdensprache/video"`) || !strings.Contains(pr.body, "noch kein eigenes Video") {
		t.Fatalf("procedure page: %d %.500s", pr.status, pr.body)
	}
	if !strings.Contains(e.do(t, "GET", "/p/"+slug, "", "").body, `href="/p/`+slug+`/gebaerdensprache"`) {
		t.Fatal("the procedure's navigation does not link its sign-language page")
	}
	pl := newAuthor(t, e)
	if r := pl.uploadFiles(t, "/admin/site/video", map[string][2]string{"video": {"x.mp4", mp4}, "captions": {"x.vtt", vtt}}); r.status != 403 {
		t.Fatalf("planner changes the site's video: %d", r.status)
	}
	own := strings.Replace(mp4, "\x00\x01", "\x07\x07", 1)
	if r := pl.uploadFiles(t, "/admin/p/"+slug+"/video", map[string][2]string{"video": {"p.mp4", own}, "captions": {"p.vtt", vtt}}); r.status != 303 {
		t.Fatalf("procedure upload: %d %.300s", r.status, r.body)
	}
	pr = e.do(t, "GET", "/p/"+slug+"/gebaerdensprache", "", "")
	if !strings.Contains(pr.body, `src="/p/`+slug+`/gebaerdensprache/video"`) || strings.Contains(pr.body, "noch kein eigenes Video") {
		t.Fatalf("procedure page with its own video: %.500s", pr.body)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/gebaerdensprache/video", "", ""); r.body != own {
		t.Fatal("the procedure's video is not its own")
	}
	// Deleting it falls back to the site's again.
	if r := pl.post(t, "/admin/p/"+slug+"/video/delete", url.Values{}); r.status != 303 {
		t.Fatalf("delete: %d", r.status)
	}
	if r := e.do(t, "GET", "/p/"+slug+"/gebaerdensprache/video", "", ""); r.body != mp4 {
		t.Fatal("after deleting, the procedure does not fall back to the site's video")
	}
	if r := e.do(t, "GET", "/p/nope/gebaerdensprache/video", "", ""); r.status != 404 {
		t.Fatalf("unknown procedure: %d", r.status)
	}
}
