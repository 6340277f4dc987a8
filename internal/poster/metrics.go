package poster

import (
	"strings"

	"github.com/go-pdf/fpdf"
)

// ptMM is one typographic point in millimetres.
const ptMM = 25.4 / 72

// metrics measures text with Helvetica's widths (the PDF's font, and close
// to the sans-serif an SVG viewer picks); runes Helvetica lacks count as
// other em wide. scale widens everything, a margin for the SVG, whose
// font is the viewer's.
type metrics struct {
	pdf   *fpdf.Fpdf
	tr    func(string) string
	scale float64
	other float64
}

func newMetrics(scale float64) *metrics {
	p := fpdf.New("P", "mm", "A4", "")
	return &metrics{pdf: p, tr: p.UnicodeTranslatorFromDescriptor(""), scale: scale, other: 0.6}
}

// width is the width in mm of s set in size (mm).
func (m *metrics) width(s string, size float64, bold bool) float64 {
	style := ""
	if bold {
		style = "B"
	}
	m.pdf.SetFont("Helvetica", style, size/ptMM)
	var run strings.Builder
	total := 0.0
	for _, r := range s {
		if cp1252(string(r)) {
			run.WriteRune(r)
		} else {
			total += m.other * size
		}
	}
	total += m.pdf.GetStringWidth(m.tr(run.String()))
	return total * m.scale
}
