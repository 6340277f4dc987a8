// Package content renders Markdown safely and localises the interface.
package content

import (
	"bytes"
	"html/template"
	"strings"
	"sync"
	"unicode"

	"github.com/microcosm-cc/bluemonday"
	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/extension"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/renderer/html"
	"github.com/yuin/goldmark/util"
)

// Markdown renders Markdown to sanitised HTML. It never passes raw HTML
// through (goldmark's default) and a bluemonday policy cleans the output a
// second time. Rendered results are cached by source text.
type Markdown struct {
	md     goldmark.Markdown
	easy   goldmark.Markdown // Leichte Sprache: one sentence per line (markdown_easy.go)
	policy *bluemonday.Policy
	mu     sync.RWMutex
	cache  map[string]template.HTML
}

// NewMarkdown builds the renderer with German typography.
func NewMarkdown() *Markdown {
	extensions := goldmark.WithExtensions(extension.GFM,
		extension.NewTypographer(extension.WithTypographicSubstitutions(extension.TypographicSubstitutions{
			extension.LeftDoubleQuote:  []byte("&bdquo;"),
			extension.RightDoubleQuote: []byte("&ldquo;"),
			extension.LeftSingleQuote:  []byte("&sbquo;"),
			extension.RightSingleQuote: []byte("&lsquo;"),
		})))
	md := goldmark.New(extensions, goldmark.WithParserOptions(parser.WithAutoHeadingID()))
	easy := goldmark.New(extensions,
		goldmark.WithParserOptions(parser.WithAutoHeadingID(),
			parser.WithASTTransformers(util.Prioritized(sentenceBreaks{}, 1000))),
		goldmark.WithRendererOptions(html.WithHardWraps()))
	p := bluemonday.UGCPolicy()
	p.AllowAttrs("id").Matching(bluemonday.SpaceSeparatedTokens).OnElements("h1", "h2", "h3", "h4", "h5", "h6")
	p.RequireNoFollowOnLinks(true)
	p.AddTargetBlankToFullyQualifiedLinks(false)
	return &Markdown{md: md, easy: easy, policy: p, cache: map[string]template.HTML{}}
}

// Render returns the sanitised HTML of src.
func (m *Markdown) Render(src string) template.HTML { return m.render(m.md, src, src) }

// render converts src with md, sanitises it and caches it under key.
func (m *Markdown) render(md goldmark.Markdown, key, src string) template.HTML {
	m.mu.RLock()
	h, ok := m.cache[key]
	m.mu.RUnlock()
	if ok {
		return h
	}
	var buf bytes.Buffer
	// A fresh ID generator per document keeps heading IDs unique within it.
	ctx := parser.NewContext(parser.WithIDs(&headingIDs{seen: map[string]int{}}))
	if err := md.Convert([]byte(src), &buf, parser.WithContext(ctx)); err != nil {
		return template.HTML(template.HTMLEscapeString(src))
	}
	h = template.HTML(m.policy.SanitizeBytes(buf.Bytes())) //nolint:gosec // sanitised above
	m.mu.Lock()
	if len(m.cache) > 2000 {
		m.cache = map[string]template.HTML{}
	}
	m.cache[key] = h
	m.mu.Unlock()
	return h
}

// headingIDs makes readable ASCII heading IDs that keep German words
// recognisable (ä → ae …), which goldmark's default drops.
type headingIDs struct{ seen map[string]int }

var umlauts = strings.NewReplacer("ä", "ae", "ö", "oe", "ü", "ue", "Ä", "ae", "Ö", "oe", "Ü", "ue", "ß", "ss")

func (h *headingIDs) Generate(value []byte, kind ast.NodeKind) []byte {
	s := umlauts.Replace(strings.ToLower(strings.TrimSpace(string(value))))
	var b strings.Builder
	dash := false
	for _, r := range s {
		switch {
		case r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)):
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	id := strings.TrimRight(b.String(), "-")
	if id == "" {
		id = "abschnitt"
	}
	if n := h.seen[id]; n > 0 {
		h.seen[id] = n + 1
		id = id + "-" + string(rune('0'+n%10))
	} else {
		h.seen[id] = 1
	}
	return []byte(id)
}

func (h *headingIDs) Put(value []byte) { h.seen[string(value)]++ }
