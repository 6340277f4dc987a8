package analysis

import (
	"sort"
	"strings"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// Timeline is the activity of a procedure per day: published contributions
// by origin (online, each workshop table, letters, phone, paper), published
// comments and ratings, with the phases' and appointments' starts marked.
// Days are calendar days in Europe/Berlin.
type Timeline struct {
	Days   []time.Time // every day of the span, at midnight
	Series []Series
	Marks  []Mark
}

// Series is one line of the timeline.
type Series struct {
	Kind   string // "contributions", "comments" or "ratings"
	Origin string // contributions only: online, table:N, letter, phone, paper, import
	Values []int  // one per day
	Total  int
}

// Mark is the start of a phase or an appointment within the span.
type Mark struct {
	Day   int    // index into Days
	Kind  string // "phase" or "appointment"
	Label string // the appointment's title, the phase's title or kind
	At    time.Time
}

// Row is one day of the timeline's table: the values of the series.
type Row struct {
	Day    time.Time
	Values []int
}

// maxDays bounds the span of a timeline: the most recent days are kept.
const maxDays = 400

var berlin = func() *time.Location {
	if l, err := time.LoadLocation("Europe/Berlin"); err == nil {
		return l
	}
	return time.UTC
}()

// dayOf numbers a moment's calendar day in Berlin.
func dayOf(t time.Time) int64 {
	y, m, d := t.In(berlin).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC).Unix() / 86400
}

// timeline collects activity one event at a time.
type timeline struct {
	counts map[string]map[int64]int // series key → day → count
	lo, hi int64
}

func newTimeline() *timeline {
	return &timeline{counts: map[string]map[int64]int{}, lo: 1 << 62, hi: -1 << 62}
}

func (tl *timeline) add(key string, at time.Time) {
	d := dayOf(at)
	m := tl.counts[key]
	if m == nil {
		m = map[int64]int{}
		tl.counts[key] = m
	}
	m[d]++
	tl.lo, tl.hi = min(tl.lo, d), max(tl.hi, d)
}

// build lays the counts out day by day and marks the phases and
// appointments that start within the span.
func (tl *timeline) build(phases []model.Phase, appointments []model.Appointment) Timeline {
	var out Timeline
	if tl.hi < tl.lo {
		return out
	}
	lo := max(tl.lo, tl.hi-maxDays+1)
	for d := lo; d <= tl.hi; d++ {
		out.Days = append(out.Days, time.Unix(d*86400, 0).UTC())
	}
	keys := make([]string, 0, len(tl.counts))
	for k := range tl.counts {
		keys = append(keys, k)
	}
	sort.Slice(keys, func(i, j int) bool { return seriesOrder(keys[i]) < seriesOrder(keys[j]) })
	for _, k := range keys {
		kind, origin, _ := strings.Cut(k, "|")
		s := Series{Kind: kind, Origin: origin, Values: make([]int, len(out.Days))}
		for d, n := range tl.counts[k] {
			if d >= lo {
				s.Values[d-lo] = n
				s.Total += n
			}
		}
		out.Series = append(out.Series, s)
	}
	mark := func(kind, label string, at time.Time) {
		if d := dayOf(at); d >= lo && d <= tl.hi {
			out.Marks = append(out.Marks, Mark{Day: int(d - lo), Kind: kind, Label: label, At: at})
		}
	}
	for _, ph := range phases {
		label := ph.Title
		if label == "" {
			label = string(ph.Kind)
		}
		mark("phase", label, ph.StartsAt)
	}
	for _, a := range appointments {
		mark("appointment", a.Title, a.StartsAt)
	}
	sort.SliceStable(out.Marks, func(i, j int) bool { return out.Marks[i].Day < out.Marks[j].Day })
	return out
}

// seriesOrder sorts contributions first (online, tables by number, then
// letters, phone, paper, import), then comments, then ratings.
func seriesOrder(key string) string {
	kind, origin, _ := strings.Cut(key, "|")
	rank := map[string]string{"contributions": "0", "comments": "1", "ratings": "2"}[kind]
	o := map[string]string{"online": "0", "table": "1", "letter": "2", "phone": "3", "paper": "4", "import": "5"}[model.OriginKind(origin)]
	return rank + o + strings.Repeat("0", max(0, 8-len(origin))) + origin
}

// Rows are the days with any activity, for the chart's table.
func (t Timeline) Rows() []Row {
	var out []Row
	for i, d := range t.Days {
		r := Row{Day: d, Values: make([]int, len(t.Series))}
		any := false
		for j, s := range t.Series {
			r.Values[j] = s.Values[i]
			any = any || s.Values[i] > 0
		}
		if any {
			out = append(out, r)
		}
	}
	return out
}
