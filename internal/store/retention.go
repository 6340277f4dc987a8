package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// ErrErased is returned when a step needs the text of a contribution whose
// text was erased (a tombstone): it cannot be erased again nor published.
var ErrErased = errors.New("store: the contribution's text was erased")

// ErasableContributions lists the ids of a procedure's withdrawn and hidden
// contributions whose text is still stored and that have not changed since
// before, oldest first.
func (s *Store) ErasableContributions(ctx context.Context, procedureID int64, before time.Time) ([]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id FROM contributions
		WHERE procedure_id = ? AND status IN ('withdrawn', 'hidden') AND erased_at IS NULL AND updated_at < ?
		ORDER BY updated_at, seq`, procedureID, ms(before))
	if err != nil {
		return nil, fmt.Errorf("store: unable to list erasable contributions: %w", err)
	}
	defer rows.Close()
	var out []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		out = append(out, id)
	}
	return out, rows.Err()
}

// EraseContribution turns contribution id into a tombstone: its title,
// text, author name, keywords and place are emptied, its full-text entry,
// spatial index entry and manage token are removed; the row keeps its
// status, category, type, origin, times and counts, so that statistics and
// the audit log keep their numbers. check sees the contribution inside the
// transaction before the erasure and may change its status or refuse with
// an error (the rule is the caller's). Audited in the same transaction;
// the audit entry names no erased content.
func (s *Store) EraseContribution(ctx context.Context, id string, a Audited, check func(*model.Contribution) error) (*model.Contribution, error) {
	var before model.ContributionStatus
	return s.updateContribution(ctx, id, func(c *model.Contribution) error {
		before = c.Status
		if check != nil {
			if err := check(c); err != nil {
				return err
			}
		}
		c.Title, c.Text, c.AuthorName, c.Geometry = "", "", "", nil
		return nil
	}, func(tx *sql.Tx, c *model.Contribution) error {
		if gone, err := erased(tx, c.Seq); err != nil {
			return err
		} else if gone {
			return ErrErased
		}
		if _, err := tx.Exec(`UPDATE contributions SET keywords = '', manage_token_hash = NULL, erased_at = ? WHERE seq = ?`,
			ms(time.Now()), c.Seq); err != nil {
			return fmt.Errorf("store: unable to erase contribution: %w", err)
		}
		// Nobody hears about a tombstone: its author's address goes too.
		if err := eraseSubscriptionOf(tx, c.ID); err != nil {
			return err
		}
		// The update trigger replaced the full-text entry by an empty one;
		// remove that too, so the index holds nothing of the contribution.
		if _, err := tx.Exec(`INSERT INTO contributions_fts(contributions_fts, rowid, title, text) VALUES ('delete', ?, '', '')`, c.Seq); err != nil {
			return fmt.Errorf("store: unable to erase contribution: %w", err)
		}
		return auditTx(tx, a, c.ID, map[string]any{"status": before}, map[string]any{"status": c.Status, "erased": true})
	})
}

// erased reports whether the contribution in row seq is a tombstone.
func erased(tx *sql.Tx, seq int64) (bool, error) {
	var at sql.NullInt64
	if err := tx.QueryRow(`SELECT erased_at FROM contributions WHERE seq = ?`, seq).Scan(&at); err != nil {
		return false, fmt.Errorf("store: unable to read contribution: %w", err)
	}
	return at.Valid, nil
}

// ContributionErased reports whether contribution id is a tombstone.
func (s *Store) ContributionErased(ctx context.Context, id string) (bool, error) {
	var at sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT erased_at FROM contributions WHERE id = ?`, id).Scan(&at)
	if errors.Is(err, sql.ErrNoRows) {
		return false, ErrNotFound
	}
	if err != nil {
		return false, fmt.Errorf("store: unable to read contribution: %w", err)
	}
	return at.Valid, nil
}
