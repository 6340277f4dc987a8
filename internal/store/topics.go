package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"
)

// TopicEdit is a planner's edit of a computed topic: a rename, a merge or
// a split. Members names the topic by the contributions it held; Other, for
// a merge, the topic merged into it; for a split, Members and Other are
// the two halves.
type TopicEdit struct {
	ID        int64
	Kind      string // "rename", "merge" or "split"
	Label     string
	Members   []string
	Other     []string
	CreatedAt time.Time
}

// AddTopicEdit stores a planner's topic edit. Topics are not part of what
// residents see, so the procedure's version stays.
func (s *Store) AddTopicEdit(ctx context.Context, procedureID int64, e *TopicEdit) error {
	if e.CreatedAt.IsZero() {
		e.CreatedAt = time.Now()
	}
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`INSERT INTO topic_edits(procedure_id, kind, label, members, other, created_at) VALUES (?,?,?,?,?,?)`,
			procedureID, e.Kind, e.Label, strings.Join(e.Members, "\n"), strings.Join(e.Other, "\n"), ms(e.CreatedAt))
		if err != nil {
			return fmt.Errorf("store: unable to add topic edit: %w", err)
		}
		e.ID, err = res.LastInsertId()
		return err
	})
}

// TopicEdits returns a procedure's topic edits, oldest first.
func (s *Store) TopicEdits(ctx context.Context, procedureID int64) ([]TopicEdit, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, kind, label, members, other, created_at FROM topic_edits
		WHERE procedure_id = ? ORDER BY id`, procedureID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []TopicEdit
	for rows.Next() {
		var e TopicEdit
		var members, other string
		var at int64
		if err := rows.Scan(&e.ID, &e.Kind, &e.Label, &members, &other, &at); err != nil {
			return nil, err
		}
		e.Members, e.Other, e.CreatedAt = lines(members), lines(other), fromMS(at)
		out = append(out, e)
	}
	return out, rows.Err()
}

func lines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// AddKeyword gives contributions of a procedure a planner's keyword, once
// each (the keywords column holds them separated by ", "); it returns how
// many contributions got it now.
func (s *Store) AddKeyword(ctx context.Context, procedureID int64, ids []string, keyword string) (int, error) {
	n := 0
	err := s.Write(ctx, func(tx *sql.Tx) error {
		n = 0
		for _, id := range ids {
			var kws string
			err := tx.QueryRow(`SELECT keywords FROM contributions WHERE id = ? AND procedure_id = ?`, id, procedureID).Scan(&kws)
			if err == sql.ErrNoRows {
				continue
			}
			if err != nil {
				return err
			}
			list := splitKeywords(kws)
			if slices.Contains(list, keyword) {
				continue
			}
			if _, err := tx.Exec(`UPDATE contributions SET keywords = ? WHERE id = ?`, strings.Join(append(list, keyword), ", "), id); err != nil {
				return fmt.Errorf("store: unable to add keyword: %w", err)
			}
			n++
		}
		return nil
	})
	return n, err
}

// Keywords returns the planners' keywords of a procedure's contributions
// that have any, by contribution id.
func (s *Store) Keywords(ctx context.Context, procedureID int64) (map[string][]string, error) {
	rows, err := s.read.QueryContext(ctx, `SELECT id, keywords FROM contributions WHERE procedure_id = ? AND keywords != ''`, procedureID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string][]string{}
	for rows.Next() {
		var id, kws string
		if err := rows.Scan(&id, &kws); err != nil {
			return nil, err
		}
		out[id] = splitKeywords(kws)
	}
	return out, rows.Err()
}

func splitKeywords(s string) []string {
	var out []string
	for _, k := range strings.Split(s, ",") {
		if k = strings.TrimSpace(k); k != "" {
			out = append(out, k)
		}
	}
	return out
}
