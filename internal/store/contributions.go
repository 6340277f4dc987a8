package store

import (
	"context"
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/paulmach/orb"
	"github.com/paulmach/orb/geojson"

	"github.com/mitreden/mitreden/internal/geo"
	"github.com/mitreden/mitreden/internal/model"
)

// featureProps are the public properties of a contribution's GeoJSON Feature.
type featureProps struct {
	Title      string `json:"title"`
	Text       string `json:"text"`
	Category   string `json:"category"`
	Type       string `json:"type"`
	AuthorName string `json:"author_name"`
	Origin     string `json:"origin"`
	Up         int    `json:"rating_up"`
	Down       int    `json:"rating_down"`
	Comments   int    `json:"comment_count"`
	CreatedAt  string `json:"created_at"`
	UpdatedAt  string `json:"updated_at"`
}

type feature struct {
	Type       string          `json:"type"`
	ID         string          `json:"id"`
	Geometry   json.RawMessage `json:"geometry"`
	Properties featureProps    `json:"properties"`
}

// FeatureJSON renders c as an RFC 7946 GeoJSON Feature. The store keeps these
// bytes with the row so reads only concatenate them.
func FeatureJSON(c *model.Contribution) []byte {
	geom := json.RawMessage("null")
	if c.Geometry != nil {
		if b, err := geojson.NewGeometry(c.Geometry).MarshalJSON(); err == nil {
			geom = b
		}
	}
	b, _ := json.Marshal(feature{Type: "Feature", ID: c.ID, Geometry: geom, Properties: featureProps{
		Title: c.Title, Text: c.Text, Category: c.Category, Type: c.Type, AuthorName: c.AuthorName,
		Origin: c.Origin, Up: c.Up, Down: c.Down, Comments: c.Comments,
		CreatedAt: c.CreatedAt.UTC().Format(time.RFC3339), UpdatedAt: c.UpdatedAt.UTC().Format(time.RFC3339),
	}})
	return b
}

func geometryText(g orb.Geometry) (any, error) {
	if g == nil {
		return nil, nil
	}
	b, err := geojson.NewGeometry(g).MarshalJSON()
	return string(b), err
}

// InsertContribution stores a new contribution, indexes it and, when it is
// published, records a contribution.created event. manageHash is the hash of
// the private manage token (nil for none); importKey makes imports idempotent
// (empty for none).
func (s *Store) InsertContribution(ctx context.Context, c *model.Contribution, manageHash []byte, importKey string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		if err := insertContribution(tx, c, manageHash, importKey, true); err != nil {
			return err
		}
		return bumpVersion(tx, c.ProcedureID)
	})
}

// insertContribution stores one row and its R*Tree entry; withEvent also
// records a contribution.created event when it is published.
func insertContribution(tx *sql.Tx, c *model.Contribution, manageHash []byte, importKey string, withEvent bool) error {
	geom, err := geometryText(c.Geometry)
	if err != nil {
		return err
	}
	var lon, lat any
	if c.Geometry != nil {
		ctr := c.Geometry.Bound().Center()
		lon, lat = ctr.Lon(), ctr.Lat()
	}
	var key any
	if importKey != "" {
		key = importKey
	}
	var mh any
	if manageHash != nil {
		mh = manageHash
	}
	feat := FeatureJSON(c) // rendered once, for the row and the event
	res, err := tx.Exec(`INSERT INTO contributions(id, procedure_id, category, type, title, text, geom_type, geometry, lon, lat,
		author_name, origin, status, reason, manage_token_hash, import_key, up, down, comments, feature, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		c.ID, c.ProcedureID, c.Category, c.Type, c.Title, c.Text, c.GeometryType(), geom, lon, lat,
		c.AuthorName, c.Origin, c.Status, c.Reason, mh, key, c.Up, c.Down, c.Comments, feat,
		ms(c.CreatedAt), ms(c.UpdatedAt))
	if isUnique(err) {
		return fmt.Errorf("%w: contribution", ErrConflict)
	}
	if err != nil {
		return fmt.Errorf("store: unable to insert contribution: %w", err)
	}
	c.Seq, _ = res.LastInsertId()
	if c.Geometry != nil {
		if err := indexGeo(tx, c); err != nil {
			return err
		}
	}
	if counted(c.Status, c.Geometry != nil) {
		if err := tileDelta(tx, c.ProcedureID, c.Geometry.Bound().Center(), 1); err != nil {
			return err
		}
	}
	if withEvent && c.Status == model.Published {
		if err := addEvent(tx, c.ProcedureID, "contribution.created", feat); err != nil {
			return err
		}
	}
	return nil
}

// indexGeo adds a located contribution to the spatial index.
func indexGeo(tx *sql.Tx, c *model.Contribution) error {
	b := c.Geometry.Bound()
	if _, err := tx.Exec(`INSERT INTO contributions_geo(seq, min_lon, max_lon, min_lat, max_lat, procedure_id, published, created_at)
		VALUES (?,?,?,?,?,?,?,?)`, c.Seq, b.Min.Lon(), b.Max.Lon(), b.Min.Lat(), b.Max.Lat(), c.ProcedureID,
		c.Status == model.Published, ms(c.CreatedAt)); err != nil {
		return fmt.Errorf("store: unable to index contribution: %w", err)
	}
	return nil
}

func bumpVersion(tx *sql.Tx, procedureID int64) error {
	_, err := tx.Exec(`UPDATE procedures SET version = version + 1 WHERE id = ?`, procedureID)
	if err != nil {
		return fmt.Errorf("store: unable to bump version: %w", err)
	}
	return nil
}

const contributionCols = `seq, id, procedure_id, category, type, title, text, geometry, author_name, origin, status, reason, merged_into, up, down, comments, created_at, updated_at`

// scanContribution reads the contributionCols of a row; extra receives
// columns selected after them.
func scanContribution(row interface{ Scan(...any) error }, extra ...any) (*model.Contribution, error) {
	var c model.Contribution
	var geom, merged sql.NullString
	var created, updated int64
	dest := append([]any{&c.Seq, &c.ID, &c.ProcedureID, &c.Category, &c.Type, &c.Title, &c.Text, &geom, &c.AuthorName,
		&c.Origin, &c.Status, &c.Reason, &merged, &c.Up, &c.Down, &c.Comments, &created, &updated}, extra...)
	if err := row.Scan(dest...); err != nil {
		return nil, err
	}
	c.MergedInto = merged.String
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	if geom.Valid {
		if g, err := geo.DecodeStored([]byte(geom.String)); err == nil {
			c.Geometry = g
		}
	}
	return &c, nil
}

// Contribution returns one contribution by its public id, in any status.
func (s *Store) Contribution(ctx context.Context, id string) (*model.Contribution, error) {
	c, err := scanContribution(s.read.QueryRowContext(ctx, `SELECT `+contributionCols+` FROM contributions WHERE id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch contribution: %w", err)
	}
	return c, nil
}

// ContributionByManageHash returns the contribution whose manage token hashes to h.
func (s *Store) ContributionByManageHash(ctx context.Context, h []byte) (*model.Contribution, error) {
	c, err := scanContribution(s.read.QueryRowContext(ctx, `SELECT `+contributionCols+` FROM contributions WHERE manage_token_hash = ?`, h))
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch contribution: %w", err)
	}
	return c, nil
}

// UpdateContribution loads the contribution id inside the write transaction,
// lets change modify it and stores the result: row, ready feature bytes,
// R*Tree entry and an event when residents can see the change.
func (s *Store) UpdateContribution(ctx context.Context, id string, change func(*model.Contribution) error) (*model.Contribution, error) {
	return s.updateContribution(ctx, id, change, nil)
}

// updateContribution is UpdateContribution with a hook that runs in the
// same transaction after the row is saved (audit entries, checks of other
// rows); its error undoes the change.
func (s *Store) updateContribution(ctx context.Context, id string, change func(*model.Contribution) error, after func(*sql.Tx, *model.Contribution) error) (*model.Contribution, error) {
	var out *model.Contribution
	err := s.Write(ctx, func(tx *sql.Tx) error {
		c, err := scanContribution(tx.QueryRow(`SELECT `+contributionCols+` FROM contributions WHERE id = ?`, id))
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		before := c.Status
		if err := change(c); err != nil {
			return err
		}
		c.UpdatedAt = time.Now().UTC()
		if err := saveContribution(tx, c); err != nil {
			return err
		}
		if after != nil {
			if err := after(tx, c); err != nil {
				return err
			}
		}
		if err := contributionEvents(tx, c, before); err != nil {
			return err
		}
		out = c
		return bumpVersion(tx, c.ProcedureID)
	})
	return out, err
}

// nullable stores "" as NULL.
func nullable(s string) any {
	if s == "" {
		return nil
	}
	return s
}

func saveContribution(tx *sql.Tx, c *model.Contribution) error {
	geom, err := geometryText(c.Geometry)
	if err != nil {
		return err
	}
	var oldStatus model.ContributionStatus
	var oldGeom sql.NullString
	var oldLon, oldLat sql.NullFloat64
	if err := tx.QueryRow(`SELECT status, geometry, lon, lat FROM contributions WHERE seq = ?`, c.Seq).
		Scan(&oldStatus, &oldGeom, &oldLon, &oldLat); err != nil {
		return fmt.Errorf("store: unable to read contribution: %w", err)
	}
	var lon, lat any
	var centre orb.Point
	if c.Geometry != nil {
		centre = c.Geometry.Bound().Center()
		lon, lat = centre.Lon(), centre.Lat()
	}
	if _, err := tx.Exec(`UPDATE contributions SET category=?, type=?, title=?, text=?, geom_type=?, geometry=?, lon=?, lat=?,
		author_name=?, status=?, reason=?, merged_into=?, up=?, down=?, comments=?, feature=?, updated_at=? WHERE seq=?`,
		c.Category, c.Type, c.Title, c.Text, c.GeometryType(), geom, lon, lat, c.AuthorName, c.Status, c.Reason, nullable(c.MergedInto),
		c.Up, c.Down, c.Comments, FeatureJSON(c), ms(c.UpdatedAt), c.Seq); err != nil {
		return fmt.Errorf("store: unable to update contribution: %w", err)
	}
	newGeom, _ := geom.(string)
	moved := oldGeom.String != newGeom || oldGeom.Valid != (c.Geometry != nil)
	if moved {
		if _, err := tx.Exec(`DELETE FROM contributions_geo WHERE seq = ?`, c.Seq); err != nil {
			return err
		}
		if c.Geometry != nil {
			if err := indexGeo(tx, c); err != nil {
				return err
			}
		}
	} else if oldStatus != c.Status && c.Geometry != nil {
		if _, err := tx.Exec(`UPDATE contributions_geo SET published = ? WHERE seq = ?`, c.Status == model.Published, c.Seq); err != nil {
			return fmt.Errorf("store: unable to index contribution: %w", err)
		}
	}
	if moved || oldStatus != c.Status {
		if counted(oldStatus, oldLon.Valid) {
			if err := tileDelta(tx, c.ProcedureID, orb.Point{oldLon.Float64, oldLat.Float64}, -1); err != nil {
				return err
			}
		}
		if counted(c.Status, c.Geometry != nil) {
			if err := tileDelta(tx, c.ProcedureID, centre, 1); err != nil {
				return err
			}
		}
	}
	return nil
}

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
	BBox        *orb.Bound
	CreatedFrom *time.Time // created at or after (nil: open)
	CreatedTo   *time.Time // created at or before (nil: open)
	Sort        string
	Limit       int
	Cursor      string
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
	return fmt.Sprintf("%d|%v|%s|%s|%s|%s|%q|%s%s", f.ProcedureID, f.Statuses, f.Category, f.Type, f.GeomType, f.Origin, f.Query, bb, span)
}

// stampOr returns t in Unix milliseconds, or def for nil.
func stampOr(t *time.Time, def int64) int64 {
	if t == nil {
		return def
	}
	return ms(*t)
}

// ErrBadCursor is returned for a cursor the store did not hand out.
var ErrBadCursor = errors.New("store: invalid cursor")

// clause renders the filter as "FROM … WHERE …". With a bbox the R*Tree
// drives the query (CROSS JOIN fixes the join order), so a viewport costs
// what it holds, not what the table holds.
func (f Filter) clause() (string, []any) {
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
			conds = append(conds, "c.origin LIKE 'table:%'")
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
	if q := ftsQuery(f.Query); q != "" {
		conds = append(conds, "c.seq IN (SELECT rowid FROM contributions_fts WHERE contributions_fts MATCH ?)")
		args = append(args, q)
	}
	from := "contributions c"
	if f.BBox != nil {
		from = "contributions_geo r CROSS JOIN contributions c ON c.seq = r.seq"
		conds = append(conds, "r.min_lon <= ? AND r.max_lon >= ? AND r.min_lat <= ? AND r.max_lat >= ?")
		args = append(args, f.BBox.Max.Lon(), f.BBox.Min.Lon(), f.BBox.Max.Lat(), f.BBox.Min.Lat())
	}
	return "FROM " + from + " WHERE " + strings.Join(conds, " AND "), args
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
	col, desc := sortSpec(f.Sort)
	if f.Cursor != "" {
		v, seq, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		op := ">"
		if desc {
			op = "<"
		}
		where += fmt.Sprintf(" AND (%s %s ? OR (%s = ? AND c.seq %s ?))", col, op, col, op)
		args = append(args, v, v, seq)
	}
	dir := "ASC"
	if desc {
		dir = "DESC"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q := fmt.Sprintf(`SELECT %s, %s, c.seq %s ORDER BY %s %s, c.seq %s LIMIT %d`,
		sel, col, where, col, dir, dir, limit+1)
	return q, args, nil
}

// Contributions lists contributions matching f and returns the cursor of the
// next page ("" at the end).
func (s *Store) Contributions(ctx context.Context, f Filter) ([]*model.Contribution, string, error) {
	cols := "c." + strings.ReplaceAll(contributionCols, ", ", ", c.")
	q, args, err := f.page(cols)
	if err != nil {
		return nil, "", err
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", fmt.Errorf("store: unable to list contributions: %w", err)
	}
	defer rows.Close()
	var out []*model.Contribution
	var keys [][2]int64
	for rows.Next() {
		var sortV, seq int64
		c, err := scanContribution(rows, &sortV, &seq)
		if err != nil {
			return nil, "", err
		}
		out = append(out, c)
		keys = append(keys, [2]int64{sortV, seq})
	}
	if err := rows.Err(); err != nil {
		return nil, "", err
	}
	return trimPage(out, keys, f.Limit)
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

// Features returns the ready GeoJSON Feature bytes of the contributions
// matching f, the cursor of the next page and, on the first page (no
// cursor), the number of all matches counted in the same pass (-1 on later
// pages: ask CountContributions).
func (s *Store) Features(ctx context.Context, f Filter) (feats [][]byte, next string, total int, err error) {
	sel := "c.feature, -1"
	if f.Cursor == "" {
		sel = "c.feature, COUNT(*) OVER ()"
	}
	q, args, err := f.page(sel)
	if f.viewportOnly() {
		q, args, err = f.viewportPage()
	}
	if err != nil {
		return nil, "", 0, err
	}
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, "", 0, fmt.Errorf("store: unable to query features: %w", err)
	}
	defer rows.Close()
	var keys [][2]int64
	total = -1
	if f.Cursor == "" {
		total = 0 // no rows, no window: nothing matched
	}
	for rows.Next() {
		var b []byte
		var v, seq int64
		if err := rows.Scan(&b, &total, &v, &seq); err != nil {
			return nil, "", 0, err
		}
		feats = append(feats, b)
		keys = append(keys, [2]int64{v, seq})
	}
	if err := rows.Err(); err != nil {
		return nil, "", 0, err
	}
	feats, next, err = trimPage(feats, keys, f.Limit)
	return feats, next, total, err
}

// viewportOnly reports whether f asks for published contributions in a
// bbox by date and nothing else: the map's question, answered inside the
// spatial index (see viewportPage).
func (f Filter) viewportOnly() bool {
	published := len(f.Statuses) == 0 || (len(f.Statuses) == 1 && f.Statuses[0] == model.Published)
	return f.BBox != nil && published && f.Category == "" && f.Type == "" && f.GeomType == "" && f.Origin == "" &&
		f.CreatedFrom == nil && f.CreatedTo == nil &&
		ftsQuery(f.Query) == "" && (f.Sort == "" || f.Sort == SortNewest || f.Sort == SortOldest)
}

// viewportPage picks the page inside the R*Tree, whose auxiliary columns
// hold procedure, published flag and creation time, then reads only the
// chosen rows; the window count on the first page counts all matches.
func (f Filter) viewportPage() (string, []any, error) {
	dir, op := "DESC", "<"
	if f.Sort == SortOldest {
		dir, op = "ASC", ">"
	}
	cond := "min_lon <= ? AND max_lon >= ? AND min_lat <= ? AND max_lat >= ? AND procedure_id = ? AND published = 1"
	args := []any{f.BBox.Max.Lon(), f.BBox.Min.Lon(), f.BBox.Max.Lat(), f.BBox.Min.Lat(), f.ProcedureID}
	total := "COUNT(*) OVER ()"
	if f.Cursor != "" {
		v, seq, err := decodeCursor(f.Cursor)
		if err != nil {
			return "", nil, err
		}
		cond += fmt.Sprintf(" AND (created_at %s ? OR (created_at = ? AND seq %s ?))", op, op)
		args = append(args, v, v, seq)
		total = "-1"
	}
	limit := f.Limit
	if limit <= 0 {
		limit = 50
	}
	q := fmt.Sprintf(`SELECT c.feature, g.total, g.created_at, g.seq FROM (
		SELECT seq, created_at, %s AS total FROM contributions_geo WHERE %s ORDER BY created_at %s, seq %s LIMIT %d
	) g JOIN contributions c ON c.seq = g.seq ORDER BY g.created_at %s, g.seq %s`, total, cond, dir, dir, limit+1, dir, dir)
	return q, args, nil
}

// CountContributions counts the contributions matching f (ignoring paging).
func (s *Store) CountContributions(ctx context.Context, f Filter) (int, error) {
	where, args := f.clause()
	var n int
	err := s.read.QueryRowContext(ctx, `SELECT COUNT(*) `+where, args...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: unable to count contributions: %w", err)
	}
	return n, nil
}

// Count is a label with a number, for statistics.
type Count struct {
	Key string
	N   int
}

// CountBy counts a procedure's published contributions grouped by column
// ("category", "type", "geom_type" or "origin").
func (s *Store) CountBy(ctx context.Context, procedureID int64, column string) ([]Count, error) {
	switch column {
	case "category", "type", "geom_type", "origin":
	default:
		return nil, fmt.Errorf("store: cannot count by %q", column)
	}
	rows, err := s.read.QueryContext(ctx, `SELECT `+column+`, COUNT(*) FROM contributions
		WHERE procedure_id = ? AND status = 'published' GROUP BY `+column+` ORDER BY COUNT(*) DESC, `+column, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count: %w", err)
	}
	defer rows.Close()
	var out []Count
	for rows.Next() {
		var c Count
		if err := rows.Scan(&c.Key, &c.N); err != nil {
			return nil, err
		}
		out = append(out, c)
	}
	return out, rows.Err()
}

// InsertContributions stores many synthetic contributions in one
// transaction (trials, benchmarks). It records no live events — a million
// generated rows are not news — and bumps the version once.
func (s *Store) InsertContributions(ctx context.Context, cs []*model.Contribution) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		procs := map[int64]bool{}
		for _, c := range cs {
			if err := insertContribution(tx, c, nil, "", false); err != nil {
				return err
			}
			procs[c.ProcedureID] = true
		}
		for id := range procs {
			if err := bumpVersion(tx, id); err != nil {
				return err
			}
		}
		return nil
	})
}

// SeedRatings adds up and down votes from synthetic voters to a contribution
// (demo data) and updates its counts.
func (s *Store) SeedRatings(ctx context.Context, contributionID string, up, down int) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		c, err := scanContribution(tx.QueryRow(`SELECT `+contributionCols+` FROM contributions WHERE id = ?`, contributionID))
		if err != nil {
			return err
		}
		now := ms(time.Now())
		for i := 0; i < up+down; i++ {
			v := 1
			if i >= up {
				v = -1
			}
			voter := []byte(fmt.Sprintf("demo-voter-%s-%d", c.ID, i))
			if _, err := tx.Exec(`INSERT INTO ratings(contribution_seq, voter_hash, value, created_at) VALUES (?,?,?,?)`, c.Seq, voter, v, now); err != nil {
				return err
			}
		}
		c.Up += up
		c.Down += down
		return saveContribution(tx, c)
	})
}

// Cluster is a grid cell of contributions for low-zoom map views.
type Cluster struct {
	Count  int
	Center orb.Point // mean of the members' centres
	Bound  orb.Bound // of the members' centres
}

// Clusters groups the located contributions matching f (f.BBox should be
// set) into grid cells of cellLon×cellLat degrees anchored at -180,-90, counted and
// averaged inside SQLite so that no row leaves the database.
func (s *Store) Clusters(ctx context.Context, f Filter, cellLon, cellLat float64) ([]Cluster, error) {
	if cellLon <= 0 || cellLat <= 0 {
		return nil, fmt.Errorf("store: cluster cell must be positive")
	}
	where, args := f.clause()
	q := `SELECT COUNT(*), AVG(c.lon), AVG(c.lat), MIN(c.lon), MIN(c.lat), MAX(c.lon), MAX(c.lat)
		` + where + ` AND c.lon IS NOT NULL
		GROUP BY CAST((c.lon + 180.0) / ? AS INTEGER), CAST((c.lat + 90.0) / ? AS INTEGER)
		ORDER BY 1 DESC`
	rows, err := s.read.QueryContext(ctx, q, append(args, cellLon, cellLat)...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to cluster: %w", err)
	}
	defer rows.Close()
	var out []Cluster
	for rows.Next() {
		var k Cluster
		if err := rows.Scan(&k.Count, &k.Center[0], &k.Center[1], &k.Bound.Min[0], &k.Bound.Min[1], &k.Bound.Max[0], &k.Bound.Max[1]); err != nil {
			return nil, err
		}
		out = append(out, k)
	}
	return out, rows.Err()
}

// StatusCounts counts a procedure's contributions per status in one pass.
func (s *Store) StatusCounts(ctx context.Context, procedureID int64) (map[model.ContributionStatus]int, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT status, count(*) FROM contributions WHERE procedure_id = ? GROUP BY status`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to count contributions: %w", err)
	}
	defer rows.Close()
	out := map[model.ContributionStatus]int{}
	for rows.Next() {
		var st model.ContributionStatus
		var n int
		if err := rows.Scan(&st, &n); err != nil {
			return nil, err
		}
		out[st] = n
	}
	return out, rows.Err()
}
