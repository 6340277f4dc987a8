package poster

import (
	"bytes"
	"fmt"

	"github.com/go-pdf/fpdf"

	"github.com/mitreden/mitreden/internal/qr"
)

// PDFSupports reports whether the PDF can set d's language: its messages
// must be Windows-1252, the encoding of the core font Helvetica.
func PDFSupports(d Doc) bool {
	for _, s := range []string{d.Heading, d.ScanHint, d.AddressHint, d.DatesHeading, d.MapHeading, d.North} {
		if !cp1252(s) {
			return false
		}
	}
	return d.Dir != "rtl"
}

// PDF draws the poster of d on paper s as a one-page PDF with the core
// font Helvetica; ErrScript when the language does not fit it (see
// PDFSupports).
func PDF(d Doc, s Size) ([]byte, error) {
	if !PDFSupports(d) {
		return nil, ErrScript
	}
	bits, err := qr.Bitmap(d.Link)
	if err != nil {
		return nil, err
	}
	m := newMetrics(1)
	pg := layout(d, s, m.width, bits)
	pdf := fpdf.NewCustom(&fpdf.InitType{OrientationStr: "P", UnitStr: "mm", Size: fpdf.SizeType{Wd: s.W, Ht: s.H}})
	pdf.SetAutoPageBreak(false, 0)
	pdf.SetMargins(0, 0, 0)
	pdf.SetTitle(d.Title, true)
	pdf.SetLang(d.Lang)
	pdf.SetCreator("Mitreden", true)
	pdf.AddPage()
	tr := pdf.UnicodeTranslatorFromDescriptor("cp1252")
	for _, r := range pg.Rects {
		style := "F"
		fill(pdf, r.Fill)
		if r.Stroke != "" {
			stroke(pdf, r.Stroke, r.SW)
			style = "FD"
		}
		pdf.Rect(r.X, r.Y, r.W, r.H, style)
	}
	for _, p := range pg.Polys {
		for _, ring := range p.Rings {
			pts := make([]fpdf.PointType, len(ring))
			for i, q := range ring {
				pts[i] = fpdf.PointType{X: q[0], Y: q[1]}
			}
			fill(pdf, p.Fill)
			pdf.SetAlpha(p.FillOpacity, "Normal")
			pdf.Polygon(pts, "F")
			pdf.SetAlpha(1, "Normal")
			if p.Stroke != "" {
				stroke(pdf, p.Stroke, p.SW)
				pdf.Polygon(pts, "D")
			}
		}
	}
	for _, l := range pg.Lines {
		stroke(pdf, l.Stroke, l.SW)
		pdf.Line(l.X1, l.Y1, l.X2, l.Y2)
	}
	if n := len(pg.QR.Bits); n > 0 {
		u := pg.QR.Side / float64(n)
		fill(pdf, "#ffffff")
		pdf.Rect(pg.QR.X, pg.QR.Y, pg.QR.Side, pg.QR.Side, "F")
		fill(pdf, "#000000")
		for y, row := range pg.QR.Bits {
			for x := 0; x < n; {
				if !row[x] {
					x++
					continue
				}
				run := x
				for run < n && row[run] {
					run++
				}
				pdf.Rect(pg.QR.X+float64(x)*u, pg.QR.Y+float64(y)*u, float64(run-x)*u, u, "F")
				x = run
			}
		}
	}
	for _, t := range pg.Texts {
		style := ""
		if t.Bold {
			style = "B"
		}
		pdf.SetFont("Helvetica", style, t.Size/ptMM)
		r, g, b := rgb(t.Fill)
		pdf.SetTextColor(r, g, b)
		x := t.X
		if t.Middle {
			x -= m.width(t.S, t.Size, t.Bold) / 2
		}
		pdf.Text(x, t.Y, tr(t.S))
	}
	var out bytes.Buffer
	if err := pdf.Output(&out); err != nil {
		return nil, fmt.Errorf("poster: unable to write the PDF: %w", err)
	}
	return out.Bytes(), nil
}

func fill(pdf *fpdf.Fpdf, hex string) {
	r, g, b := rgb(hex)
	pdf.SetFillColor(r, g, b)
}

func stroke(pdf *fpdf.Fpdf, hex string, w float64) {
	r, g, b := rgb(hex)
	pdf.SetDrawColor(r, g, b)
	pdf.SetLineWidth(w)
}

// rgb reads a colour "#rrggbb".
func rgb(hex string) (r, g, b int) {
	_, _ = fmt.Sscanf(hex, "#%02x%02x%02x", &r, &g, &b)
	return
}
