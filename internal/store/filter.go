package store

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"

	"github.com/mitreden/mitreden/internal/model"
)

// Sort orders for contribution lists.
const (
	SortNewest    = "newest"
	SortOldest    = "oldest"
	SortRated     = "rated"
	SortCommented = "commented"
)

// ValidSort reports whether s is a known sort order.
func ValidSort(s string) bool {
	return s == SortNewest || s == SortOldest || s == SortRated || s == SortCommented
}

// Filter selects contributions of one procedure.
type Filter struct {
	ProcedureID int64
	Statuses    []model.ContributionStatus // default: published only
	Category    string
	Type        string
	GeomType    string // Point, LineString, Polygon, none
	Origin      string
	Query       string // full-text search
	Answered    bool   // only contributions with an official response
	BBox        *orb.Bound
	CreatedFrom *time.Time // created at or after (nil: open)
	CreatedTo   *time.Time // created at or before (nil: open)
	Sort        string
	Limit       int
	Cursor      string

	// PlanningStatus selects contributions with this planning status key.
	PlanningStatus string
}

// Key names what f selects, paging aside, for caches of counts and answers.
func (f Filter) Key() string {
	bb := ""
	if f.BBox != nil {
		bb = fmt.Sprintf("%.7f,%.7f,%.7f,%.7f", f.BBox.Min.Lon(), f.BBox.Min.Lat(), f.BBox.Max.Lon(), f.BBox.Max.Lat())
	}
	span := ""
	if f.CreatedFrom != nil || f.CreatedTo != nil {
		span = fmt.Sprintf("|%d-%d", stampOr(f.CreatedFrom, 0), stampOr(f.CreatedTo, 0))
	}
	if f.Answered {
		span += "|answered"
	}
	if f.PlanningStatus != "" {
		span += "|planning=" + f.PlanningStatus
	}
	return fmt.Sprintf("%d|%v|%s|%s|%s|%s|%q|%s%s", f.ProcedureID, f.Statuses, f.Category, f.Type, f.GeomType, f.Origin, f.Query, bb, span)
}

// stampOr returns t in Unix milliseconds, or def for nil.
func stampOr(t *time.Time, def int64) int64 {
	if t == nil {
		return def
	}
	return ms(*t)
}

// Answered reports which of the given contributions (by seq) carry an
// official response, for the "answered" badge of a list.
func (s *Store) Answered(ctx context.Context, seqs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	if len(seqs) == 0 {
		return out, nil
	}
	ph := make([]string, len(seqs))
	args := make([]any, len(seqs))
	for i, seq := range seqs {
		ph[i] = "?"
		args[i] = seq
	}
	rows, err := s.read.QueryContext(ctx, `SELECT DISTINCT contribution_seq FROM responses WHERE contribution_seq IN (`+strings.Join(ph, ",")+`)`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read responses: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var seq int64
		if err := rows.Scan(&seq); err != nil {
			return nil, err
		}
		out[seq] = true
	}
	return out, rows.Err()
}

// ErrBadCursor is returned for a cursor the store did not hand out.
var ErrBadCursor = errors.New("store: invalid cursor")

// clause renders the filter as "FROM … WHERE …". With a bbox the R*Tree
// drives the query (CROSS JOIN fixes the join order), so a viewport costs
// what it holds, not what the table holds.
func (f Filter) clause() (string, []any) {
	conds, args := f.conds()
	from := "contributions c"
	if f.BBox != nil {
		from = "contributions_geo r CROSS JOIN contributions c ON c.seq = r.seq"
		conds = append(conds, "r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ?")
		args = append(args, f.BBox.Max.Lon(), f.BBox.Min.Lon(), f.BBox.Max.Lat(), f.BBox.Min.Lat())
	}
	return "FROM " + from + " WHERE " + strings.Join(conds, " AND "), args
}

// conds are the filter's conditions on contributions c, the bbox aside.
func (f Filter) conds() ([]string, []any) {
	var conds []string
	var args []any
	conds = append(conds, "c.procedure_id = ?")
	args = append(args, f.ProcedureID)
	sts := f.Statuses
	if len(sts) == 0 {
		sts = []model.ContributionStatus{model.Published}
	}
	ph := make([]string, len(sts))
	for i, st := range sts {
		ph[i] = "?"
		args = append(args, string(st))
	}
	conds = append(conds, "c.status IN ("+strings.Join(ph, ",")+")")
	if f.Category != "" {
		conds = append(conds, "c.category = ?")
		args = append(args, f.Category)
	}
	if f.Type != "" {
		conds = append(conds, "c.type = ?")
		args = append(args, f.Type)
	}
	if f.GeomType != "" {
		conds = append(conds, "c.geom_type = ?")
		args = append(args, f.GeomType)
	}
	if f.Origin != "" {
		if f.Origin == "table" {
			// every table's origin ("table:N"), as a range the index
			// contributions_origin reads (';' follows ':')
			conds = append(conds, "c.origin >= 'table:' AND c.origin < 'table;'")
		} else {
			conds = append(conds, "c.origin = ?")
			args = append(args, f.Origin)
		}
	}
	if f.CreatedFrom != nil {
		conds = append(conds, "c.created_at >= ?")
		args = append(args, ms(*f.CreatedFrom))
	}
	if f.CreatedTo != nil {
		conds = append(conds, "c.created_at <= ?")
		args = append(args, ms(*f.CreatedTo))
	}
	if f.PlanningStatus != "" {
		conds = append(conds, "c.planning_status = ?")
		args = append(args, f.PlanningStatus)
	}
	if f.Answered {
		conds = append(conds, "EXISTS (SELECT 1 FROM responses resp WHERE resp.contribution_seq = c.seq)")
	}
	if q := ftsQuery(f.Query); q != "" {
		conds = append(conds, "c.seq IN (SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH ?)")
		args = append(args, q)
	}
	return conds, args
}

// ftsQuery turns free text into a safe FTS5 query: every word quoted, the
// last one as a prefix, all of them required.
func ftsQuery(q string) string {
	// Control characters (NUL ends a string inside FTS5's parser) become spaces.
	q = strings.Map(func(r rune) rune {
		if r < 0x20 || r == 0x7f {
			return ' '
		}
		return r
	}, q)
	words := strings.Fields(q)
	if len(words) > 12 {
		words = words[:12]
	}
	var parts []string
	for i, w := range words {
		w = strings.ReplaceAll(w, `"`, `""`)
		part := `"` + w + `"`
		if i == len(words)-1 {
			part += "*"
		}
		parts = append(parts, part)
	}
	return strings.Join(parts, " ")
}

func sortSpec(s string) (col string, desc bool) {
	switch s {
	case SortOldest:
		return "c.created_at", false
	case SortRated:
		return "c.up", true // "most agreed"; uses the contributions_rated index
	case SortCommented:
		return "c.comments", true
	}
	return "c.created_at", true
}

func encodeCursor(v, seq int64) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strconv.FormatInt(v, 10) + ":" + strconv.FormatInt(seq, 10)))
}

func decodeCursor(s string) (int64, int64, error) {
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		return 0, 0, ErrBadCursor
	}
	a, z, ok := strings.Cut(string(b), ":")
	if !ok {
		return 0, 0, ErrBadCursor
	}
	v, err1 := strconv.ParseInt(a, 10, 64)
	seq, err2 := strconv.ParseInt(z, 10, 64)
	if err1 != nil || err2 != nil {
		return 0, 0, ErrBadCursor
	}
	return v, seq, nil
}

// page builds the ordered, keyset-paged query over the filter. sel is the
// selected column list; the sort value and seq are appended for the cursor.
func (f Filter) page(sel string) (string, []any, error) {
	where, args := f.clause()
	after, cargs, order, limit, err := f.paging()
	if err != nil {
		return "", nil, err
	}
	col, _ := sortSpec(f.Sort)
	q := fmt.Sprintf(`SELECT %s, %s, c.seq %s%s ORDER BY %s LIMIT %d`, sel, col, where, after, order, limit+1)
	return q, append(args, cargs...), nil
}

// paging is the cursor's condition (" AND …", with its arguments), the
// ORDER BY and the page's length of f.
func (f Filter) paging() (after string, args []any, order string, limit int, err error) {
	limit = pageLen(f.Limit)
	col, desc := sortSpec(f.Sort)
	op, dir := ">", "ASC"
	if desc {
		op, dir = "<", "DESC"
	}
	if f.Cursor != "" {
		v, seq, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, "", 0, err
		}
		after = fmt.Sprintf(" AND (%s %s ? OR (%s = ? AND c.seq %s ?))", col, op, col, op)
		args = []any{v, v, seq}
	}
	return after, args, fmt.Sprintf("%s %s, c.seq %s", col, dir, dir), limit, nil
}

// pageLen is the length of a page asked with limit.
func pageLen(limit int) int {
	if limit <= 0 {
		return 50
	}
	return limit
}

// headRows is how many matches of a filter's other conditions headPage
// looks at for those in its bbox.
const headRows = 512

// hasHead reports whether f is a bbox with other conditions, whose page
// headPage may find.
func (f Filter) hasHead() bool {
	return f.BBox != nil && !f.viewportOnly()
}

// readPage reads the page of f selecting sel through read, which runs a
// page query and returns how many rows it read: first from the head of
// the other conditions (headPage) where f has a bbox and others, then,
// when that does not fill the page and one more, the full page query.
func (f Filter) readPage(sel string, read func(q string, args []any) (int, error)) error {
	if f.hasHead() {
		q, args, err := f.headPage(sel)
		if err != nil {
			return err
		}
		if n, err := read(q, args); err != nil || n > pageLen(f.Limit) {
			return err
		}
	}
	q, args, err := f.page(sel)
	if err != nil {
		return err
	}
	_, err = read(q, args)
	return err
}

// headPage is page for a filter with a bbox and other conditions (see
// hasHead), looking only at the first headRows matches of the other
// conditions in the page's order, read along their index, and keeping
// those in the bbox. Where the bbox holds many of the matches near the
// head of the order, as it does for the contributions of a category around
// one of them, this reads a few hundred rows instead of every one the bbox
// holds (50 ms at 100,000 contributions for a street). When it finds less
// than a full page the page may lie deeper: the caller asks page then.
func (f Filter) headPage(sel string) (string, []any, error) {
	conds, args := f.conds()
	after, cargs, order, limit, err := f.paging()
	if err != nil {
		return "", nil, err
	}
	col, _ := sortSpec(f.Sort)
	args = append(args, cargs...)
	args = append(args, f.BBox.Max.Lon(), f.BBox.Min.Lon(), f.BBox.Max.Lat(), f.BBox.Min.Lat())
	q := fmt.Sprintf(`SELECT %s, %s, c.seq FROM (
		SELECT c.seq AS hs FROM contributions c WHERE %s%s ORDER BY %s LIMIT %d
	) head JOIN contributions c ON c.seq = head.hs
	WHERE EXISTS (SELECT 1 FROM contributions_geo g WHERE g.seq = c.seq AND g.min_lon <= ? AND g.max_lon >= ? AND g.min_lat <= ? AND g.max_lat >= ?)
	ORDER BY %s LIMIT %d`, sel, col, strings.Join(conds, " AND "), after, order, headRows, order, limit+1)
	return q, args, nil
}

func trimPage[T any](items []T, keys [][2]int64, limit int) ([]T, string, error) {
	if limit <= 0 {
		limit = 50
	}
	if len(items) <= limit {
		return items, "", nil
	}
	k := keys[limit-1]
	return items[:limit], encodeCursor(k[0], k[1]), nil
}
