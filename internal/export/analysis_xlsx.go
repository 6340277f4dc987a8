package export

import (
	"fmt"
	"io"
	"math"
	"sort"
	"strconv"
	"strings"

	"github.com/mitreden/mitreden/internal/analysis"
)

// sheetData is one worksheet of the analysis workbook: its name, column
// widths, heading and rows (ints and strings).
type sheetData struct {
	name   string
	widths []float64
	head   []string
	rows   [][]any
}

// writeAnalysisXLSX writes the analysis as a workbook of one sheet per
// analysis: topics, their members, frequent words, planners' keywords,
// near-duplicates, the cross table of category × type × origin × planning
// status and its two-way tables. The analyses are small (a few hundred
// rows but for the members), so each sheet is built before it is written.
func writeAnalysisXLSX(a *Analysis, w io.Writer, opt Options) error {
	sheets := []sheetData{topicSheet(a, &opt), memberSheet(a, &opt), wordSheet(a, &opt), keywordSheet(a, &opt),
		duplicateSheet(a, &opt), crossSheet(a, &opt)}
	p := a.Proc
	cat := func(r CrossRow) string { return categoryLabel(&opt, p, r.Category) }
	sheets = append(sheets,
		pivotSheet(a, &opt, "analysis_out.sheet.category_origin", cat, func(r CrossRow) string { return originLabel(&opt, r.Origin) }),
		pivotSheet(a, &opt, "analysis_out.sheet.category_type", cat, func(r CrossRow) string {
			if r.Type == "" {
				return opt.t("analysis_out.no_type")
			}
			return typeLabel(&opt, p, r.Type)
		}),
		pivotSheet(a, &opt, "analysis_out.sheet.category_planning", cat, func(r CrossRow) string { return planningLabel(&opt, p, r.Planning) }))
	names := make([]string, len(sheets))
	for i, s := range sheets {
		names[i] = s.name
	}
	wb, err := newWorkbook(w, names)
	if err != nil {
		return fmt.Errorf("export: unable to start the analysis workbook: %w", err)
	}
	for _, sd := range sheets {
		sh, err := wb.sheet(sd.widths)
		if err != nil {
			return err
		}
		if err := sh.heading(sd.head); err != nil {
			sh.abort(err)
			return err
		}
		for _, r := range sd.rows {
			if err := sh.add(r, false); err != nil {
				sh.abort(err)
				return err
			}
		}
		if err := sh.end(); err != nil {
			return err
		}
	}
	return wb.close()
}

// heads translates the column headings analysis_out.col.KEY.
func heads(opt *Options, keys ...string) []string {
	out := make([]string, len(keys))
	for i, k := range keys {
		out[i] = opt.t("analysis_out.col." + k)
	}
	return out
}

// shares lists a topic's shares as "Label 50 %; Label 30 %".
func shares(list []analysis.Share, total int, label func(string) string) string {
	parts := make([]string, len(list))
	for i, s := range list {
		parts[i] = fmt.Sprintf("%s %d %%", label(s.Key), s.Percent(total))
	}
	return strings.Join(parts, "; ")
}

// coord formats a longitude or latitude.
func coord(x float64) string { return strconv.FormatFloat(x, 'f', 6, 64) }

func topicSheet(a *Analysis, opt *Options) sheetData {
	sd := sheetData{name: opt.t("analysis_out.sheet.topics"), widths: []float64{38, 30, 40, 10, 10, 40, 30, 10, 10, 12, 12},
		head: heads(opt, "topic_key", "topic", "terms", "size", "share", "categories", "origins", "up", "down", "lat", "lon")}
	for _, t := range a.Topics {
		lat, lon := "", ""
		if t.Placed > 0 {
			lat, lon = coord(t.Centre.Lat()), coord(t.Centre.Lon())
		}
		sd.rows = append(sd.rows, []any{t.Key, t.Label, strings.Join(t.Terms, ", "), t.Size,
			analysis.Share{N: t.Size}.Percent(a.View.Texts),
			shares(t.Categories, t.Size, func(k string) string { return categoryLabel(opt, a.Proc, k) }),
			shares(t.Origins, t.Size, func(k string) string { return originLabel(opt, k) }),
			t.Up, t.Down, lat, lon})
	}
	return sd
}

func memberSheet(a *Analysis, opt *Options) sheetData {
	sd := sheetData{name: opt.t("analysis_out.sheet.members"), widths: []float64{38, 30, 38, 50},
		head: heads(opt, "topic_key", "topic", "id", "title")}
	for _, t := range a.Topics {
		for i, id := range t.Members {
			title := ""
			if i < len(t.Titles) {
				title = t.Titles[i]
			}
			sd.rows = append(sd.rows, []any{t.Key, t.Label, id, title})
		}
	}
	return sd
}

func wordSheet(a *Analysis, opt *Options) sheetData {
	sd := sheetData{name: opt.t("analysis_out.sheet.words"), widths: []float64{30, 12, 12},
		head: heads(opt, "word", "count", "related")}
	for _, w := range a.View.Words {
		sd.rows = append(sd.rows, []any{w.Word, w.Count, w.Related})
	}
	return sd
}

func keywordSheet(a *Analysis, opt *Options) sheetData {
	sd := sheetData{name: opt.t("analysis_out.sheet.keywords"), widths: []float64{30, 12, 80},
		head: heads(opt, "keyword", "count", "ids")}
	for _, k := range a.Keywords {
		sd.rows = append(sd.rows, []any{k.Keyword, len(k.Contributions), strings.Join(k.Contributions, ", ")})
	}
	return sd
}

func duplicateSheet(a *Analysis, opt *Options) sheetData {
	sd := sheetData{name: opt.t("analysis_out.sheet.duplicates"), widths: []float64{38, 40, 38, 40, 12, 12},
		head: heads(opt, "a", "title_a", "b", "title_b", "score", "distance")}
	for _, pr := range a.Duplicates {
		var dist any = ""
		if pr.Distance >= 0 {
			dist = int(math.Round(pr.Distance))
		}
		sd.rows = append(sd.rows, []any{pr.A, pr.ATitle, pr.B, pr.BTitle, pr.Percent(), dist})
	}
	return sd
}

func crossSheet(a *Analysis, opt *Options) sheetData {
	sd := sheetData{name: opt.t("analysis_out.sheet.cross"), widths: []float64{24, 20, 20, 24, 10},
		head: heads(opt, "category", "type", "origin", "planning", "count")}
	for _, r := range a.Cross {
		sd.rows = append(sd.rows, []any{categoryLabel(opt, a.Proc, r.Category), typeLabel(opt, a.Proc, r.Type),
			originLabel(opt, r.Origin), planningLabel(opt, a.Proc, r.Planning), r.N})
	}
	return sd
}

// pivot is a two-way table: row and column labels (most counted first) and
// the counts.
type pivot struct {
	Rows, Cols []string
	N          [][]int
	RowSum     []int
	ColSum     []int
	Total      int
}

// pivotOf counts the cross table by two of its fields.
func pivotOf(cross []CrossRow, row, col func(CrossRow) string) pivot {
	rs, cs := map[string]int{}, map[string]int{}
	for _, r := range cross {
		rs[row(r)] += r.N
		cs[col(r)] += r.N
	}
	order := func(m map[string]int) []string {
		out := make([]string, 0, len(m))
		for k := range m {
			out = append(out, k)
		}
		sort.Slice(out, func(i, j int) bool {
			if m[out[i]] != m[out[j]] {
				return m[out[i]] > m[out[j]]
			}
			return out[i] < out[j]
		})
		return out
	}
	pv := pivot{Rows: order(rs), Cols: order(cs)}
	ri, ci := map[string]int{}, map[string]int{}
	for i, k := range pv.Rows {
		ri[k] = i
		pv.RowSum = append(pv.RowSum, rs[k])
	}
	for i, k := range pv.Cols {
		ci[k] = i
		pv.ColSum = append(pv.ColSum, cs[k])
	}
	pv.N = make([][]int, len(pv.Rows))
	for i := range pv.N {
		pv.N[i] = make([]int, len(pv.Cols))
	}
	for _, r := range cross {
		pv.N[ri[row(r)]][ci[col(r)]] += r.N
		pv.Total += r.N
	}
	return pv
}

func pivotSheet(a *Analysis, opt *Options, name string, row, col func(CrossRow) string) sheetData {
	pv := pivotOf(a.Cross, row, col)
	sd := sheetData{name: opt.t(name), widths: []float64{28}}
	sd.head = append([]string{opt.t("analysis_out.col.category")}, pv.Cols...)
	sd.head = append(sd.head, opt.t("analysis_out.col.total"))
	for range len(pv.Cols) + 1 {
		sd.widths = append(sd.widths, 16)
	}
	for i, r := range pv.Rows {
		vals := []any{r}
		for _, n := range pv.N[i] {
			vals = append(vals, n)
		}
		sd.rows = append(sd.rows, append(vals, pv.RowSum[i]))
	}
	total := []any{opt.t("analysis_out.col.total")}
	for _, n := range pv.ColSum {
		total = append(total, n)
	}
	sd.rows = append(sd.rows, append(total, pv.Total))
	return sd
}
