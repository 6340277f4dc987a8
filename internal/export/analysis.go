package export

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// The analyses as outputs: the planners' analysis of a procedure (topics,
// keywords, near-duplicates, places, time, cross tables) written as a PDF
// report, a workbook of one sheet per analysis, the API's JSON and a
// GeoPackage of the density grid and the topics. The analyses are computed
// by package analysis (once per procedure version); this file gathers what
// the outputs show, the other analysis_*.go files write it.

// AnalysisFormat is an output format of the analysis.
type AnalysisFormat string

// The analysis formats.
const (
	AnalysisPDF  AnalysisFormat = "pdf"
	AnalysisXLSX AnalysisFormat = "xlsx"
	AnalysisJSON AnalysisFormat = "json"
	AnalysisGPKG AnalysisFormat = "gpkg"
)

// AnalysisFormats lists the analysis formats in the order help texts show them.
var AnalysisFormats = []AnalysisFormat{AnalysisPDF, AnalysisXLSX, AnalysisJSON, AnalysisGPKG}

// ParseAnalysisFormat accepts the names in AnalysisFormats.
func ParseAnalysisFormat(s string) (AnalysisFormat, error) {
	for _, f := range AnalysisFormats {
		if string(f) == s {
			return f, nil
		}
	}
	return "", fmt.Errorf("%w %q (pdf, xlsx, json or gpkg)", ErrUnknownFormat, s)
}

// FileName is the download's file name for procedure slug.
func (f AnalysisFormat) FileName(slug string) string {
	return slug + "-analysis." + string(f)
}

// ContentType is the media type of the format.
func (f AnalysisFormat) ContentType() string {
	switch f {
	case AnalysisPDF:
		return "application/pdf"
	case AnalysisXLSX:
		return XLSX.ContentType()
	case AnalysisJSON:
		return "application/json"
	case AnalysisGPKG:
		return GPKG.ContentType()
	}
	return "application/octet-stream"
}

// AnalysisSource computes the analyses; *analysis.Service is one.
type AnalysisSource interface {
	Summarise(ctx context.Context, p *model.Procedure) (analysis.Summary, error)
	Heat(ctx context.Context, p *model.Procedure, f analysis.HeatFilter) (analysis.Heat, error)
}

// Analysis is everything the analysis outputs show of one procedure.
type Analysis struct {
	Proc *model.Procedure
	analysis.Summary
	// Heat is the density grid of all published contributions.
	Heat analysis.Heat
	// Cross counts the published contributions per category, type, origin
	// and planning status (combinations that occur, most first).
	Cross []CrossRow
	// Places are the centres of the published contributions with a place,
	// by id (the topic members' points).
	Places map[string]orb.Point
}

// CrossRow is one combination of the cross table and how many published
// contributions have it.
type CrossRow struct {
	Category, Type, Origin, Planning string
	N                                int
}

// GatherAnalysis reads the analyses of p from src and counts the cross
// table from st's published contributions.
func GatherAnalysis(ctx context.Context, src AnalysisSource, st Store, p *model.Procedure) (*Analysis, error) {
	sum, err := src.Summarise(ctx, p)
	if err != nil {
		return nil, err
	}
	heat, err := src.Heat(ctx, p, analysis.HeatFilter{})
	if err != nil {
		return nil, err
	}
	a := &Analysis{Proc: p, Summary: sum, Heat: heat, Places: map[string]orb.Point{}}
	index := map[CrossRow]int{}
	err = st.StreamContributions(ctx, p.ID, store.ExportOptions{}, func(r *store.ExportRow) error {
		c := r.Contribution
		if c.Status != model.Published {
			return nil
		}
		if c.Geometry != nil {
			a.Places[c.ID] = c.Geometry.Bound().Center()
		}
		k := CrossRow{Category: c.Category, Type: c.Type, Origin: c.Origin, Planning: c.PlanningStatus}
		i, ok := index[k]
		if !ok {
			i = len(a.Cross)
			index[k] = i
			a.Cross = append(a.Cross, k)
		}
		a.Cross[i].N++
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.SliceStable(a.Cross, func(i, j int) bool {
		x, y := a.Cross[i], a.Cross[j]
		if x.N != y.N {
			return x.N > y.N
		}
		return x.Category+"\x00"+x.Type+"\x00"+x.Origin+"\x00"+x.Planning < y.Category+"\x00"+y.Type+"\x00"+y.Origin+"\x00"+y.Planning
	})
	return a, nil
}

// WriteAnalysis writes p's analysis in format f to w.
func WriteAnalysis(ctx context.Context, src AnalysisSource, st Store, f AnalysisFormat, p *model.Procedure, w io.Writer, opt Options) error {
	a, err := GatherAnalysis(ctx, src, st, p)
	if err != nil {
		return err
	}
	switch f {
	case AnalysisPDF:
		return writeAnalysisPDF(a, w, opt)
	case AnalysisXLSX:
		return writeAnalysisXLSX(a, w, opt)
	case AnalysisJSON:
		return writeAnalysisJSON(a, w)
	case AnalysisGPKG:
		return copyBuilt(w, func(path string) error { return writeAnalysisGPKG(ctx, a, path, opt) })
	}
	return fmt.Errorf("%w %q", ErrUnknownFormat, f)
}

// WriteAnalysisFile writes p's analysis to path, atomically: the file
// appears complete or not at all.
func WriteAnalysisFile(ctx context.Context, src AnalysisSource, st Store, f AnalysisFormat, p *model.Procedure, path string, opt Options) error {
	return writeAtomic(path, func(w io.Writer) error { return WriteAnalysis(ctx, src, st, f, p, w, opt) })
}

// originLabel names an origin ("online", "table:3", "letter") in the
// output's language.
func originLabel(opt *Options, origin string) string {
	kind := model.OriginKind(origin)
	switch {
	case kind == "table":
		return opt.t("analysis_out.table") + " " + strings.TrimPrefix(origin, "table:")
	case kind != "":
		return opt.t("origin." + kind)
	}
	return origin
}

// planningLabel names a planning status in the output's language: the
// procedure's own label, else the interface's text for the key.
func planningLabel(opt *Options, p *model.Procedure, key string) string {
	if key == "" {
		return opt.t("planning.none")
	}
	for _, s := range p.Settings.PlanningStatuses {
		if s.Key == key {
			if l := s.Label.Get(opt.Locale); l != "" {
				return l
			}
		}
	}
	if l := opt.t("planning.status." + key); l != "planning.status."+key {
		return l
	}
	return key
}

// categoryLabel names a category, its key when it has no label.
func categoryLabel(opt *Options, p *model.Procedure, key string) string {
	if l := p.CategoryLabel(key, opt.Locale); l != "" {
		return l
	}
	return key
}

// typeLabel names a contribution type, "" for none.
func typeLabel(opt *Options, p *model.Procedure, key string) string {
	if key == "" {
		return ""
	}
	if l := p.TypeLabel(key, opt.Locale); l != "" {
		return l
	}
	return key
}
