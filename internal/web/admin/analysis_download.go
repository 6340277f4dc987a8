package admin

import (
	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/export"
	"github.com/mitreden/mitreden/internal/web"
)

// download is a link to one output of the analysis.
type download struct {
	Href, Label string
}

// analysisDownloads are the analysis page's download links for those who
// may export (planners and admins): the PDF report, the workbook, the
// GeoPackage and the synopsis grouped by topic.
func analysisDownloads(c *fiber.Ctx, slug string) []download {
	u := web.User(c)
	if u == nil || !auth.Can(u.Role, "export") {
		return nil
	}
	l := web.Localizer(c)
	base := "/admin/p/" + slug + "/analysis."
	return []download{
		{base + "pdf", l.T("analysis_out.download_pdf")},
		{base + "xlsx", l.T("analysis_out.download_xlsx")},
		{base + "gpkg", l.T("analysis_out.download_gpkg")},
		{"/api/v1/procedures/" + slug + "/export.synopsis?group=topic", l.T("analysis_out.download_synopsis")},
	}
}

// analysisDownload answers /admin/p/:slug/analysis.:format (pdf, xlsx,
// gpkg): the analysis written by package export in the page's language
// (the PDF's in English where its fonts lack the language's letters).
func (h *Handler) analysisDownload(c *fiber.Ctx) error {
	l := web.Localizer(c)
	f, err := export.ParseAnalysisFormat(c.Params("format"))
	if err != nil || f == export.AnalysisJSON { // the JSON is the API's
		return h.Fail(c, fiber.StatusNotFound, "unknown_format", l.T("error.export_format"))
	}
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	if f == export.AnalysisPDF {
		l = h.I18n.Localizer(export.PDFLocale(l.Tag))
	}
	opt := export.Options{Locale: l.Tag, T: func(id string) string { return l.T(id) }}
	return web.SendWritten(c, f.ContentType(), f.FileName(p.Slug), func(path string) error {
		if err := export.WriteAnalysisFile(c.UserContext(), h.Analysis, h.Store, f, p, path, opt); err != nil {
			return err
		}
		if u := web.User(c); u != nil {
			// a read-only database must not stop a download; the log keeps the trace
			if err := export.RecordAnalysis(c.UserContext(), h.Store, u.Email, p, f); err != nil {
				h.Log.Warn("audit of analysis download failed", "procedure", p.Slug, "error", err.Error())
			}
		}
		return nil
	})
}
