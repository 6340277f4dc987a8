package poster

import "math"

// The poster's colours: a dark blue band (white text on it has a contrast
// of 7:1) and the area in the same blue.
const (
	accent = "#1d4f7a"
	ink    = "#1a1a1a"
	muted  = "#5c5c5c"
	paper  = "#ffffff"
)

// page is a laid-out poster: shapes and text in millimetres from the top
// left, drawn in this order: rects, polygons, lines, the QR code, texts.
type page struct {
	Size       Size
	Lang, Dir  string
	Title      string
	Rects      []rect
	Polys      []poly
	Lines      []line
	QR         qrItem
	Texts      []textItem
	mapX, mapW float64 // the map's box, which RTL mirrors as a whole
	hasMap     bool
}

type rect struct {
	X, Y, W, H   float64
	Fill, Stroke string
	SW           float64
}

type poly struct {
	Rings       [][][2]float64
	Fill        string
	FillOpacity float64
	Stroke      string
	SW          float64
	InMap       bool
}

type line struct {
	X1, Y1, X2, Y2 float64
	Stroke         string
	SW             float64
	InMap          bool
}

type qrItem struct {
	X, Y, Side float64
	Bits       [][]bool
}

type textItem struct {
	X, Y   float64 // baseline start
	Size   float64 // mm
	Bold   bool
	Fill   string
	S      string
	Middle bool   // centred on X
	LTR    bool   // left to right even on an RTL poster (addresses, numbers)
	InMap  bool   // moves with the map when mirrored
	Role   string // "title" for the procedure's title (tests and PDF outline)
}

// layout places d on paper s; w measures text, bits is the QR code.
func layout(d Doc, s Size, w measure, bits [][]bool) page {
	k := s.W / 210 // everything is designed on A4 and scales
	W, H := s.W, s.H
	M := 14 * k
	pg := page{Size: s, Lang: d.Lang, Dir: d.Dir, Title: d.Title}
	text := func(x, y, size float64, bold bool, fill, str string) *textItem {
		pg.Texts = append(pg.Texts, textItem{X: x, Y: y, Size: size, Bold: bold, Fill: fill, S: str})
		return &pg.Texts[len(pg.Texts)-1]
	}
	// block sets lines from top y and returns the y below them.
	block := func(lines []string, x, y, size, lh float64, bold bool, fill string) float64 {
		for i, l := range lines {
			text(x, y+size*0.8+float64(i)*lh*size, size, bold, fill, l)
		}
		return y + float64(len(lines))*lh*size
	}

	// The band with the call to take part.
	band := 32 * k
	pg.Rects = append(pg.Rects, rect{X: 0, Y: 0, W: W, H: band, Fill: accent})
	hs := fitSize(d.Heading, W-2*M, 28*ptMM*k, true, w)
	text(M, band/2+hs*0.35, hs, true, paper, d.Heading)

	// The footer with the short address.
	foot := 28 * k
	pg.Rects = append(pg.Rects, rect{X: 0, Y: H - foot, W: W, H: foot, Fill: accent})
	text(M, H-foot+9*k, 12*ptMM*k, false, paper, d.AddressHint)
	as := fitSize(d.Short, W-2*M, 22*ptMM*k, true, w)
	text(M, H-foot+21*k, as, true, paper, d.Short).LTR = true

	// The dates, above the footer: label and days in two columns.
	ds := 11 * ptMM * k
	labelW := 0.0
	for _, l := range d.Dates {
		labelW = math.Max(labelW, w(l.Label, ds, true))
	}
	labelW = math.Min(labelW+4*k, (W-2*M)*0.5)
	type row struct{ label, dates []string }
	var rows []row
	rowsH := 0.0
	for _, l := range d.Dates {
		r := row{wrap(l.Label, labelW-3*k, ds, true, w, 2), wrap(l.Dates, W-2*M-labelW, ds, false, w, 2)}
		rows = append(rows, r)
		rowsH += float64(max(len(r.label), len(r.dates)))*1.35*ds + 1.5*k
	}
	hd := 14 * ptMM * k
	datesTop := H - foot - 8*k - rowsH
	if len(d.Dates) > 0 {
		datesTop -= hd * 1.6
		y := block([]string{d.DatesHeading}, M, datesTop, hd, 1.6, true, accent)
		for _, r := range rows {
			a := block(r.label, M, y, ds, 1.35, true, ink)
			b := block(r.dates, M+labelW, y, ds, 1.35, false, ink)
			y = math.Max(a, b) + 1.5*k
		}
	}

	// Title and question: as much of the summary as leaves room for the
	// map and the code.
	y := band + 12*k
	ts := 26 * ptMM * k
	n0 := len(pg.Texts)
	y = block(wrap(d.Title, W-2*M, ts, true, w, 4), M, y, ts, 1.18, true, ink)
	for i := n0; i < len(pg.Texts); i++ {
		pg.Texts[i].Role = "title"
	}
	y += 4 * k
	ss := 12.5 * ptMM * k
	sum := wrap(d.Summary, W-2*M, ss, false, w, 9)
	minMiddle := 95 * k
	for len(sum) > 0 && datesTop-8*k-(y+float64(len(sum))*1.4*ss+8*k) < minMiddle {
		sum = wrap(d.Summary, W-2*M, ss, false, w, len(sum)-1)
		if len(sum) == 1 && datesTop-8*k-(y+1.4*ss+8*k) < minMiddle {
			sum = nil
		}
	}
	y = block(sum, M, y, ss, 1.4, false, ink) + 8*k

	// The map (left) and the QR code with its hint (right).
	bottom := datesTop - 8*k
	hint := 13 * ptMM * k
	md, hasMap := mapDrawing{}, false
	qrCol, qrW := M, W-2*M
	if d.Area != nil {
		mapW := (W - 2*M) * 0.56
		top := y + 12*ptMM*k*1.5
		mh := math.Min(bottom-top, mapW*1.3)
		if md, hasMap = drawArea(d.Area, M, top, mapW, mh); hasMap {
			pg.hasMap, pg.mapX, pg.mapW = true, M, mapW
			t := text(M, y+12*ptMM*k, 12*ptMM*k, true, accent, d.MapHeading)
			t.InMap = true
			pg.Rects = append(pg.Rects, rect{X: M, Y: top, W: mapW, H: mh, Fill: "#f4f6f8", Stroke: "#8a9aa8", SW: 0.3 * k})
			pg.Polys = append(pg.Polys, poly{Rings: md.Rings, Fill: accent, FillOpacity: 0.18, Stroke: accent, SW: 0.8 * k, InMap: true})
			arrow(&pg, M+mapW-9*k, top+5*k, k, d.North)
			if md.ScaleMM > 0 {
				x0, yb := M+5*k, top+mh-5*k
				pg.Lines = append(pg.Lines, line{x0, yb, x0 + md.ScaleMM, yb, ink, 0.6 * k, true},
					line{x0, yb - 1.5*k, x0, yb + 0.3*k, ink, 0.5 * k, true},
					line{x0 + md.ScaleMM, yb - 1.5*k, x0 + md.ScaleMM, yb + 0.3*k, ink, 0.5 * k, true})
				t := text(x0, yb-2.2*k, 9*ptMM*k, false, ink, md.ScaleTxt)
				t.LTR, t.InMap = true, true
			}
			qrCol, qrW = M+mapW+8*k, W-2*M-mapW-8*k
		}
	}
	hl := wrap(d.ScanHint, qrW, hint, true, w, 3)
	side := math.Min(qrW, bottom-y-float64(len(hl))*1.3*hint-3*k)
	side = math.Max(side, 35*k) // still readable by a phone when the rest crowds the page
	if !hasMap {
		side = math.Min(side, 100*k)
		qrCol = (W - side) / 2
		for i, l := range hl {
			t := text(W/2, y+hint*0.8+float64(i)*1.3*hint, hint, true, ink, l)
			t.Middle = true
		}
	} else {
		block(hl, qrCol, y, hint, 1.3, true, ink)
	}
	pg.QR = qrItem{X: qrCol, Y: y + float64(len(hl))*1.3*hint + 3*k, Side: side, Bits: bits}
	if pg.Dir == "rtl" {
		mirror(&pg)
	}
	return pg
}

// arrow draws a north arrow with its letter, the tip at x, y.
func arrow(pg *page, x, y, k float64, north string) {
	pg.Polys = append(pg.Polys, poly{Rings: [][][2]float64{{{x, y}, {x + 2.5*k, y + 7*k}, {x, y + 5.5*k}, {x - 2.5*k, y + 7*k}}},
		Fill: ink, FillOpacity: 1, InMap: true})
	pg.Texts = append(pg.Texts, textItem{X: x, Y: y + 11.5*k, Size: 9 * ptMM * k, Bold: true, Fill: ink, S: north, Middle: true, InMap: true})
}

// fitSize is size, made smaller until s fits width (not below half).
func fitSize(s string, width, size float64, bold bool, w measure) float64 {
	for f := size; f > size/2; f *= 0.95 {
		if w(s, f, bold) <= width {
			return f
		}
	}
	return size / 2
}

// mirror turns a laid-out page right to left: text starts at the right
// margin, the map moves to the right and the code to the left; the map's
// drawing itself keeps east to the right.
func mirror(pg *page) {
	W := pg.Size.W
	dx := W - 2*pg.mapX - pg.mapW // the map box's move
	for i := range pg.Rects {
		r := &pg.Rects[i]
		r.X = W - r.X - r.W
	}
	for i := range pg.Polys {
		for _, ring := range pg.Polys[i].Rings {
			for j := range ring {
				ring[j][0] += dx
			}
		}
	}
	for i := range pg.Lines {
		pg.Lines[i].X1 += dx
		pg.Lines[i].X2 += dx
	}
	pg.QR.X = W - pg.QR.X - pg.QR.Side
	for i := range pg.Texts {
		t := &pg.Texts[i]
		if t.InMap && (t.Middle || t.LTR) {
			t.X += dx
			continue
		}
		t.X = W - t.X
	}
}
