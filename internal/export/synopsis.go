package export

import (
	"fmt"
	"io"
	"strings"

	"github.com/mitreden/mitreden/internal/store"
)

// writeSynopsis writes the planner's synopsis ("Synopse" or
// "Abwägungstabelle"): one row per contribution with its place, the
// informal discussion it drew (published comments, replies indented), the
// official responses and an empty column for the planner's consideration.
// It is a spreadsheet, so the administration can go on working in it.
func writeSynopsis(s *stream, w io.Writer) error {
	keys := []string{"number", "category", "title", "text", "place", "ratings", "comments", "responses", "consideration"}
	head := make([]string, len(keys))
	for i, k := range keys {
		head[i] = s.opt.t("export.synopsis." + k)
	}
	widths := []float64{8, 18, 30, 60, 24, 10, 60, 50, 50}
	if s.opt.Group != nil { // the group's name after the number
		head = append([]string{head[0], s.opt.t("analysis_out.group_topic")}, head[1:]...)
		widths = append([]float64{8, 30}, widths[1:]...)
	}
	sh, err := newSheet(w, s.opt.t("export.sheet.synopsis"), widths)
	if err != nil {
		return fmt.Errorf("export: unable to start synopsis: %w", err)
	}
	if err := sh.heading(head); err != nil {
		sh.abort(err)
		return err
	}
	if s.opt.Group != nil {
		err = writeSynopsisGrouped(s, sh)
	} else {
		n := 0
		err = s.each(true, func(r *store.ExportRow) error {
			n++
			return sh.add(append([]any{n}, synopsisCells(s, r)...), true)
		})
	}
	if err != nil {
		sh.abort(err)
		return err
	}
	return sh.finish()
}

// synopsisCells are a row's cells after its number: category, title, text,
// place, ratings, discussion, responses and the empty consideration.
func synopsisCells(s *stream, r *store.ExportRow) []any {
	c := r.Contribution
	place := ""
	if lon, lat, _ := coords(c); lon != "" {
		place = c.GeometryType() + " " + lat + ", " + lon
	}
	var comments strings.Builder
	for _, m := range r.Comments {
		if comments.Len() > 0 {
			comments.WriteString("\n")
		}
		if m.ParentID != 0 {
			comments.WriteString("  ↳ ")
		}
		author := m.AuthorName
		if author == "" {
			author = s.opt.t("export.synopsis.anonymous")
		}
		fmt.Fprintf(&comments, "%s (%s): %s", author, m.CreatedAt.Format("2006-01-02"), m.Text)
	}
	var responses strings.Builder
	for _, rp := range r.Responses {
		if responses.Len() > 0 {
			responses.WriteString("\n\n")
		}
		fmt.Fprintf(&responses, "%s (%s): %s", rp.Author, rp.CreatedAt.Format("2006-01-02"), rp.TextMD)
	}
	text := c.Text
	if c.Status != "published" {
		text = "[" + string(c.Status) + "] " + text
	}
	return []any{s.p.CategoryLabel(c.Category, s.opt.Locale), c.Title, text, place,
		fmt.Sprintf("+%d / −%d", c.Up, c.Down), comments.String(), responses.String(), ""}
}
