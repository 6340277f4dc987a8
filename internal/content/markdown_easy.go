package content

import (
	"html/template"
	"strings"

	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/parser"
	"github.com/yuin/goldmark/text"
)

// RenderEasy returns the sanitised HTML of src, a text in Leichte Sprache,
// with one sentence per line: a line break after each sentence and at each
// line end of the source (authors often write one sentence a line).
func (m *Markdown) RenderEasy(src string) template.HTML {
	return m.render(m.easy, "easy\x00"+src, src)
}

// sentenceBreaks ends each sentence of the document's text with a hard
// line break (the same sentence ends as markSentences finds).
type sentenceBreaks struct{}

func (sentenceBreaks) Transform(doc *ast.Document, reader text.Reader, _ parser.Context) {
	src := reader.Source()
	var texts []*ast.Text
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		if !entering {
			return ast.WalkContinue, nil
		}
		switch t := n.(type) {
		case *ast.CodeSpan, *ast.CodeBlock, *ast.FencedCodeBlock, *ast.HTMLBlock, *ast.RawHTML:
			return ast.WalkSkipChildren, nil
		case *ast.Text:
			texts = append(texts, t)
		}
		return ast.WalkContinue, nil
	})
	for _, t := range texts {
		splitSentences(t, src)
	}
	for _, t := range texts {
		joinAcross(t, src)
	}
}

// splitSentences splits t after each sentence inside it.
func splitSentences(t *ast.Text, src []byte) {
	for {
		v := string(t.Segment.Value(src))
		end, next := sentenceEnd(v)
		if next < 0 {
			return
		}
		rest := ast.NewTextSegment(text.NewSegment(t.Segment.Start+next, t.Segment.Stop))
		rest.SetSoftLineBreak(t.SoftLineBreak())
		rest.SetHardLineBreak(t.HardLineBreak())
		t.Segment = text.NewSegment(t.Segment.Start, t.Segment.Start+end)
		t.SetSoftLineBreak(false)
		t.SetHardLineBreak(true)
		t.Parent().InsertAfter(t.Parent(), t, rest)
		t = rest
	}
}

// joinAcross breaks the line between t and the text after it where a
// sentence ends at t's end (the inline parser splits text at "!", quotes …).
func joinAcross(t *ast.Text, src []byte) {
	next, ok := t.NextSibling().(*ast.Text)
	if !ok || t.SoftLineBreak() || t.HardLineBreak() {
		return
	}
	v := string(t.Segment.Value(src)) + string(next.Segment.Value(src))
	end, start := sentenceEnd(v)
	l := t.Segment.Len()
	if start < 0 || end > l || start < l {
		return
	}
	t.Segment = text.NewSegment(t.Segment.Start, t.Segment.Start+end)
	t.SetHardLineBreak(true)
	next.Segment = text.NewSegment(next.Segment.Start+start-l, next.Segment.Stop)
}

// sentenceEnd finds the first sentence end in v: end is where the
// sentence (with its closing quotes) stops, next where the next begins; -1
// without one.
func sentenceEnd(v string) (end, next int) {
	i := strings.Index(markSentences(v), SentenceMark)
	if i < 0 {
		return -1, -1
	}
	// Before the first mark the marked text is v's own; the mark stands
	// for the spaces that follow there in v.
	next = i
	for next < len(v) && (v[next] == ' ' || v[next] == '\n') {
		next++
	}
	return i, next
}
