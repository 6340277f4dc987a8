package app_test

import (
	"encoding/json"
	"html"
	"io/fs"
	"regexp"
	"sort"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/themes"
)

// scriptSources returns the theme's scripts (js/*.js of the embedded
// default theme) by name, with comment lines left out.
func scriptSources(t *testing.T) map[string]string {
	t.Helper()
	out := map[string]string{}
	err := fs.WalkDir(themes.FS, "default/static/js", func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || !strings.HasSuffix(p, ".js") {
			return err
		}
		b, err := fs.ReadFile(themes.FS, p)
		if err != nil {
			return err
		}
		var code []string
		for _, line := range strings.Split(string(b), "\n") {
			if s := strings.TrimSpace(line); strings.HasPrefix(s, "//") || strings.HasPrefix(s, "/*") || strings.HasPrefix(s, "*") {
				continue
			}
			code = append(code, line)
		}
		out[strings.TrimPrefix(p, "default/static/js/")] = strings.Join(code, "\n")
		return nil
	})
	if err != nil || len(out) == 0 {
		t.Fatalf("no scripts in the embedded theme: %v", err)
	}
	return out
}

var (
	// A message call: t('key', …) or tn('key', n, …) of js/i18n.js.
	messageCall = regexp.MustCompile(`(?:^|[^.\w$])tn?\(\s*`)
	messageKey  = regexp.MustCompile(`^'([a-z0-9_.|-]+)'`)
	dataI18n    = regexp.MustCompile(`<body data-i18n="([^"]*)"`)
)

// scriptMessageKeys collects the keys of every message call in the scripts;
// a call whose key is not written out fails the test (it could not be
// checked), except inside js/i18n.js, which defines t and tn.
func scriptMessageKeys(t *testing.T) []string {
	t.Helper()
	keys := map[string]bool{}
	for name, src := range scriptSources(t) {
		for _, loc := range messageCall.FindAllStringIndex(src, -1) {
			m := messageKey.FindStringSubmatch(src[loc[1]:])
			if m == nil {
				if name != "i18n.js" {
					t.Errorf("%s: message call without a written-out key: %.60q", name, src[loc[0]:])
				}
				continue
			}
			keys[m[1]] = true
		}
	}
	var out []string
	for k := range keys {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

// The scripts have no messages of their own: every key they ask for must
// arrive in the page's data-i18n attribute, in every language (Leichte
// Sprache included), as the locale file's text rather than the key.
func TestScriptMessagesAreSentInEveryLocale(t *testing.T) {
	keys := scriptMessageKeys(t)
	if len(keys) < 30 {
		t.Fatalf("found only %d message keys in the scripts: %v", len(keys), keys)
	}
	e := newEnv(t, nil)
	for _, lang := range []string{"de", "en", "de-x-ls"} {
		r := e.do(t, "GET", "/p/"+slug+"/contribute?lang="+lang, "", "")
		m := dataI18n.FindStringSubmatch(r.body)
		if r.status != 200 || m == nil {
			t.Fatalf("%s: %d, no data-i18n: %.300s", lang, r.status, r.body)
		}
		var sent map[string]string
		if err := json.Unmarshal([]byte(html.UnescapeString(m[1])), &sent); err != nil {
			t.Fatalf("%s: data-i18n is not JSON: %v", lang, err)
		}
		for _, k := range keys {
			if v, ok := sent[k]; !ok || v == "" || v == k {
				t.Errorf("%s: the scripts use %q, the page does not send it (got %q)", lang, k, v)
			}
		}
	}
}

// The scripts carry no dictionaries: no German or English copy of a
// message that the locale files own.
func TestScriptsCarryNoMessages(t *testing.T) {
	for name, src := range scriptSources(t) {
		for _, s := range []string{"Bitte füllen Sie dieses Feld aus", "Please fill in this field", "vom Werkstatt-Tisch", "Schritt {} von {}"} {
			if strings.Contains(src, s) {
				t.Errorf("%s carries the message %q", name, s)
			}
		}
	}
}
