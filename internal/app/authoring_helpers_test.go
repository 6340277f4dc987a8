package app_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/url"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// author is a planner's session in the back office.
type author struct {
	e    *env
	jar  cookieJar
	csrf string
}

func newAuthor(t *testing.T, e *env) *author {
	jar, csrf := e.signIn(t, "planerin@example.org", model.RolePlanner)
	return &author{e, jar, csrf}
}

func (a *author) get(t *testing.T, path string) result {
	t.Helper()
	return a.e.do(t, "GET", path, "", "", "Cookie", a.jar.header())
}

func (a *author) post(t *testing.T, path string, form url.Values) result {
	t.Helper()
	form.Set("_csrf", a.csrf)
	return a.e.do(t, "POST", path, "application/x-www-form-urlencoded", form.Encode(), "Cookie", a.jar.header())
}

// upload posts a multipart form with one file.
func (a *author) upload(t *testing.T, path string, fields map[string]string, field, name string, data []byte) result {
	t.Helper()
	var buf bytes.Buffer
	w := multipart.NewWriter(&buf)
	_ = w.WriteField("_csrf", a.csrf)
	for k, v := range fields {
		_ = w.WriteField(k, v)
	}
	fw, _ := w.CreateFormFile(field, name)
	_, _ = fw.Write(data)
	_ = w.Close()
	return a.e.do(t, "POST", path, w.FormDataContentType(), buf.String(), "Cookie", a.jar.header())
}

// create makes a new procedure and expects the editor.
func (a *author) create(t *testing.T, slug, title string) {
	t.Helper()
	r := a.post(t, "/admin/procedures/new", url.Values{"slug": {slug}, "title": {title}})
	if r.status != 303 || r.header.Get("Location") != "/admin/p/"+slug+"/edit?notice=created" {
		t.Fatalf("create %s: %d %s %.500s", slug, r.status, r.header.Get("Location"), r.body)
	}
}

// publish makes the draft slug public through the lifecycle page
// (publishing asks for a confirmation).
func (a *author) publish(t *testing.T, slug string) {
	t.Helper()
	if r := a.post(t, "/admin/p/"+slug+"/status", url.Values{"status": {"published"}, "confirm": {"on"}}); r.status != 303 {
		t.Fatalf("publish %s: %d %.500s", slug, r.status, r.body)
	}
}

func (a *author) version(t *testing.T, slug string) int64 {
	t.Helper()
	_, v, err := a.e.st.ProcedureStamp(context.Background(), slug)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

func day(d int) string { return time.Now().AddDate(0, 0, d).Format(time.DateOnly) }

// Minimal files of each kind, as their first bytes make them.
var (
	pngBytes = append([]byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00"), bytes.Repeat([]byte{0}, 64)...)
	pdfBytes = []byte("%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n")
	exeBytes = append([]byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00PE\x00\x00"), bytes.Repeat([]byte{0x90}, 200)...)
	svgBytes = []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1" height="1"/></svg>`)
)
