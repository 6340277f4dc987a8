package analysis

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// The timeline counts per Berlin day and series, orders the series
// (contributions by origin, then comments, then ratings) and marks the
// phases and appointments that start within its span.
func TestTimelineCountsPerDayAndMarksPhasesAndAppointments(t *testing.T) {
	day := func(d, hour int) time.Time { return time.Date(2026, 5, d, hour, 30, 0, 0, berlin) }
	tl := newTimeline()
	tl.add("contributions|online", day(4, 9))
	tl.add("contributions|online", day(4, 23)) // 23:30 in Berlin is still the 4th (21:30 UTC)
	tl.add("ratings|", day(6, 0))              // 00:30 in Berlin is the 6th (22:30 UTC on the 5th)
	tl.add("contributions|table:2", day(6, 18))
	tl.add("contributions|letter", day(5, 10))
	tl.add("comments|", day(5, 12))
	tl.add("contributions|table:10", day(6, 18))
	got := tl.build([]model.Phase{{Kind: model.PhaseParticipation, StartsAt: day(5, 0)}, {Kind: model.PhaseEvaluation, StartsAt: day(20, 0)}},
		[]model.Appointment{{Title: "Werkstatt", StartsAt: day(6, 17)}, {Title: "Vorher", StartsAt: day(1, 17)}})
	if len(got.Days) != 3 || got.Days[0].Format("2006-01-02") != "2026-05-04" {
		t.Fatalf("days %v", got.Days)
	}
	var keys []string
	for _, s := range got.Series {
		keys = append(keys, fmt.Sprintf("%s|%s=%v", s.Kind, s.Origin, s.Values))
	}
	want := "contributions|online=[2 0 0] contributions|table:2=[0 0 1] contributions|table:10=[0 0 1] contributions|letter=[0 1 0] comments|=[0 1 0] ratings|=[0 0 1]"
	if strings.Join(keys, " ") != want {
		t.Fatalf("series\n got %s\nwant %s", strings.Join(keys, " "), want)
	}
	if len(got.Marks) != 2 || got.Marks[0].Day != 1 || got.Marks[0].Kind != "phase" || got.Marks[1].Day != 2 || got.Marks[1].Label != "Werkstatt" {
		t.Fatalf("marks %+v", got.Marks)
	}
	if rows := got.Rows(); len(rows) != 3 || rows[0].Values[0] != 2 {
		t.Fatalf("rows %+v", rows)
	}
	svg := string(LineChart("Beteiligung", []string{"04.05.", "05.05.", "06.05."}, []Line{{Label: "online", Values: got.Series[0].Values}},
		[]Marker{{Index: 1, Label: "Beteiligung <beginnt>"}}))
	if !strings.Contains(svg, `role="img"`) || !strings.Contains(svg, "<polyline") || !strings.Contains(svg, "&lt;beginnt&gt;") || !strings.Contains(svg, "stroke-dasharray") {
		t.Fatalf("chart %s", svg)
	}
}
