package export

import (
	"math"
	"strconv"
	"time"

	"github.com/go-pdf/fpdf"
	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
)

// The report's charts as vector graphics: the timeline as lines over the
// days, the hot spots as the density grid's cells over the area's outline.

var berlin = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return l
	}
	return time.UTC
}()

// rgb splits a "#rrggbb" colour.
func rgb(hex string) (int, int, int) {
	v, err := strconv.ParseUint(hex[1:], 16, 32)
	if err != nil || len(hex) != 7 {
		return 0, 0, 0
	}
	return int(v >> 16 & 0xff), int(v >> 8 & 0xff), int(v & 0xff)
}

// timeline draws the contributions per origin and the comments per day,
// with the phases' and appointments' starts as dashed lines (ratings come
// in larger numbers and would flatten the others; the workbook and the
// page hold them).
func (d *pdfDoc) timeline() {
	t := d.a.View.Timeline
	d.heading("analysis_out.timeline", 95)
	var series []analysis.Series
	for _, s := range t.Series {
		if s.Kind != "ratings" {
			series = append(series, s)
		}
	}
	if len(t.Days) == 0 || len(series) == 0 {
		d.note(d.opt.t("analysis_out.none"))
		return
	}
	peak := 1
	for _, s := range series {
		for _, v := range s.Values {
			peak = max(peak, v)
		}
	}
	left, _, _, _ := d.GetMargins()
	x0, y0 := left+12, d.GetY()+4
	w, h := d.width-14, 60.0
	n := len(t.Days)
	x := func(i int) float64 {
		if n == 1 {
			return x0 + w/2
		}
		return x0 + w*float64(i)/float64(n-1)
	}
	y := func(v int) float64 { return y0 + h - h*float64(v)/float64(peak) }
	d.SetFont("Helvetica", "", 7)
	d.SetDrawColor(200, 200, 200)
	d.SetLineWidth(0.2)
	for _, v := range []int{0, peak / 2, peak} {
		d.Line(x0, y(v), x0+w, y(v))
		d.Text(left, y(v)+1, strconv.Itoa(v))
	}
	d.SetDrawColor(90, 90, 90)
	d.SetDashPattern([]float64{1, 1}, 0)
	for _, m := range t.Marks {
		d.Line(x(m.Day), y0, x(m.Day), y0+h)
		d.TransformBegin()
		d.TransformRotate(90, x(m.Day)-0.8, y0+h-1)
		d.Text(x(m.Day)-0.8, y0+h-1, d.text(shortLabel(m.Label, 40)))
		d.TransformEnd()
	}
	d.SetDashPattern(nil, 0)
	d.SetLineWidth(0.5)
	for k, s := range series {
		r, g, b := rgb(analysis.Palette[k%len(analysis.Palette)])
		d.SetDrawColor(r, g, b)
		if n == 1 {
			d.Circle(x(0), y(s.Values[0]), 0.8, "D")
			continue
		}
		pts := make([]fpdf.PointType, n)
		for i, v := range s.Values {
			pts[i] = fpdf.PointType{X: x(i), Y: y(v)}
		}
		for i := 1; i < n; i++ {
			d.Line(pts[i-1].X, pts[i-1].Y, pts[i].X, pts[i].Y)
		}
	}
	d.SetLineWidth(0.2)
	d.SetDrawColor(0, 0, 0)
	d.Line(x0, y0+h, x0+w, y0+h)
	day := func(i int) string {
		if d.opt.Locale != "" && d.opt.Locale[:min(2, len(d.opt.Locale))] == "de" {
			return t.Days[i].Format("02.01.2006")
		}
		return t.Days[i].Format("2006-01-02")
	}
	d.Text(x0, y0+h+4, day(0))
	last := day(n - 1)
	d.Text(x0+w-d.GetStringWidth(last), y0+h+4, last)
	// the legend, one series a line
	d.SetY(y0 + h + 7)
	for k, s := range series {
		r, g, b := rgb(analysis.Palette[k%len(analysis.Palette)])
		d.SetFillColor(r, g, b)
		yy := d.GetY()
		d.Rect(left, yy+1.2, 4, 2, "F")
		d.SetX(left + 6)
		d.CellFormat(0, 4.5, d.text(d.seriesLabel(s)+": "+strconv.Itoa(s.Total)), "", 1, "L", false, 0, "")
	}
	d.Ln(2)
}

// seriesLabel names a timeline series.
func (d *pdfDoc) seriesLabel(s analysis.Series) string {
	if s.Kind == "comments" {
		return d.opt.t("analysis_out.comments")
	}
	return d.opt.t("analysis_out.contributions") + " – " + originLabel(d.opt, s.Origin)
}

// hotSpots draws the density grid over the procedure's area: the more
// contributions in a cell, the stronger its red; the ten densest cells are
// numbered as in the table below it.
func (d *pdfDoc) hotSpots() {
	h := d.a.Heat
	d.heading("analysis_out.map", 110)
	if h.Cols == 0 || h.Total == 0 {
		d.note(d.opt.t("analysis_out.none"))
		return
	}
	left, _, _, _ := d.GetMargins()
	w := d.width
	ht := w * float64(h.Rows) / float64(h.Cols)
	if ht > 140 {
		w, ht = w*140/ht, 140
	}
	d.room(ht + 10)
	x0, y0 := left+(d.width-w)/2, d.GetY()+2
	cw, ch := w/float64(h.Cols), ht/float64(h.Rows)
	b := h.Bound
	px := func(pt orb.Point) (float64, float64) {
		return x0 + (pt.Lon()-b.Min.Lon())/(b.Max.Lon()-b.Min.Lon())*w, y0 + (b.Max.Lat()-pt.Lat())/(b.Max.Lat()-b.Min.Lat())*ht
	}
	d.SetFillColor(245, 245, 245)
	d.Rect(x0, y0, w, ht, "F")
	for i, n := range h.Cells {
		if n == 0 {
			continue
		}
		r, c := i/h.Cols, i%h.Cols
		// white to #c62828, stronger with the count
		s := 0.15 + 0.85*float64(n)/float64(max(h.Max, 1))
		d.SetFillColor(255-int(s*float64(255-198)), 255-int(s*float64(255-40)), 255-int(s*float64(255-40)))
		d.Rect(x0+float64(c)*cw, y0+float64(r)*ch, cw, ch, "F")
	}
	if d.a.Proc.Area != nil {
		d.SetDrawColor(0, 92, 169)
		d.SetLineWidth(0.5)
		for _, ring := range d.a.Proc.Area {
			pts := make([]fpdf.PointType, len(ring))
			for i, pt := range ring {
				pts[i].X, pts[i].Y = px(pt)
			}
			d.Polygon(pts, "D")
		}
	}
	d.SetDrawColor(0, 0, 0)
	d.SetLineWidth(0.2)
	d.Rect(x0, y0, w, ht, "D")
	// the hot spots: the cell outlined, its rank beside it
	d.SetFont("Helvetica", "B", 7)
	d.SetLineWidth(0.3)
	var placed [][3]float64 // the labels' x, y and width
	for _, hc := range h.Hot {
		label := strconv.Itoa(hc.Rank)
		cx, cy := x0+float64(hc.Col)*cw, y0+float64(hc.Row)*ch
		d.Rect(cx, cy, cw, ch, "D")
		lw := d.GetStringWidth(label) + 1.2
		lx, ly := cx+cw+0.6, cy+ch/2-1.6
		if lx+lw > x0+w {
			lx = cx - 0.6 - lw
		}
		for k := 0; k < 6 && overlaps(placed, lx, ly, lw); k++ { // below a label already there
			ly += 3.4
		}
		placed = append(placed, [3]float64{lx, ly, lw})
		d.SetFillColor(255, 255, 255)
		d.Rect(lx, ly, lw, 3.2, "FD")
		d.Text(lx+0.6, ly+2.6, label)
	}
	// the topics: a blue diamond at the centre of each topic's places
	d.SetDrawColor(0, 92, 169)
	d.SetFillColor(0, 92, 169)
	d.SetTextColor(0, 92, 169)
	for i, t := range d.a.Topics {
		if t.Placed == 0 || !b.Contains(t.Centre) {
			continue
		}
		cx, cy := px(t.Centre)
		d.Polygon([]fpdf.PointType{{X: cx, Y: cy - 1.4}, {X: cx + 1.4, Y: cy}, {X: cx, Y: cy + 1.4}, {X: cx - 1.4, Y: cy}}, "F")
		label := "T" + strconv.Itoa(i+1)
		d.Text(cx-1.8-d.GetStringWidth(label), cy+1, label)
	}
	d.SetTextColor(0, 0, 0)
	d.SetDrawColor(0, 0, 0)
	d.SetY(y0 + ht + 2)
	d.note(d.opt.t("analysis_out.map_note") + " " + strconv.Itoa(int(math.Round(h.CellM))) + " m; max. " + strconv.Itoa(h.Max) + ".")
	var rows [][]string
	for _, hc := range h.Hot {
		rows = append(rows, []string{strconv.Itoa(hc.Rank), strconv.Itoa(hc.Count), coord(hc.Centre.Lat()), coord(hc.Centre.Lon())})
	}
	d.Ln(1)
	d.table(d.cols([]string{d.opt.t("analysis_out.col.rank"), d.opt.t("analysis_out.col.count"), d.opt.t("analysis_out.col.lat"), d.opt.t("analysis_out.col.lon")},
		[]float64{1, 1, 2, 2}, "RRRR"), rows)
}

// overlaps reports whether a label at x, y of width w (3.2 mm high) would
// cover one already placed.
func overlaps(placed [][3]float64, x, y, w float64) bool {
	for _, p := range placed {
		if x < p[0]+p[2] && p[0] < x+w && y < p[1]+3.2 && p[1] < y+3.2 {
			return true
		}
	}
	return false
}
