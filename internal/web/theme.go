package web

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"html/template"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
)

// overlayFS looks a file up in each layer in turn: a theme directory on
// disk first, then the embedded default theme, file by file.
type overlayFS []fs.FS

func (o overlayFS) Open(name string) (fs.File, error) {
	var firstErr error
	for _, l := range o {
		f, err := l.Open(name)
		if err == nil {
			return f, nil
		}
		if firstErr == nil {
			firstErr = err
		}
	}
	if firstErr == nil {
		firstErr = fs.ErrNotExist
	}
	return nil, firstErr
}

// ThemeFS builds the file system of theme name: dir/name on disk (when dir
// is set), then the embedded theme of that name, then the embedded default.
func ThemeFS(embedded fs.FS, dir, name string) (fs.FS, error) {
	var layers overlayFS
	if dir != "" {
		p := filepath.Join(dir, name)
		if st, err := os.Stat(p); err == nil && st.IsDir() {
			if err := checkThemeDir(dir, p); err != nil {
				return nil, err
			}
			layers = append(layers, os.DirFS(p))
		} else if name != "default" {
			if _, err := fs.Stat(embedded, name); err != nil {
				return nil, fmt.Errorf("web: theme %q not found in %s or built in", name, dir)
			}
		}
	}
	if name != "default" {
		if sub, err := fs.Sub(embedded, name); err == nil {
			if _, err := fs.Stat(sub, "."); err == nil {
				layers = append(layers, sub)
			}
		}
	}
	def, err := fs.Sub(embedded, "default")
	if err != nil {
		return nil, err
	}
	layers = append(layers, def)
	if dir == "" && name != "default" {
		if _, err := fs.Stat(embedded, name); err != nil {
			return nil, fmt.Errorf("web: theme %q is not built in (set MITREDEN_THEMES_DIR for a theme on disk)", name)
		}
	}
	return layers, nil
}

// checkThemeDir refuses a theme that someone other than this program's
// user (or root) could change: templates run inside every page, so a theme
// another account can write is a way into every visitor's browser.
func checkThemeDir(root, theme string) error {
	uid := os.Geteuid()
	check := func(p string, info fs.FileInfo) error {
		if info.Mode().Perm()&0o022 != 0 {
			return fmt.Errorf("web: theme file %s is writable by group or others (mode %v); make it writable only by its owner (chmod go-w)", p, info.Mode().Perm())
		}
		if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid != 0 && int(st.Uid) != uid {
			return fmt.Errorf("web: theme file %s belongs to user %d, not to this program's user %d or root", p, st.Uid, uid)
		}
		return nil
	}
	info, err := os.Stat(root)
	if err != nil {
		return err
	}
	if err := check(root, info); err != nil {
		return err
	}
	return filepath.Walk(theme, func(p string, info fs.FileInfo, err error) error {
		if err != nil {
			return err
		}
		return check(p, info)
	})
}

// Assets serves the theme's static files under fingerprinted URLs
// (/static/{hash}/{file}) so they can be cached for a year.
type Assets struct {
	fs     fs.FS
	hashes map[string]string
	// Bytes with their encodings, made at start (compress.go).
	packed    map[string]*packed
	packing   sync.WaitGroup
	mu        sync.Mutex
	importMap []byte
}

// NewAssets fingerprints every file under static/ of the theme.
func NewAssets(theme fs.FS) (*Assets, error) {
	a := &Assets{hashes: map[string]string{}, packed: map[string]*packed{}}
	sub, err := fs.Sub(theme, "static")
	if err != nil {
		return nil, err
	}
	a.fs = sub
	// Walk each layer: an overlay cannot list directories, so collect names
	// from every layer and hash what the overlay serves for each.
	names := map[string]bool{}
	layers, ok := theme.(overlayFS)
	if !ok {
		layers = overlayFS{theme}
	}
	for _, l := range layers {
		_ = fs.WalkDir(l, "static", func(p string, d fs.DirEntry, err error) error {
			if err == nil && !d.IsDir() {
				names[strings.TrimPrefix(p, "static/")] = true
			}
			return nil
		})
	}
	for n := range names {
		b, err := fs.ReadFile(sub, n)
		if err != nil {
			continue
		}
		h := sha256.Sum256(b)
		a.hashes[n] = hex.EncodeToString(h[:5])
		a.pack(n, hex.EncodeToString(h[:]), b)
	}
	a.waitPacked()
	a.importMap = a.buildImportMap()
	return a, nil
}

// buildImportMap maps each script under js/ as module "mitreden/NAME" to
// its fingerprinted URL. The scripts import each other by these names, so
// every module is fetched under its own hash: a relative import would
// resolve against the importer's hash and could keep a stale module cached
// for a year.
func (a *Assets) buildImportMap() []byte {
	imports := map[string]string{}
	for n := range a.hashes {
		if name, ok := strings.CutPrefix(n, "js/"); ok && strings.HasSuffix(name, ".js") {
			imports["mitreden/"+name] = a.URL(n)
		}
	}
	b, _ := json.Marshal(map[string]any{"imports": imports})
	return b
}

// ImportMap returns the import map of the theme's script modules (JSON, for
// a <script type="importmap">; json.Marshal escapes "<", so the text cannot
// end the element).
func (a *Assets) ImportMap() template.HTML { return template.HTML(a.importMap) }

// URL returns the fingerprinted URL of a static file.
func (a *Assets) URL(name string) string {
	if strings.HasPrefix(name, "/") {
		return name // a file served by the application (an uploaded picture)
	}
	if h, ok := a.hashes[name]; ok {
		return "/static/" + h + "/" + name
	}
	return "/static/0/" + name
}

// Read returns a static file's content.
func (a *Assets) Read(name string) ([]byte, error) {
	name = path.Clean(name)
	if strings.HasPrefix(name, "..") || strings.HasPrefix(name, "/") {
		return nil, errors.New("web: bad asset path")
	}
	return fs.ReadFile(a.fs, name)
}

// Has reports whether the theme has a static file.
func (a *Assets) Has(name string) bool { _, ok := a.hashes[name]; return ok }

// Templates holds one template set per page: the layout and partials plus
// the page, so every page can define its own "content" block. (gofiber's
// template engine shares one namespace across files, which makes that
// impossible; plain html/template keeps contextual escaping.)
type Templates struct {
	pages map[string]*template.Template
}

// LoadTemplates parses templates/layout.html, templates/partials/*.html and
// every templates/*.html page of the theme.
func LoadTemplates(theme fs.FS, funcs template.FuncMap) (*Templates, error) {
	layers, ok := theme.(overlayFS)
	if !ok {
		layers = overlayFS{theme}
	}
	pages := map[string]bool{}
	partials := map[string]bool{}
	for _, l := range layers {
		ents, _ := fs.ReadDir(l, "templates")
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".html") && e.Name() != "layout.html" {
				pages[e.Name()] = true
			}
		}
		ents, _ = fs.ReadDir(l, "templates/partials")
		for _, e := range ents {
			if !e.IsDir() && strings.HasSuffix(e.Name(), ".html") {
				partials["templates/partials/"+e.Name()] = true
			}
		}
	}
	base := template.New("layout.html").Funcs(funcs)
	b, err := fs.ReadFile(theme, "templates/layout.html")
	if err != nil {
		return nil, fmt.Errorf("web: theme has no templates/layout.html: %w", err)
	}
	if _, err := base.Parse(string(b)); err != nil {
		return nil, fmt.Errorf("web: layout.html: %w", err)
	}
	for p := range partials {
		b, err := fs.ReadFile(theme, p)
		if err != nil {
			return nil, err
		}
		if _, err := base.New(path.Base(p)).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("web: %s: %w", p, err)
		}
	}
	t := &Templates{pages: map[string]*template.Template{}}
	for p := range pages {
		b, err := fs.ReadFile(theme, "templates/"+p)
		if err != nil {
			return nil, err
		}
		set, err := base.Clone()
		if err != nil {
			return nil, err
		}
		if _, err := set.New(p).Parse(string(b)); err != nil {
			return nil, fmt.Errorf("web: %s: %w", p, err)
		}
		t.pages[strings.TrimSuffix(p, ".html")] = set
	}
	return t, nil
}

// Lookup returns the template set of a page.
func (t *Templates) Lookup(page string) (*template.Template, bool) {
	s, ok := t.pages[page]
	return s, ok
}
