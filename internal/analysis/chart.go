// Package analysis computes statistics of a procedure and draws them as
// accessible SVG charts (each comes with a data table in the page).
package analysis

import (
	"fmt"
	"html/template"
	"strings"
)

// Bar is one bar of a chart.
type Bar struct {
	Label  string
	Value  int
	Colour string // CSS colour, default the theme's primary
}

// BarChart draws a horizontal bar chart as inline SVG. The SVG is marked
// as an image with a title; the page shows the numbers as a table too.
func BarChart(title string, bars []Bar) template.HTML {
	const width, rowH, labelW = 640, 32, 220
	max := 1
	for _, b := range bars {
		if b.Value > max {
			max = b.Value
		}
	}
	h := rowH*len(bars) + 10
	var sb strings.Builder
	fmt.Fprintf(&sb, `<svg class="chart" role="img" aria-labelledby="%s" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, id(title), width, h)
	fmt.Fprintf(&sb, `<title id="%s">%s</title>`, id(title), template.HTMLEscapeString(title))
	for i, b := range bars {
		y := 5 + i*rowH
		w := (width - labelW - 60) * b.Value / max
		colour := b.Colour
		if colour == "" || !validColour(colour) {
			colour = "#005ca9"
		}
		fmt.Fprintf(&sb, `<text x="%d" y="%d" text-anchor="end" class="chart-label">%s</text>`, labelW-8, y+20, template.HTMLEscapeString(b.Label))
		fmt.Fprintf(&sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"></rect>`, labelW, y+4, w, rowH-10, colour)
		fmt.Fprintf(&sb, `<text x="%d" y="%d" class="chart-value">%d</text>`, labelW+w+6, y+20, b.Value)
	}
	sb.WriteString(`</svg>`)
	return template.HTML(sb.String()) //nolint:gosec // labels escaped above
}

func id(title string) string {
	var b strings.Builder
	b.WriteString("chart-")
	for _, r := range strings.ToLower(title) {
		if (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') {
			b.WriteRune(r)
		}
	}
	return b.String()
}

func validColour(s string) bool {
	if len(s) != 7 || s[0] != '#' {
		return false
	}
	for _, r := range s[1:] {
		if !strings.ContainsRune("0123456789abcdefABCDEF", r) {
			return false
		}
	}
	return true
}

// ValidColour reports whether s is a #rrggbb colour.
func ValidColour(s string) bool { return validColour(s) }
