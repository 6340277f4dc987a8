package store

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Kinds of feed items.
const (
	FeedContribution = "contribution" // a published contribution
	FeedResponse     = "response"     // an official response
	FeedComment      = "comment"      // a published comment (contribution feeds only)
	FeedPlanning     = "planning"     // a change of the planning status
)

// FeedItem is one entry of a procedure's or a contribution's Atom feed:
// published content only, never a hidden, waiting, merged or withdrawn
// contribution nor anything about one.
type FeedItem struct {
	Kind           string
	ID             int64 // the row: contribution seq, response, comment or change id
	ContributionID string
	Title          string // the contribution's title
	Text           string // contribution or comment text, response Markdown
	Author         string
	Status         string // the new planning status (FeedPlanning)
	At             time.Time
}

// FeedItems returns the newest limit items of procedure procedureID's feed,
// newest first: new contributions, official responses and planning status
// changes. With contributionID the items are those of that one
// contribution, its published comments included. Each part is read newest
// first through its index and capped before the parts are merged, so a
// feed costs its length, not the procedure's size.
func (s *Store) FeedItems(ctx context.Context, procedureID int64, contributionID string, limit int) ([]FeedItem, error) {
	if limit <= 0 {
		limit = 50
	}
	one, oneArgs := "", []any{}
	if contributionID != "" {
		one, oneArgs = " AND c.id = ?", []any{contributionID}
	}
	parts := []string{
		`SELECT 'contribution', c.seq, c.id, c.title, c.text, c.author_name, '', c.created_at FROM contributions c
			WHERE c.procedure_id = ? AND c.status = 'published'` + one + ` ORDER BY c.created_at DESC LIMIT ?`,
		`SELECT 'response', r.id, c.id, c.title, r.text_md, r.author, '', r.created_at FROM responses r
			JOIN contributions c ON c.seq = r.contribution_seq
			WHERE c.procedure_id = ? AND c.status = 'published'` + one + ` ORDER BY r.created_at DESC LIMIT ?`,
		`SELECT 'planning', p.id, c.id, c.title, '', '', p.status, p.at FROM planning_status_changes p
			JOIN contributions c ON c.seq = p.contribution_seq
			WHERE p.procedure_id = ? AND c.status = 'published' AND p.status <> ''` + one + ` ORDER BY p.at DESC LIMIT ?`,
	}
	if contributionID != "" {
		parts = append(parts, `SELECT 'comment', m.id, c.id, c.title, m.text, m.author_name, '', m.created_at FROM comments m
			JOIN contributions c ON c.seq = m.contribution_seq
			WHERE c.procedure_id = ? AND c.status = 'published' AND m.status = 'published'`+one+` ORDER BY m.created_at DESC LIMIT ?`)
	}
	var args []any
	for i := range parts {
		parts[i] = "SELECT * FROM (" + parts[i] + ")"
		args = append(append(append(args, procedureID), oneArgs...), limit)
	}
	q := strings.Join(parts, " UNION ALL ") + " ORDER BY 8 DESC, 2 DESC LIMIT ?"
	args = append(args, limit)
	rows, err := s.read.QueryContext(ctx, q, args...)
	if err != nil {
		return nil, fmt.Errorf("store: unable to read the feed: %w", err)
	}
	defer rows.Close()
	var out []FeedItem
	for rows.Next() {
		var it FeedItem
		var at int64
		if err := rows.Scan(&it.Kind, &it.ID, &it.ContributionID, &it.Title, &it.Text, &it.Author, &it.Status, &at); err != nil {
			return nil, err
		}
		it.At = fromMS(at)
		out = append(out, it)
	}
	return out, rows.Err()
}
