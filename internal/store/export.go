package store

import (
	"context"
	"database/sql"
	"fmt"

	"github.com/mitreden/mitreden/internal/model"
)

// ExportRow is one contribution as exports see it, with its published
// comments and the official responses when the export asked for them.
type ExportRow struct {
	Contribution *model.Contribution
	Comments     []model.Comment // flat, oldest first; replies carry ParentID
	Responses    []model.Response
	Ratings      []Rating // with ExportOptions.All
	Flags        []Flag   // with ExportOptions.All: reports on the contribution and its comments
}

// ExportOptions choose what StreamContributions reads besides the rows.
type ExportOptions struct {
	Discussion bool // comments and official responses
	// All reads everything a workshop bundle carries: withdrawn
	// contributions too, comments in every status, ratings and reports.
	// It implies Discussion.
	All bool
}

// exportable is every contribution a planner's export holds: everything a
// resident submitted except what they withdrew themselves.
const exportable = `procedure_id = ? AND status != 'withdrawn'`

// exportableScan selects the same rows in table order: the unary + keeps
// SQLite from picking an index and then sorting every row by seq in a
// temporary b-tree (80 MB at 100,000 contributions); the scan streams.
const exportableScan = `+procedure_id = ? AND +status != 'withdrawn'`

// CountExportable returns how many contributions an export of the procedure
// holds (for progress bars).
func (s *Store) CountExportable(ctx context.Context, procedureID int64) (int, error) {
	return s.countExport(ctx, procedureID, exportable)
}

// CountBundle returns how many contributions a bundle of the procedure
// holds: every one, withdrawn ones too (ExportOptions.All).
func (s *Store) CountBundle(ctx context.Context, procedureID int64) (int, error) {
	return s.countExport(ctx, procedureID, `procedure_id = ?`)
}

func (s *Store) countExport(ctx context.Context, procedureID int64, where string) (int, error) {
	conn, done, err := s.scanConn(ctx)
	if err != nil {
		return 0, err
	}
	defer done()
	var n int
	if err := conn.QueryRowContext(ctx, `SELECT count(*) FROM contributions WHERE `+where, procedureID).Scan(&n); err != nil {
		return 0, fmt.Errorf("store: unable to count contributions: %w", err)
	}
	return n, nil
}

// scanConn returns a read connection that does not map the database
// file, for reads that sweep a whole table (mapping would pull all of it
// into the process's resident memory); done gives the mapping back and
// returns the connection to the pool.
func (s *Store) scanConn(ctx context.Context) (*sql.Conn, func(), error) {
	conn, err := s.read.Conn(ctx)
	if err != nil {
		return nil, nil, fmt.Errorf("store: unable to start export: %w", err)
	}
	if _, err := conn.ExecContext(ctx, `PRAGMA mmap_size = 0`); err != nil {
		conn.Close()
		return nil, nil, fmt.Errorf("store: unable to start export: %w", err)
	}
	return conn, func() {
		conn.ExecContext(context.Background(), fmt.Sprintf(`PRAGMA mmap_size = %d`, readMmap))
		conn.Close()
	}, nil
}

// StreamContributions calls fn for every exportable contribution of the
// procedure, oldest first, from one consistent snapshot, without holding
// more than one row in memory. With opt.Discussion the comments and
// responses are read in the same order and joined in as the rows pass.
func (s *Store) StreamContributions(ctx context.Context, procedureID int64, opt ExportOptions, fn func(*ExportRow) error) error {
	conn, done, err := s.scanConn(ctx)
	if err != nil {
		return err
	}
	defer done()
	tx, err := conn.BeginTx(ctx, &sql.TxOptions{ReadOnly: true})
	if err != nil {
		return fmt.Errorf("store: unable to start export: %w", err)
	}
	defer tx.Rollback()
	scan, where := exportableScan, `c.status != 'withdrawn'`
	if opt.All {
		opt.Discussion = true
		scan, where = `+procedure_id = ?`, `1`
	}
	rows, err := tx.QueryContext(ctx, `SELECT `+contributionCols+` FROM contributions WHERE `+scan+` ORDER BY seq`, procedureID)
	if err != nil {
		return fmt.Errorf("store: unable to export contributions: %w", err)
	}
	defer rows.Close()
	var comments *cursor[model.Comment]
	var responses *cursor[model.Response]
	var ratings *cursor[Rating]
	var flags *cursor[Flag]
	if opt.Discussion {
		if comments, err = newCommentCursor(ctx, tx, procedureID, where, opt.All); err != nil {
			return err
		}
		defer comments.rows.Close()
		if responses, err = newResponseCursor(ctx, tx, procedureID, where); err != nil {
			return err
		}
		defer responses.rows.Close()
	}
	if opt.All {
		if ratings, err = newRatingCursor(ctx, tx, procedureID); err != nil {
			return err
		}
		defer ratings.rows.Close()
		if flags, err = newFlagCursor(ctx, tx, procedureID); err != nil {
			return err
		}
		defer flags.rows.Close()
	}
	var row ExportRow
	for rows.Next() {
		c, err := scanContribution(rows)
		if err != nil {
			return fmt.Errorf("store: unable to read contribution: %w", err)
		}
		row = ExportRow{Contribution: c}
		if opt.Discussion {
			if row.Comments, err = comments.upTo(c.Seq); err != nil {
				return err
			}
			if row.Responses, err = responses.upTo(c.Seq); err != nil {
				return err
			}
		}
		if opt.All {
			if row.Ratings, err = ratings.upTo(c.Seq); err != nil {
				return err
			}
			if row.Flags, err = flags.upTo(c.Seq); err != nil {
				return err
			}
		}
		if err := fn(&row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// cursor walks rows ordered by contribution seq, so that they can be
// merged into the contribution stream, which has the same order.
type cursor[T any] struct {
	rows    *sql.Rows
	scan    func(*sql.Rows) (seq int64, item T, err error)
	pending *T
	seq     int64 // contribution of pending
	done    bool
}

// upTo returns the items of contribution seq (skipping any of earlier
// contributions, which matching orders cannot produce).
func (k *cursor[T]) upTo(seq int64) ([]T, error) {
	var out []T
	for {
		if k.pending == nil && !k.done {
			if !k.rows.Next() {
				k.done = true
				if err := k.rows.Err(); err != nil {
					return nil, fmt.Errorf("store: unable to export: %w", err)
				}
				break
			}
			s, item, err := k.scan(k.rows)
			if err != nil {
				return nil, fmt.Errorf("store: unable to export: %w", err)
			}
			k.seq, k.pending = s, &item
		}
		if k.pending == nil || k.seq > seq {
			break
		}
		if k.seq == seq {
			out = append(out, *k.pending)
		}
		k.pending = nil
	}
	return out, nil
}

// newCommentCursor walks the procedure's comments: the published ones, or
// with all every one whatever its status. where filters the contributions
// (alias c). CROSS JOIN makes SQLite follow the comments' index instead of
// sorting them all in memory.
func newCommentCursor(ctx context.Context, tx *sql.Tx, procedureID int64, where string, all bool) (*cursor[model.Comment], error) {
	status := `m.status = 'published'`
	if all {
		status = `1`
	}
	rows, err := tx.QueryContext(ctx, `SELECT m.contribution_seq, m.id, m.parent_id, m.text, m.author_name, m.status, m.created_at
		FROM comments m CROSS JOIN contributions c ON c.seq = m.contribution_seq
		WHERE c.procedure_id = ? AND `+where+` AND `+status+`
		ORDER BY m.contribution_seq, m.created_at, m.id`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to export comments: %w", err)
	}
	return &cursor[model.Comment]{rows: rows, scan: func(r *sql.Rows) (int64, model.Comment, error) {
		var seq, created int64
		var m model.Comment
		var parent sql.NullInt64
		err := r.Scan(&seq, &m.ID, &parent, &m.Text, &m.AuthorName, &m.Status, &created)
		m.ParentID, m.CreatedAt = parent.Int64, fromMS(created)
		return seq, m, err
	}}, nil
}

// newResponseCursor walks the official responses to the procedure's contributions.
func newResponseCursor(ctx context.Context, tx *sql.Tx, procedureID int64, where string) (*cursor[model.Response], error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.contribution_seq, r.id, r.author, r.text_md, r.created_at
		FROM responses r CROSS JOIN contributions c ON c.seq = r.contribution_seq
		WHERE c.procedure_id = ? AND `+where+`
		ORDER BY r.contribution_seq, r.created_at, r.id`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to export responses: %w", err)
	}
	return &cursor[model.Response]{rows: rows, scan: func(r *sql.Rows) (int64, model.Response, error) {
		var seq, created int64
		var x model.Response
		err := r.Scan(&seq, &x.ID, &x.Author, &x.TextMD, &created)
		x.CreatedAt = fromMS(created)
		return seq, x, err
	}}, nil
}
