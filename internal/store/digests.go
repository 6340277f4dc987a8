package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// Digest frequencies of moderators and planners.
var DigestFrequencies = []string{"off", "immediately", "hourly", "daily"}

// SetDigest sets how often the account userID gets a digest. A first
// choice starts from now: nothing older than it is reported.
func (s *Store) SetDigest(ctx context.Context, userID int64, frequency string) error {
	ok := false
	for _, f := range DigestFrequencies {
		ok = ok || f == frequency
	}
	if !ok {
		return fmt.Errorf("store: unknown digest frequency %q", frequency)
	}
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`INSERT INTO mail_digests(user_id, frequency, last_seq, last_flag, last_run_at)
			VALUES (?, ?, (SELECT COALESCE(MAX(seq), 0) FROM contributions), (SELECT COALESCE(MAX(id), 0) FROM flags), ?)
			ON CONFLICT(user_id) DO UPDATE SET frequency = excluded.frequency`, userID, frequency, ms(time.Now()))
		if err != nil {
			return fmt.Errorf("store: unable to set digest: %w", err)
		}
		return nil
	})
}

// Digest returns the digest frequency of account userID ("off" when unset).
func (s *Store) Digest(ctx context.Context, userID int64) (string, error) {
	var f string
	err := s.read.QueryRowContext(ctx, `SELECT frequency FROM mail_digests WHERE user_id = ?`, userID).Scan(&f)
	if errors.Is(err, sql.ErrNoRows) {
		return "off", nil
	}
	return f, err
}

type digestItem struct {
	ID    string `json:"id"`
	Title string `json:"title"`
}

type digestReport struct {
	Contribution string `json:"contribution,omitempty"`
	Excerpt      string `json:"excerpt"`
	Reason       string `json:"reason"`
}

// CollectDigests queues, for every account whose digest is due at now, one
// message per procedure it acts in (admins and unscoped accounts: every
// procedure; scoped ones: their procedure_members) with what is new since
// its last digest:
// contributions waiting under pre-moderation and open reports. It returns
// how many messages it queued. Queueing and moving the account's marks
// happen in one transaction: a digest is neither lost nor repeated.
func (s *Store) CollectDigests(ctx context.Context, now time.Time) (int, error) {
	queued := 0
	err := s.Write(ctx, func(tx *sql.Tx) error {
		queued = 0
		rows, err := tx.Query(`SELECT d.user_id, d.frequency, d.last_seq, d.last_flag, d.last_run_at FROM mail_digests d
			JOIN users u ON u.id = d.user_id WHERE d.frequency <> 'off' AND u.password_hash <> ''`)
		if err != nil {
			return fmt.Errorf("store: unable to read digests: %w", err)
		}
		type due struct{ user, seq, flag int64 }
		var dues []due
		for rows.Next() {
			var d due
			var freq string
			var last int64
			if err := rows.Scan(&d.user, &freq, &d.seq, &d.flag, &last); err != nil {
				rows.Close()
				return err
			}
			gap := now.Sub(fromMS(last))
			if freq == "immediately" || freq == "hourly" && gap >= time.Hour || freq == "daily" && gap >= 24*time.Hour {
				dues = append(dues, d)
			}
		}
		rows.Close()
		if len(dues) == 0 {
			return nil
		}
		var maxSeq, maxFlag int64
		if err := tx.QueryRow(`SELECT (SELECT COALESCE(MAX(seq), 0) FROM contributions), (SELECT COALESCE(MAX(id), 0) FROM flags)`).
			Scan(&maxSeq, &maxFlag); err != nil {
			return err
		}
		procs, err := digestProcedures(tx)
		if err != nil {
			return err
		}
		for _, d := range dues {
			if d.seq == maxSeq && d.flag == maxFlag {
				continue // nothing new anywhere
			}
			acts, err := digestActsIn(tx, d.user)
			if err != nil {
				return err
			}
			for _, p := range procs {
				if !acts(p.id) {
					continue // not one of the account's procedures
				}
				items, reports, err := digestOf(tx, p.id, d.seq, d.flag)
				if err != nil {
					return err
				}
				if len(items) == 0 && len(reports) == 0 {
					continue
				}
				if err := insertOutbox(tx, "digest", 0, d.user, map[string]any{"procedure": p.slug, "procedure_title": p.title,
					"contributions": items, "reports": reports}, nil); err != nil {
					return err
				}
				queued++
			}
			if _, err := tx.Exec(`UPDATE mail_digests SET last_seq = ?, last_flag = ?, last_run_at = ? WHERE user_id = ?`,
				maxSeq, maxFlag, ms(now), d.user); err != nil {
				return err
			}
		}
		return nil
	})
	return queued, err
}

// digestActsIn returns a test for the procedures account userID acts in:
// all for an admin or an unscoped account, else its memberships (the same
// rule as accounts.ActsIn).
func digestActsIn(tx *sql.Tx, userID int64) (func(int64) bool, error) {
	var all bool
	if err := tx.QueryRow(`SELECT role = 'admin' OR all_procedures <> 0 FROM users WHERE id = ?`, userID).Scan(&all); err != nil {
		return nil, err
	}
	if all {
		return func(int64) bool { return true }, nil
	}
	rows, err := tx.Query(`SELECT procedure_id FROM procedure_members WHERE user_id = ?`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	member := map[int64]bool{}
	for rows.Next() {
		var id int64
		if err := rows.Scan(&id); err != nil {
			return nil, err
		}
		member[id] = true
	}
	return func(id int64) bool { return member[id] }, rows.Err()
}

type digestProc struct {
	id          int64
	slug, title string
}

func digestProcedures(tx *sql.Tx) ([]digestProc, error) {
	rows, err := tx.Query(`SELECT id, slug, title FROM procedures ORDER BY id`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []digestProc
	for rows.Next() {
		var p digestProc
		if err := rows.Scan(&p.id, &p.slug, &p.title); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// digestOf lists a procedure's contributions waiting for moderation after
// seq and its open reports after flag.
func digestOf(tx *sql.Tx, procedureID, seq, flag int64) ([]digestItem, []digestReport, error) {
	rows, err := tx.Query(`SELECT id, title FROM contributions WHERE procedure_id = ? AND status = 'submitted' AND seq > ? ORDER BY seq LIMIT 100`,
		procedureID, seq)
	if err != nil {
		return nil, nil, err
	}
	var items []digestItem
	for rows.Next() {
		var it digestItem
		if err := rows.Scan(&it.ID, &it.Title); err != nil {
			rows.Close()
			return nil, nil, err
		}
		items = append(items, it)
	}
	rows.Close()
	rows, err = tx.Query(reportsOf+` SELECT contribution_id, excerpt, reason FROM r WHERE id > ?2 AND resolved_at IS NULL ORDER BY id LIMIT 100`,
		procedureID, flag)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	var reports []digestReport
	for rows.Next() {
		var r digestReport
		if err := rows.Scan(&r.Contribution, &r.Excerpt, &r.Reason); err != nil {
			return nil, nil, err
		}
		reports = append(reports, r)
	}
	return items, reports, rows.Err()
}
