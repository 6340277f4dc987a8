package analysis

import (
	"strings"
	"testing"

	"github.com/paulmach/orb"
)

// The grid counts each point in the cell it lies in, north row first,
// ranks the densest cells and counts what lies outside the area apart.
func TestHeatGridCountsPointsInTheirCells(t *testing.T) {
	area := orb.Polygon{{{10, 53.5}, {10.024, 53.5}, {10.024, 53.51}, {10, 53.51}, {10, 53.5}}}
	pts := []orb.Point{{10.0005, 53.5095}, {10.0006, 53.5096}, {10.0007, 53.5097}, // north-west corner: 3
		{10.0235, 53.5005}, // south-east corner: 1
		{10.5, 53.5}}       // outside
	h := grid(area.Bound(), pts)
	if h.Cols != HeatColumns || h.Rows < 16 || h.Rows > 18 { // 1,112 m high, 1,590 m wide
		t.Fatalf("grid %d×%d", h.Cols, h.Rows)
	}
	if h.Cells[0] != 3 || h.Cells[len(h.Cells)-1] != 1 || h.Total != 4 || h.Outside != 1 || h.Max != 3 {
		t.Fatalf("cells: first %d last %d total %d outside %d max %d", h.Cells[0], h.Cells[len(h.Cells)-1], h.Total, h.Outside, h.Max)
	}
	if len(h.Hot) != 2 || h.Hot[0].Rank != 1 || h.Hot[0].Count != 3 || h.Hot[1].Row != h.Rows-1 {
		t.Fatalf("hot %+v", h.Hot)
	}
	if h.CellM < 60 || h.CellM > 70 { // 0.024° of longitude at 53.5° is about 1,590 m
		t.Fatalf("cell %f m", h.CellM)
	}
	svg := string(HeatMap("Dichte", h, area))
	if strings.Count(svg, `fill="#c62828"`) != 2 || !strings.Contains(svg, `<path d="M0.0 `) || !strings.Contains(svg, `role="img"`) {
		t.Fatalf("svg %s", svg)
	}
}
