// Package qr draws QR codes as vector shapes: the table's hand-off code,
// the posters' code and any other page that shows one. The modules come
// from github.com/skip2/go-qrcode (with its quiet zone); what is drawn
// here is one path of unit squares, which any size can scale.
package qr

import (
	"fmt"
	"strings"

	qrcode "github.com/skip2/go-qrcode"
)

// Bitmap returns the code's modules for s (true is dark), rows top to
// bottom, with the quiet zone around them.
func Bitmap(s string) ([][]bool, error) {
	q, err := qrcode.New(s, qrcode.Medium)
	if err != nil {
		return nil, err
	}
	return q.Bitmap(), nil
}

// Path is the SVG path data of the dark modules of bits, one unit each.
func Path(bits [][]bool) string {
	var b strings.Builder
	for y, row := range bits {
		for x, on := range row {
			if on {
				fmt.Fprintf(&b, "M%d %dh1v1h-1z", x, y)
			}
		}
	}
	return b.String()
}

// SVG draws the QR code of s as a standalone SVG document (white ground,
// black modules, viewBox in modules, scaled by the viewer).
func SVG(s string) (string, error) {
	bits, err := Bitmap(s)
	if err != nil {
		return "", err
	}
	n := len(bits)
	return fmt.Sprintf(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`+
		`<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="%s"/></svg>`, n, n, n, n, Path(bits)), nil
}
