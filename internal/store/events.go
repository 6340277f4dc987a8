package store

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// Live events.
//
// Every public change is a row of the events table; its id is the SSE id and
// Last-Event-ID resumes from the table. The outside contract (DESIGN.md) is:
//
//	contribution.created  the published contribution's GeoJSON Feature
//	contribution.updated  its Feature after an edit or a moderator's change
//	contribution.removed  {"id", "status"}: hidden, withdrawn, merged or back
//	                      in the queue; pages drop it
//	comment.created       {"id", "contribution_id", "parent_id", "text", "author_name", "created_at"}
//	comment.removed       {"id", "contribution_id"}: hidden; pages drop it
//
// Ratings record no event: they are counts, not content, and copying the
// Feature for each vote filled the table (pages show counts on load).
//
// Removed content must not be replayable: when a contribution stops being
// published every earlier event about it (and its comments) is rewritten in
// the same transaction into the removal notice, and an edit replaces the
// Feature in its earlier events with the current one. A replay never reaches
// further back than the newest ReplayMax events of a procedure or
// ReplayWindow, and PruneEvents deletes what lies beyond that.
const (
	ReplayMax    = 1000
	ReplayWindow = 24 * time.Hour
)

// eventSubject reads which contribution and comment an event is about from
// its data, so every writer of events names its subject without knowing the
// columns.
func eventSubject(typ string, data []byte) (contribution, comment any) {
	var v struct {
		ID             json.RawMessage `json:"id"`
		ContributionID string          `json:"contribution_id"`
	}
	if json.Unmarshal(data, &v) != nil {
		return nil, nil
	}
	switch {
	case strings.HasPrefix(typ, "contribution."):
		var id string
		if json.Unmarshal(v.ID, &id) == nil && id != "" {
			return id, nil
		}
	case strings.HasPrefix(typ, "comment."):
		var id int64
		if json.Unmarshal(v.ID, &id) == nil && v.ContributionID != "" {
			return v.ContributionID, id
		}
	}
	return nil, nil
}

func addEvent(tx *sql.Tx, procedureID int64, typ string, data []byte) error {
	contribution, comment := eventSubject(typ, data)
	_, err := tx.Exec(`INSERT INTO events(procedure_id, type, data, created_at, contribution_id, comment_id) VALUES (?,?,?,?,?,?)`,
		procedureID, typ, data, ms(time.Now()), contribution, comment)
	if err != nil {
		return fmt.Errorf("store: unable to record event: %w", err)
	}
	return nil
}

func removedContributionJSON(c *model.Contribution) []byte {
	b, _ := json.Marshal(struct {
		ID     string                   `json:"id"`
		Status model.ContributionStatus `json:"status"`
	}{c.ID, c.Status})
	return b
}

func commentJSON(c *model.Comment) []byte {
	b, _ := json.Marshal(map[string]any{"id": c.ID, "contribution_id": c.ContributionID, "parent_id": c.ParentID,
		"text": c.Text, "author_name": c.AuthorName, "created_at": c.CreatedAt.UTC().Format(time.RFC3339)})
	return b
}

func removedCommentJSON(id int64, contributionID string) []byte {
	// The same shape as json_object('id', …, 'contribution_id', …) in contributionEvents.
	b, _ := json.Marshal(struct {
		ID             int64  `json:"id"`
		ContributionID string `json:"contribution_id"`
	}{id, contributionID})
	return b
}

// contributionEvents records what a change of c means for live pages and
// rewrites c's earlier events so that a replay shows only what is public now.
func contributionEvents(tx *sql.Tx, c *model.Contribution, before model.ContributionStatus) error {
	switch {
	case c.Status == model.Published && before == model.Published:
		feat := FeatureJSON(c)
		if _, err := tx.Exec(`UPDATE events SET data = ? WHERE contribution_id = ? AND comment_id IS NULL
			AND type IN ('contribution.created', 'contribution.updated')`, feat, c.ID); err != nil {
			return fmt.Errorf("store: unable to rewrite events: %w", err)
		}
		return addEvent(tx, c.ProcedureID, "contribution.updated", feat)
	case c.Status == model.Published:
		return addEvent(tx, c.ProcedureID, "contribution.created", FeatureJSON(c))
	}
	gone := removedContributionJSON(c)
	if _, err := tx.Exec(`UPDATE events SET type = 'contribution.removed', data = ? WHERE contribution_id = ? AND comment_id IS NULL`,
		gone, c.ID); err != nil {
		return fmt.Errorf("store: unable to redact events: %w", err)
	}
	if _, err := tx.Exec(`UPDATE events SET type = 'comment.removed',
		data = CAST(json_object('id', comment_id, 'contribution_id', contribution_id) AS BLOB)
		WHERE contribution_id = ? AND comment_id IS NOT NULL`, c.ID); err != nil {
		return fmt.Errorf("store: unable to redact events: %w", err)
	}
	if before == model.Published {
		return addEvent(tx, c.ProcedureID, "contribution.removed", gone)
	}
	return nil
}

// commentEvents records a moderated comment's change for live pages: a
// comment published again is announced again; a hidden one has its earlier
// events rewritten into the removal notice.
func commentEvents(tx *sql.Tx, commentID int64, c *model.Contribution, before, status model.ContributionStatus) error {
	if status == model.Published {
		if c.Status != model.Published || before == model.Published {
			return nil
		}
		m := model.Comment{ID: commentID, ContributionID: c.ID}
		var parent sql.NullInt64
		var created int64
		if err := tx.QueryRow(`SELECT parent_id, text, author_name, created_at FROM comments WHERE id = ?`, commentID).
			Scan(&parent, &m.Text, &m.AuthorName, &created); err != nil {
			return fmt.Errorf("store: unable to read comment: %w", err)
		}
		m.ParentID, m.CreatedAt = parent.Int64, fromMS(created)
		return addEvent(tx, c.ProcedureID, "comment.created", commentJSON(&m))
	}
	gone := removedCommentJSON(commentID, c.ID)
	if _, err := tx.Exec(`UPDATE events SET type = 'comment.removed', data = ? WHERE comment_id = ?`, gone, commentID); err != nil {
		return fmt.Errorf("store: unable to redact events: %w", err)
	}
	if before == model.Published && c.Status == model.Published {
		return addEvent(tx, c.ProcedureID, "comment.removed", gone)
	}
	return nil
}

// EventsSince returns the events of a procedure with an id above after, in
// order, but never more than the newest limit (at most ReplayMax) nor any
// older than ReplayWindow: a resume from further back starts at the cap.
func (s *Store) EventsSince(ctx context.Context, procedureID, after int64, limit int) ([]model.Event, error) {
	limit = min(limit, ReplayMax)
	rows, err := s.read.QueryContext(ctx, `SELECT id, procedure_id, type, data, created_at FROM (
		SELECT id, procedure_id, type, data, created_at FROM events
		WHERE procedure_id = ? AND id > ? AND created_at >= ? ORDER BY id DESC LIMIT ?) ORDER BY id`,
		procedureID, after, ms(time.Now().Add(-ReplayWindow)), limit)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read events: %w", err)
	}
	return scanEvents(rows)
}

// PruneEvents deletes the events no replay can reach any more: older than
// ReplayWindow, or beyond the newest ReplayMax of their procedure. Ids are
// never reused (AUTOINCREMENT), so Last-Event-ID stays meaningful.
func (s *Store) PruneEvents(ctx context.Context, now time.Time) (int64, error) {
	var n int64
	err := s.Write(ctx, func(tx *sql.Tx) error {
		n = 0
		res, err := tx.Exec(`DELETE FROM events WHERE created_at < ?`, ms(now.Add(-ReplayWindow)))
		if err != nil {
			return fmt.Errorf("store: unable to prune events: %w", err)
		}
		k, _ := res.RowsAffected()
		n += k
		rows, err := tx.Query(`SELECT DISTINCT procedure_id FROM events`)
		if err != nil {
			return fmt.Errorf("store: unable to prune events: %w", err)
		}
		var procs []int64
		for rows.Next() {
			var id int64
			if err := rows.Scan(&id); err != nil {
				rows.Close()
				return err
			}
			procs = append(procs, id)
		}
		rows.Close()
		for _, p := range procs {
			res, err := tx.Exec(`DELETE FROM events WHERE procedure_id = ? AND id <= (
				SELECT id FROM events WHERE procedure_id = ? ORDER BY id DESC LIMIT 1 OFFSET ?)`, p, p, ReplayMax)
			if err != nil {
				return fmt.Errorf("store: unable to prune events: %w", err)
			}
			k, _ := res.RowsAffected()
			n += k
		}
		return nil
	})
	return n, err
}
