package main

import (
	"context"
	"fmt"
	"os"
	"os/signal"
	"syscall"

	"github.com/mitreden/mitreden/internal/analysis"
	"github.com/mitreden/mitreden/internal/config"
	"github.com/mitreden/mitreden/internal/export"
)

// analyse writes a procedure's analysis (topics, keywords, near-duplicates,
// places, time, cross tables) as a PDF report, a workbook, the API's JSON
// or a GeoPackage.
func (c *cli) analyse(args []string) error {
	fs := c.flags("analyse", "Writes a procedure's analysis: the PDF report (topics, keywords, near-duplicates,\ntimeline, a map of the hot spots), a workbook with a sheet per analysis, the JSON\nof GET /api/v1/procedures/SLUG/analysis, or a GeoPackage of the density grid and\nthe topics. Without --out it goes to standard output.")
	db := config.DBFlag(fs, c.env)
	slug := fs.String("procedure", "", "procedure slug (required)")
	format := fs.String("format", "", "pdf, xlsx, json or gpkg (required)")
	out := fs.String("out", "", "target file (default: standard output)")
	locale := fs.String("locale", "de", "language of the report and the headings (de, en, de-x-ls; the PDF is English for other locales, whose letters its fonts lack)")
	if err := c.parse(fs, args); err != nil {
		return err
	}
	f, err := export.ParseAnalysisFormat(*format)
	if err != nil {
		return usageError{err.Error()}
	}
	opt, err := exportOptions(*locale)
	if err != nil {
		return err
	}
	if l := export.PDFLocale(*locale); f == export.AnalysisPDF && l != *locale {
		if opt, err = exportOptions(l); err != nil {
			return err
		}
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	st, p, err := procedureFor(ctx, *db, *slug)
	if err != nil {
		return err
	}
	defer st.Close()
	svc := analysis.New(st)
	if *out == "" || *out == "-" {
		return export.WriteAnalysis(ctx, svc, st, f, p, c.stdout, opt)
	}
	if err := export.WriteAnalysisFile(ctx, svc, st, f, p, *out, opt); err != nil {
		return err
	}
	info, err := os.Stat(*out)
	if err != nil {
		return err
	}
	fmt.Fprintf(c.stderr, "wrote the %s analysis of %s to %s (%d bytes)\n", f, p.Slug, *out, info.Size())
	return nil
}
