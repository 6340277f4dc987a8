package admin

import (
	"html/template"
	"strings"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/model"
)

// timelineView is the timeline section of the analysis page: the chart,
// the names of its series (the table's columns), its rows and the marks.
type timelineView struct {
	// Chart draws contributions and comments; Ratings the ratings, which
	// come in larger numbers and would flatten the others' lines.
	Chart   template.HTML
	Ratings template.HTML
	Columns []string
	Rows    []analysis.Row
	Marks   []analysis.Mark
}

// seriesLabel names a series in the page's language.
func seriesLabel(l *content.Localizer, s analysis.Series) string {
	switch s.Kind {
	case "comments":
		return l.T("timeline.comments")
	case "ratings":
		return l.T("timeline.ratings")
	}
	kind := model.OriginKind(s.Origin)
	if kind == "" {
		return l.T("timeline.contributions", "Origin", s.Origin)
	}
	origin := l.T("card.origin_" + kind)
	if kind == "table" {
		origin += " " + strings.TrimPrefix(s.Origin, "table:")
	}
	return l.T("timeline.contributions", "Origin", origin)
}

func newTimelineView(l *content.Localizer, t analysis.Timeline) timelineView {
	var v timelineView
	if len(t.Days) == 0 {
		return v
	}
	labels := make([]string, len(t.Days))
	for i, d := range t.Days {
		labels[i] = d.Format("02.01.")
	}
	var lines, ratings []analysis.Line
	for i, s := range t.Series {
		v.Columns = append(v.Columns, seriesLabel(l, s))
		line := analysis.Line{Label: v.Columns[i], Values: s.Values, Colour: analysis.Palette[i%len(analysis.Palette)]}
		if s.Kind == "ratings" {
			ratings = append(ratings, line)
		} else {
			lines = append(lines, line)
		}
	}
	marks := make([]analysis.Marker, len(t.Marks))
	for i, m := range t.Marks {
		marks[i] = analysis.Marker{Index: m.Day, Label: m.Label}
	}
	v.Chart, v.Rows, v.Marks = analysis.LineChart(l.T("timeline.chart"), labels, lines, marks), t.Rows(), t.Marks
	if len(ratings) > 0 {
		v.Ratings = analysis.LineChart(l.T("timeline.ratings_chart"), labels, ratings, marks)
	}
	return v
}
