package poster

import (
	"strings"
	"unicode/utf8"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/ast"
	"github.com/yuin/goldmark/text"
	"golang.org/x/text/encoding/charmap"
)

// PlainText is the text of Markdown md without its markup: paragraphs and
// list items become lines, emphasis and links their words.
func PlainText(md string) string {
	src := []byte(md)
	doc := goldmark.New().Parser().Parse(text.NewReader(src))
	var b strings.Builder
	_ = ast.Walk(doc, func(n ast.Node, entering bool) (ast.WalkStatus, error) {
		switch n := n.(type) {
		case *ast.Text:
			if entering {
				b.Write(n.Segment.Value(src))
				if n.SoftLineBreak() || n.HardLineBreak() {
					b.WriteByte(' ')
				}
			}
		case *ast.CodeSpan:
			if entering {
				for c := n.FirstChild(); c != nil; c = c.NextSibling() {
					if t, ok := c.(*ast.Text); ok {
						b.Write(t.Segment.Value(src))
					}
				}
			}
			return ast.WalkSkipChildren, nil
		case *ast.Paragraph, *ast.Heading, *ast.TextBlock:
			if !entering {
				b.WriteByte('\n')
			}
		}
		return ast.WalkContinue, nil
	})
	lines := strings.Split(b.String(), "\n")
	out := lines[:0]
	for _, l := range lines {
		if l = strings.Join(strings.Fields(l), " "); l != "" {
			out = append(out, l)
		}
	}
	return strings.Join(out, "\n")
}

// cp1252 reports whether every rune of s is in Windows-1252, the
// encoding of the PDF core fonts.
func cp1252(s string) bool {
	for _, r := range s {
		if _, ok := charmap.Windows1252.EncodeRune(r); !ok {
			return false
		}
	}
	return true
}

// measure is the width in mm of s set in size (mm, the em) and weight.
type measure func(s string, size float64, bold bool) float64

// wrap breaks s into lines no wider than width (words at spaces, a word
// wider than a line at characters); at most max lines, the last one ending
// in "…" when text was left off. Line breaks in s start a new line.
func wrap(s string, width, size float64, bold bool, w measure, max int) []string {
	var lines []string
	for _, para := range strings.Split(s, "\n") {
		line := ""
		for _, word := range strings.Fields(para) {
			try := word
			if line != "" {
				try = line + " " + word
			}
			if w(try, size, bold) <= width {
				line = try
				continue
			}
			if line != "" {
				lines = append(lines, line)
			}
			line = word
			for w(line, size, bold) > width && utf8.RuneCountInString(line) > 1 {
				head := fitPrefix(line, width, size, bold, w)
				lines = append(lines, head)
				line = line[len(head):]
			}
		}
		if line != "" {
			lines = append(lines, line)
		}
	}
	if len(lines) > max {
		lines = lines[:max]
		last := lines[max-1]
		for last != "" && w(last+" …", size, bold) > width {
			_, n := utf8.DecodeLastRuneInString(last)
			last = last[:len(last)-n]
		}
		lines[max-1] = strings.TrimSpace(last) + " …"
	}
	return lines
}

// fitPrefix is the longest prefix of s (at least one rune) no wider than width.
func fitPrefix(s string, width, size float64, bold bool, w measure) string {
	end := 0
	for i, r := range s {
		next := i + utf8.RuneLen(r)
		if end > 0 && w(s[:next], size, bold) > width {
			break
		}
		end = next
	}
	return s[:end]
}
