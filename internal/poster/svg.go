package poster

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"strconv"
	"strings"

	"github.com/mitreden/mitreden/internal/qr"
)

// SVG draws the poster of d on paper s as a print-ready SVG document:
// millimetre units, a viewBox of the paper's size, generic font families
// and nothing outside the file.
func SVG(d Doc, s Size) ([]byte, error) {
	bits, err := qr.Bitmap(d.Link)
	if err != nil {
		return nil, err
	}
	// The viewer's sans-serif may be wider than Helvetica: measure with
	// a margin.
	pg := layout(d, s, newMetrics(1.08).width, bits)
	var b bytes.Buffer
	fmt.Fprintf(&b, `<?xml version="1.0" encoding="UTF-8"?>`+"\n")
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" version="1.1" width="%smm" height="%smm" viewBox="0 0 %s %s" lang="%s" xml:lang="%s" direction="%s" font-family="sans-serif">`+"\n",
		num(s.W), num(s.H), num(s.W), num(s.H), esc(pg.Lang), esc(pg.Lang), pg.Dir)
	fmt.Fprintf(&b, "<title>%s</title>\n", esc(pg.Title))
	fmt.Fprintf(&b, `<rect width="%s" height="%s" fill="%s"/>`+"\n", num(s.W), num(s.H), paper)
	for _, r := range pg.Rects {
		fmt.Fprintf(&b, `<rect x="%s" y="%s" width="%s" height="%s" fill="%s"`, num(r.X), num(r.Y), num(r.W), num(r.H), r.Fill)
		if r.Stroke != "" {
			fmt.Fprintf(&b, ` stroke="%s" stroke-width="%s"`, r.Stroke, num(r.SW))
		}
		b.WriteString("/>\n")
	}
	for _, p := range pg.Polys {
		b.WriteString(`<path d="`)
		for _, ring := range p.Rings {
			for i, pt := range ring {
				if i == 0 {
					b.WriteString("M")
				} else {
					b.WriteString(" L")
				}
				b.WriteString(num(pt[0]) + " " + num(pt[1]))
			}
			b.WriteString(" Z")
		}
		fmt.Fprintf(&b, `" fill="%s" fill-opacity="%s" fill-rule="evenodd"`, p.Fill, num(p.FillOpacity))
		if p.Stroke != "" {
			fmt.Fprintf(&b, ` stroke="%s" stroke-width="%s" stroke-linejoin="round"`, p.Stroke, num(p.SW))
		}
		b.WriteString("/>\n")
	}
	for _, l := range pg.Lines {
		fmt.Fprintf(&b, `<line x1="%s" y1="%s" x2="%s" y2="%s" stroke="%s" stroke-width="%s"/>`+"\n",
			num(l.X1), num(l.Y1), num(l.X2), num(l.Y2), l.Stroke, num(l.SW))
	}
	n := len(pg.QR.Bits)
	if n > 0 {
		m := pg.QR.Side / float64(n)
		fmt.Fprintf(&b, `<g transform="translate(%s %s) scale(%s)" shape-rendering="crispEdges"><rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></g>`+"\n",
			num(pg.QR.X), num(pg.QR.Y), strconv.FormatFloat(m, 'f', 5, 64), n, n, qr.Path(pg.QR.Bits))
	}
	for _, t := range pg.Texts {
		anchor, dir := "start", pg.Dir
		switch {
		case t.Middle:
			anchor = "middle"
		case t.LTR && pg.Dir == "rtl" && !t.InMap:
			anchor, dir = "end", "ltr"
		case t.LTR:
			dir = "ltr"
		}
		fmt.Fprintf(&b, `<text x="%s" y="%s" font-size="%s"`, num(t.X), num(t.Y), num(t.Size))
		if t.Bold {
			b.WriteString(` font-weight="bold"`)
		}
		if anchor != "start" {
			fmt.Fprintf(&b, ` text-anchor="%s"`, anchor)
		}
		if dir != pg.Dir {
			fmt.Fprintf(&b, ` direction="%s"`, dir)
		}
		if t.Role != "" {
			fmt.Fprintf(&b, ` class="%s"`, t.Role)
		}
		fmt.Fprintf(&b, ` fill="%s">%s</text>`+"\n", t.Fill, esc(t.S))
	}
	b.WriteString("</svg>\n")
	return b.Bytes(), nil
}

// num writes a length with at most two decimals.
func num(x float64) string {
	s := strconv.FormatFloat(x, 'f', 2, 64)
	s = strings.TrimRight(strings.TrimRight(s, "0"), ".")
	if s == "-0" || s == "" {
		return "0"
	}
	return s
}

func esc(s string) string {
	var b bytes.Buffer
	_ = xml.EscapeText(&b, []byte(s))
	return b.String()
}
