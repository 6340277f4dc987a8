// Package analysis computes statistics of a procedure and draws them as
// accessible SVG charts (each comes with a data table in the page).
package analysis

import (
	"fmt"
	"html/template"
	"strings"
	"unicode"
)

// Bar is one bar of a chart.
type Bar struct {
	Label  string
	Value  int
	Colour string // CSS colour, default the theme's primary
}

// BarChart draws a horizontal bar chart as inline SVG. The SVG is marked
// as an image with a title; the page shows the numbers as a table too.
// It is drawn twice, and the theme shows one: wide (label beside the bar)
// and narrow for phones (label above the bar), because a wide chart
// scaled down to a phone's width shrinks its text to a few pixels.
func BarChart(title string, bars []Bar) template.HTML {
	var sb strings.Builder
	wideBars(&sb, title, bars)
	narrowBars(&sb, title, bars)
	return template.HTML(sb.String()) //nolint:gosec // labels escaped in the drawing
}

func maxValue(bars []Bar) int {
	m := 1
	for _, b := range bars {
		m = max(m, b.Value)
	}
	return m
}

func barColour(b Bar) string {
	if b.Colour == "" || !validColour(b.Colour) {
		return "#005ca9"
	}
	return b.Colour
}

func wideBars(sb *strings.Builder, title string, bars []Bar) {
	const width, rowH, labelW = 640, 32, 220
	top := maxValue(bars)
	fmt.Fprintf(sb, `<svg class="chart chart-wide" role="img" aria-labelledby="%s" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, id(title), width, rowH*len(bars)+10)
	fmt.Fprintf(sb, `<title id="%s">%s</title>`, id(title), template.HTMLEscapeString(title))
	for i, b := range bars {
		y := 5 + i*rowH
		w := (width - labelW - 60) * b.Value / top
		fmt.Fprintf(sb, `<text x="%d" y="%d" text-anchor="end" class="chart-label">%s</text>`, labelW-8, y+20, template.HTMLEscapeString(b.Label))
		fmt.Fprintf(sb, `<rect x="%d" y="%d" width="%d" height="%d" fill="%s"></rect>`, labelW, y+4, w, rowH-10, barColour(b))
		fmt.Fprintf(sb, `<text x="%d" y="%d" class="chart-value">%d</text>`, labelW+w+6, y+20, b.Value)
	}
	sb.WriteString(`</svg>`)
}

// narrowBars is the phone drawing: 300 units wide, so that its text keeps
// about its size on a 320 px screen.
func narrowBars(sb *strings.Builder, title string, bars []Bar) {
	const width, rowH = 300, 46
	top := maxValue(bars)
	nid := id(title) + "-narrow"
	fmt.Fprintf(sb, `<svg class="chart chart-narrow" role="img" aria-labelledby="%s" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, nid, width, rowH*len(bars)+6)
	fmt.Fprintf(sb, `<title id="%s">%s</title>`, nid, template.HTMLEscapeString(title))
	for i, b := range bars {
		y := 4 + i*rowH
		w := (width - 50) * b.Value / top
		fmt.Fprintf(sb, `<text x="0" y="%d" class="chart-label">%s</text>`, y+16, template.HTMLEscapeString(b.Label))
		fmt.Fprintf(sb, `<rect x="0" y="%d" width="%d" height="%d" fill="%s"></rect>`, y+22, w, 16, barColour(b))
		fmt.Fprintf(sb, `<text x="%d" y="%d" class="chart-value">%d</text>`, w+6, y+36, b.Value)
	}
	sb.WriteString(`</svg>`)
}

// id is the chart's title as an element id: its letters and digits in any
// script (an Arabic or Ukrainian title has no Latin ones, and every chart
// would get the same id).
func id(title string) string {
	var b strings.Builder
	b.WriteString("chart-")
	for _, r := range strings.ToLower(title) {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
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

// Palette is the colours of a chart's series, in order; each has a
// contrast of at least 4.5:1 on white.
var Palette = []string{"#005ca9", "#b35900", "#2e7d32", "#6a1b9a", "#c62828", "#00737d", "#5d4037", "#37474f"}

// Line is one series of a line chart.
type Line struct {
	Label  string
	Values []int
	Colour string // default: the palette's colour of its position
}

// Marker is a dashed vertical line at a position of a line chart, numbered
// in the chart; the page lists the numbers with their labels.
type Marker struct {
	Index int
	Label string
}

// LineChart draws series over days as inline SVG: one polyline per series,
// a legend below, the markers as dashed lines numbered from 1. xLabels name
// the positions; a few of them are written under the axis.
func LineChart(title string, xLabels []string, lines []Line, marks []Marker) template.HTML {
	var sb strings.Builder
	lineChart(&sb, title, xLabels, lines, marks, lineWide)
	lineChart(&sb, title, xLabels, lines, marks, lineNarrow)
	return template.HTML(sb.String()) //nolint:gosec // labels escaped in the drawing
}

// lineGeometry is one drawing of a line chart: wide for screens, narrow
// for phones (see BarChart: the theme shows one).
type lineGeometry struct {
	class, idSuffix  string
	width, left      int
	ticks            int // about how many x labels
	plotH, legendRow int
}

var (
	lineWide   = lineGeometry{class: "chart chart-wide", width: 720, left: 48, ticks: 6, plotH: 220, legendRow: 22}
	lineNarrow = lineGeometry{class: "chart chart-narrow", idSuffix: "-narrow", width: 340, left: 40, ticks: 3, plotH: 180, legendRow: 24}
)

func lineChart(sb *strings.Builder, title string, xLabels []string, lines []Line, marks []Marker, g lineGeometry) {
	const right, top = 16, 24
	width, left, plotH, legendRow := g.width, g.left, g.plotH, g.legendRow
	n := len(xLabels)
	maxV := 1
	for _, l := range lines {
		for _, v := range l.Values {
			maxV = max(maxV, v)
		}
	}
	plotW := width - left - right
	x := func(i int) float64 {
		if n <= 1 {
			return float64(left + plotW/2)
		}
		return float64(left) + float64(i)*float64(plotW)/float64(n-1)
	}
	y := func(v int) float64 { return float64(top) + float64(plotH) - float64(v)*float64(plotH)/float64(maxV) }
	h := top + plotH + 36 + legendRow*len(lines) + 8
	cid := id(title) + g.idSuffix
	fmt.Fprintf(sb, `<svg class="%s" role="img" aria-labelledby="%s" viewBox="0 0 %d %d" xmlns="http://www.w3.org/2000/svg">`, g.class, cid, width, h)
	fmt.Fprintf(sb, `<title id="%s">%s</title>`, cid, template.HTMLEscapeString(title))
	for _, v := range []int{0, maxV / 2, maxV} {
		fmt.Fprintf(sb, `<line x1="%d" y1="%.1f" x2="%d" y2="%.1f" stroke="#767676" stroke-width="0.5"></line>`, left, y(v), width-right, y(v))
		fmt.Fprintf(sb, `<text x="%d" y="%.1f" text-anchor="end" class="chart-value">%d</text>`, left-6, y(v)+4, v)
	}
	step := max(1, n/g.ticks)
	for i := 0; i < n; i += step {
		fmt.Fprintf(sb, `<text x="%.1f" y="%d" text-anchor="middle" class="chart-label">%s</text>`, x(i), top+plotH+18, template.HTMLEscapeString(xLabels[i]))
	}
	for k, m := range marks {
		if m.Index < 0 || m.Index >= max(n, 1) {
			continue
		}
		fmt.Fprintf(sb, `<line x1="%.1f" y1="%d" x2="%.1f" y2="%d" stroke="#555555" stroke-dasharray="4 3"><title>%s</title></line>`,
			x(m.Index), top, x(m.Index), top+plotH, template.HTMLEscapeString(m.Label))
		fmt.Fprintf(sb, `<text x="%.1f" y="%d" text-anchor="middle" class="chart-value">%d</text>`, x(m.Index), top-6, k+1)
	}
	for k, l := range lines {
		colour := l.Colour
		if !validColour(colour) {
			colour = Palette[k%len(Palette)]
		}
		var pts strings.Builder
		for i, v := range l.Values[:min(len(l.Values), n)] {
			fmt.Fprintf(&pts, "%.1f,%.1f ", x(i), y(v))
		}
		fmt.Fprintf(sb, `<polyline fill="none" stroke="%s" stroke-width="2" points="%s"></polyline>`, colour, strings.TrimSpace(pts.String()))
		ly := top + plotH + 36 + k*legendRow
		fmt.Fprintf(sb, `<rect x="%d" y="%d" width="14" height="14" fill="%s"></rect>`, left, ly, colour)
		fmt.Fprintf(sb, `<text x="%d" y="%d" class="chart-label">%s</text>`, left+20, ly+12, template.HTMLEscapeString(l.Label))
	}
	sb.WriteString(`</svg>`)
}
