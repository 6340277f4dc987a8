package app_test

import (
	"encoding/json"
	"io/fs"
	"regexp"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/themes"
)

var (
	importMapScript = regexp.MustCompile(`<script type="importmap" nonce="[^"]+">([^<]*)</script>`)
	importSpecifier = regexp.MustCompile(`(?m)^(?:import|export)\b[^;'"()=[]*?(?:\bfrom)?\s*'([^']+)'`)
	scriptTag       = regexp.MustCompile(`<script[^>]*asset "js/[^>]*>`)
)

// The scripts are ES modules that import each other by name through the
// page's import map, and every name maps to the module's own fingerprinted
// URL: a relative import would resolve against the importer's hash.
func TestScriptModulesResolveThroughTheImportMap(t *testing.T) {
	e := newEnv(t, nil)
	for _, page := range []string{"/", "/p/" + slug, "/p/" + slug + "/contribute"} {
		r := e.do(t, "GET", page, "", "")
		m := importMapScript.FindStringSubmatch(r.body)
		if m == nil {
			t.Fatalf("%s: no import map with a nonce: %.400s", page, r.body)
		}
		var im struct {
			Imports map[string]string `json:"imports"`
		}
		if err := json.Unmarshal([]byte(m[1]), &im); err != nil {
			t.Fatalf("%s: import map is not JSON: %v %q", page, err, m[1])
		}
		imports := 0
		for name, src := range scriptSources(t) {
			url, ok := im.Imports["mitreden/"+name]
			if !ok {
				t.Errorf("%s: import map lacks mitreden/%s", page, name)
				continue
			}
			if !regexp.MustCompile(`^/static/[0-9a-f]{10}/js/` + regexp.QuoteMeta(name) + `$`).MatchString(url) {
				t.Errorf("mitreden/%s maps to %q, not a fingerprinted URL", name, url)
			}
			for _, imp := range importSpecifier.FindAllStringSubmatch(src, -1) {
				imports++
				if _, ok := im.Imports[imp[1]]; !ok {
					t.Errorf("%s imports %q, which the import map does not name", name, imp[1])
				}
			}
			a := e.do(t, "GET", url, "", "")
			want, _ := fs.ReadFile(themes.FS, "default/static/js/"+name)
			if a.status != 200 || a.body != string(want) || !strings.Contains(a.header.Get("Content-Type"), "javascript") {
				t.Errorf("GET %s = %d %q (%d bytes), want the module", url, a.status, a.header.Get("Content-Type"), len(a.body))
			}
		}
		if imports < 20 {
			t.Fatalf("found only %d imports in the scripts", imports)
		}
	}
}

// Every script of the theme loads as a module (imports need it); Leaflet
// stays a classic script before them.
func TestTemplatesLoadScriptsAsModules(t *testing.T) {
	pages, _ := fs.Glob(themes.FS, "default/templates/*.html")
	n := 0
	for _, p := range pages {
		b, _ := fs.ReadFile(themes.FS, p)
		for _, tag := range scriptTag.FindAllString(string(b), -1) {
			n++
			if !strings.Contains(tag, `type="module"`) || !strings.Contains(tag, `nonce="{{.Nonce}}"`) {
				t.Errorf("%s: %s is not a module script with the nonce", p, tag)
			}
		}
		if strings.Contains(string(b), "window.Mitreden") {
			t.Errorf("%s uses window.Mitreden", p)
		}
	}
	if n < 8 {
		t.Fatalf("found only %d script tags", n)
	}
	for name, src := range scriptSources(t) {
		if strings.Contains(src, "window.Mitreden") {
			t.Errorf("%s uses the global window.Mitreden", name)
		}
	}
}
