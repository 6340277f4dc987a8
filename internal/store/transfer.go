package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// Rating is one voter's vote on a contribution. Voter is the stored hash
// of the voter's key, never the key itself.
type Rating struct {
	Voter     []byte
	Value     int // 1 or -1
	CreatedAt time.Time
}

// Flag is a report on a contribution or, with CommentID set, on one of
// its comments.
type Flag struct {
	CommentID  int64 // 0: the report concerns the contribution
	Reason     string
	CreatedAt  time.Time
	ResolvedAt time.Time // zero while open
	ResolvedBy string
}

// newRatingCursor walks the ratings of the procedure's contributions.
func newRatingCursor(ctx context.Context, tx *sql.Tx, procedureID int64) (*cursor[Rating], error) {
	rows, err := tx.QueryContext(ctx, `SELECT r.contribution_seq, r.voter_hash, r.value, r.created_at
		FROM ratings r CROSS JOIN contributions c ON c.seq = r.contribution_seq
		WHERE c.procedure_id = ? ORDER BY r.contribution_seq, r.voter_hash`, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to export ratings: %w", err)
	}
	return &cursor[Rating]{rows: rows, scan: func(r *sql.Rows) (int64, Rating, error) {
		var seq, created int64
		var x Rating
		err := r.Scan(&seq, &x.Voter, &x.Value, &created)
		x.CreatedAt = fromMS(created)
		return seq, x, err
	}}, nil
}

// newFlagCursor walks the reports on the procedure's contributions and
// comments, by contribution.
func newFlagCursor(ctx context.Context, tx *sql.Tx, procedureID int64) (*cursor[Flag], error) {
	rows, err := tx.QueryContext(ctx, `SELECT seq, comment_id, reason, created_at, resolved_at, resolved_by FROM (
		SELECT c.seq, 0 AS comment_id, f.id AS fid, f.reason, f.created_at, f.resolved_at, f.resolved_by
		FROM flags f JOIN contributions c ON c.id = f.subject_id
		WHERE f.subject_kind = 'contribution' AND c.procedure_id = ?
		UNION ALL
		SELECT c.seq, m.id, f.id, f.reason, f.created_at, f.resolved_at, f.resolved_by
		FROM flags f JOIN comments m ON m.id = CAST(f.subject_id AS INTEGER)
		JOIN contributions c ON c.seq = m.contribution_seq
		WHERE f.subject_kind = 'comment' AND c.procedure_id = ?)
		ORDER BY seq, created_at, fid`, procedureID, procedureID)
	if err != nil {
		return nil, fmt.Errorf("store: unable to export reports: %w", err)
	}
	return &cursor[Flag]{rows: rows, scan: func(r *sql.Rows) (int64, Flag, error) {
		var seq, created int64
		var resolved sql.NullInt64
		var x Flag
		err := r.Scan(&seq, &x.CommentID, &x.Reason, &created, &resolved, &x.ResolvedBy)
		x.CreatedAt = fromMS(created)
		if resolved.Valid {
			x.ResolvedAt = fromMS(resolved.Int64)
		}
		return seq, x, err
	}}, nil
}

// ImportItem is one contribution to import with what came with it. Key
// makes the import idempotent: an item whose key (or whose contribution
// id) is already stored is not added again; what it carries besides —
// comments, responses, ratings, reports — is merged into the stored one,
// each thing once.
type ImportItem struct {
	Key          string
	Contribution *model.Contribution // Status, Reason and MergedInto are kept
	Comments     []model.Comment     // ids of the source; replies name their parent's
	Responses    []model.Response
	// Ratings are the votes by voter hash. Contribution.Up and Down are
	// the counts to show for a new contribution (a bundle of version 1
	// carries counts only).
	Ratings []Rating
	Flags   []Flag // CommentID names a comment of Comments by its source id
}

// ImportResult counts what an import did.
type ImportResult struct {
	Added, Skipped                      int // contributions
	Comments, Responses, Ratings, Flags int // added, also to contributions already there
}

func (r *ImportResult) add(o ImportResult) {
	r.Added += o.Added
	r.Skipped += o.Skipped
	r.Comments += o.Comments
	r.Responses += o.Responses
	r.Ratings += o.Ratings
	r.Flags += o.Flags
}

// ImportContributions stores items in one transaction. A contribution
// already present (by import key or id) is not added again, and its
// status stays as it is here; comments, responses, reports and ratings
// it does not have yet are added to it. A comment, response or report is
// the same when its time, author and text are; a rating is the same when
// its voter hash is, so a voter counts once. Importing the same items
// again, or into the database they came from, changes nothing. A
// contribution.created event is recorded for each new published one and
// the procedure's version is bumped once when anything changed.
func (s *Store) ImportContributions(ctx context.Context, procedureID int64, items []ImportItem) (ImportResult, error) {
	var res ImportResult
	err := s.Write(ctx, func(tx *sql.Tx) error {
		res = ImportResult{}
		for _, it := range items {
			r, err := importItem(tx, procedureID, it)
			if err != nil {
				return err
			}
			res.add(r)
		}
		if res.Added+res.Comments+res.Responses+res.Ratings+res.Flags == 0 {
			return nil
		}
		return bumpVersion(tx, procedureID)
	})
	if err != nil {
		return ImportResult{}, err
	}
	return res, nil
}

func importItem(tx *sql.Tx, procedureID int64, it ImportItem) (ImportResult, error) {
	var res ImportResult
	in := it.Contribution
	existing, err := scanContribution(tx.QueryRow(`SELECT `+contributionCols+` FROM contributions WHERE import_key = ? OR id = ? LIMIT 1`, it.Key, in.ID))
	fresh := errors.Is(err, sql.ErrNoRows)
	if err != nil && !fresh {
		return res, err
	}
	c := existing
	if fresh {
		c = in
		c.ProcedureID = procedureID
		c.Comments = 0
		for _, m := range it.Comments {
			if m.Status == model.Published || m.Status == "" {
				c.Comments++
			}
		}
		if err := insertContribution(tx, c, nil, it.Key, true); err != nil {
			return res, err
		}
		if c.MergedInto != "" {
			if _, err := tx.Exec(`UPDATE contributions SET merged_into = ? WHERE seq = ?`, c.MergedInto, c.Seq); err != nil {
				return res, fmt.Errorf("store: unable to import contribution: %w", err)
			}
		}
		res.Added++
	} else {
		res.Skipped++
		if c.ProcedureID != procedureID {
			return res, nil // the same id in another procedure: nothing to merge
		}
	}

	// comments, matched by time, author and text; ids map source → here
	ids := map[int64]int64{}
	newComments := 0
	for _, m := range it.Comments {
		st := m.Status
		if st == "" {
			st = model.Published
		}
		var parent any
		if m.ParentID != 0 {
			if id, ok := ids[m.ParentID]; ok {
				parent = id
			}
		}
		var id int64
		err := sql.ErrNoRows // a new contribution has no comments yet
		if !fresh {
			err = tx.QueryRow(`SELECT id FROM comments WHERE contribution_seq = ? AND created_at = ? AND author_name = ? AND text = ?
				ORDER BY id LIMIT 1`, c.Seq, ms(m.CreatedAt), m.AuthorName, m.Text).Scan(&id)
		}
		if errors.Is(err, sql.ErrNoRows) {
			if id, err = nextCommentID(tx); err != nil { // one id space with plan-variant comments
				return res, err
			}
			if _, err := tx.Exec(`INSERT INTO comments(id, contribution_seq, parent_id, text, author_name, status, created_at) VALUES (?,?,?,?,?,?,?)`,
				id, c.Seq, parent, m.Text, m.AuthorName, st, ms(m.CreatedAt)); err != nil {
				return res, fmt.Errorf("store: unable to import comment: %w", err)
			}
			res.Comments++
			if st == model.Published {
				newComments++
			}
		} else if err != nil {
			return res, err
		}
		ids[m.ID] = id
	}

	for _, r := range it.Responses {
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM responses WHERE contribution_seq = ? AND created_at = ? AND author = ? AND text_md = ?`,
			c.Seq, ms(r.CreatedAt), r.Author, r.TextMD).Scan(&n); err != nil {
			return res, err
		}
		if n > 0 {
			continue
		}
		if _, err := tx.Exec(`INSERT INTO responses(contribution_seq, author, text_md, created_at) VALUES (?,?,?,?)`,
			c.Seq, r.Author, r.TextMD, ms(r.CreatedAt)); err != nil {
			return res, fmt.Errorf("store: unable to import response: %w", err)
		}
		res.Responses++
	}

	up, down := 0, 0 // votes new to a contribution that was here already
	for _, r := range it.Ratings {
		x, err := tx.Exec(`INSERT INTO ratings(contribution_seq, voter_hash, value, created_at) VALUES (?,?,?,?)
			ON CONFLICT(contribution_seq, voter_hash) DO NOTHING`, c.Seq, r.Voter, r.Value, ms(r.CreatedAt))
		if err != nil {
			return res, fmt.Errorf("store: unable to import rating: %w", err)
		}
		if n, _ := x.RowsAffected(); n == 1 {
			res.Ratings++
			if r.Value > 0 {
				up++
			} else {
				down++
			}
		}
	}

	for _, f := range it.Flags {
		kind, subject := "contribution", c.ID
		if f.CommentID != 0 {
			id, ok := ids[f.CommentID]
			if !ok {
				continue
			}
			kind, subject = "comment", strconv.FormatInt(id, 10)
		}
		var n int
		if err := tx.QueryRow(`SELECT count(*) FROM flags WHERE subject_kind = ? AND subject_id = ? AND created_at = ? AND reason = ?`,
			kind, subject, ms(f.CreatedAt), f.Reason).Scan(&n); err != nil {
			return res, err
		}
		if n > 0 {
			continue
		}
		var resolved any
		if !f.ResolvedAt.IsZero() {
			resolved = ms(f.ResolvedAt)
		}
		if _, err := tx.Exec(`INSERT INTO flags(subject_kind, subject_id, reason, created_at, resolved_at, resolved_by) VALUES (?,?,?,?,?,?)`,
			kind, subject, f.Reason, ms(f.CreatedAt), resolved, f.ResolvedBy); err != nil {
			return res, fmt.Errorf("store: unable to import report: %w", err)
		}
		res.Flags++
	}

	// a contribution that was here already shows the merged counts
	if !fresh && newComments+up+down > 0 {
		c.Comments += newComments
		c.Up += up
		c.Down += down
		if err := saveContribution(tx, c); err != nil {
			return res, err
		}
		if c.Status == model.Published {
			if err := addEvent(tx, c.ProcedureID, "contribution.updated", FeatureJSON(c)); err != nil {
				return res, err
			}
		}
	}
	return res, nil
}
