package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"
)

// The outbox: messages queued in the transaction of the change that causes
// them, sent by internal/mail's worker. A row goes queued → sending (claimed
// with a lease) → sent, or back to queued with a later next_at after a
// failed attempt, or failed after too many. A row left in sending by a
// process that died is claimed again once its lease has run out.

// OutboxItem is one claimed message with what its sending needs: the
// resident's sealed subscription or the staff member's address.
type OutboxItem struct {
	ID        int64
	MessageID string
	Kind      string
	Data      []byte // JSON
	Sealed    []byte // the message's own secret (a reset token), encrypted
	Attempts  int    // including this one
	// A resident's message: the subscription (gone: the message is cancelled).
	SubscriptionID int64
	SubSealed      []byte
	SubLocale      string
	// A staff member's message.
	UserID    int64
	UserEmail string
}

// ClaimOutbox takes the next due message: a queued one whose next_at has
// come, or one in sending whose lease ran out (its process died). It
// marks it sending until now+lease and counts the attempt. ErrNotFound
// when nothing is due. The write connection is the only writer, so two
// workers never claim the same row.
func (s *Store) ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration) (*OutboxItem, error) {
	var it *OutboxItem
	err := s.Write(ctx, func(tx *sql.Tx) error {
		var item OutboxItem
		var sub, user sql.NullInt64
		err := tx.QueryRow(`SELECT id, message_id, kind, data_json, sealed, attempts, subscription_id, user_id FROM outbox
			WHERE (state = 'queued' AND next_at <= ?1) OR (state = 'sending' AND lease_until <= ?1)
			ORDER BY next_at, id LIMIT 1`, ms(now)).
			Scan(&item.ID, &item.MessageID, &item.Kind, &item.Data, &item.Sealed, &item.Attempts, &sub, &user)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return fmt.Errorf("store: unable to read outbox: %w", err)
		}
		item.Attempts++
		if _, err := tx.Exec(`UPDATE outbox SET state = 'sending', lease_until = ?, attempts = ? WHERE id = ?`,
			ms(now.Add(lease)), item.Attempts, item.ID); err != nil {
			return fmt.Errorf("store: unable to claim message: %w", err)
		}
		if sub.Valid {
			item.SubscriptionID = sub.Int64
			err := tx.QueryRow(`SELECT sealed, locale FROM mail_subscriptions WHERE id = ?`, sub.Int64).Scan(&item.SubSealed, &item.SubLocale)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if user.Valid {
			item.UserID = user.Int64
			err := tx.QueryRow(`SELECT email FROM users WHERE id = ?`, user.Int64).Scan(&item.UserEmail)
			if err != nil && !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		it = &item
		return nil
	})
	return it, err
}

// MarkSent records that the SMTP server took message id, and empties what
// the message carried (its data and secret are no longer needed).
func (s *Store) MarkSent(ctx context.Context, id int64) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET state = 'sent', sent_at = ?, lease_until = NULL, last_error = '', data_json = '{}', sealed = NULL
			WHERE id = ? AND state = 'sending'`, ms(time.Now()), id)
		return err
	})
}

// RetryOutbox puts message id back in the queue until next, with the
// error of the failed attempt (without addresses: the caller's care).
func (s *Store) RetryOutbox(ctx context.Context, id int64, next time.Time, lastError string) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET state = 'queued', next_at = ?, lease_until = NULL, last_error = ? WHERE id = ? AND state = 'sending'`,
			ms(next), lastError, id)
		return err
	})
}

// EndOutbox gives message id up: failed (the server refused it for good,
// or too many attempts) or cancelled (nobody to send it to any more).
func (s *Store) EndOutbox(ctx context.Context, id int64, state, lastError string) error {
	if state != "failed" && state != "cancelled" {
		return fmt.Errorf("store: outbox state %q is no end", state)
	}
	return s.Write(ctx, func(tx *sql.Tx) error {
		_, err := tx.Exec(`UPDATE outbox SET state = ?, lease_until = NULL, last_error = ?, data_json = '{}', sealed = NULL
			WHERE id = ? AND state = 'sending'`, state, lastError, id)
		return err
	})
}

// OutboxStats is what the back office shows of the outbox: no addresses.
type OutboxStats struct {
	Counts map[string]int // by state
	Recent []OutboxRow    // the latest messages, newest first
}

// OutboxRow is one message as the back office lists it.
type OutboxRow struct {
	ID        int64
	Kind      string
	State     string
	Attempts  int
	LastError string
	CreatedAt time.Time
	NextAt    time.Time
	SentAt    *time.Time
}

// Outbox returns the outbox's counts per state and its latest limit rows.
func (s *Store) Outbox(ctx context.Context, limit int) (OutboxStats, error) {
	st := OutboxStats{Counts: map[string]int{"queued": 0, "sending": 0, "sent": 0, "failed": 0, "cancelled": 0}}
	rows, err := s.read.QueryContext(ctx, `SELECT state, COUNT(*) FROM outbox GROUP BY state`)
	if err != nil {
		return st, fmt.Errorf("store: unable to count outbox: %w", err)
	}
	for rows.Next() {
		var state string
		var n int
		if err := rows.Scan(&state, &n); err != nil {
			rows.Close()
			return st, err
		}
		st.Counts[state] = n
	}
	rows.Close()
	rows, err = s.read.QueryContext(ctx, `SELECT id, kind, state, attempts, last_error, created_at, next_at, sent_at FROM outbox
		ORDER BY id DESC LIMIT ?`, limit)
	if err != nil {
		return st, fmt.Errorf("store: unable to list outbox: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var r OutboxRow
		var created, next int64
		var sent sql.NullInt64
		if err := rows.Scan(&r.ID, &r.Kind, &r.State, &r.Attempts, &r.LastError, &created, &next, &sent); err != nil {
			return st, err
		}
		r.CreatedAt, r.NextAt = fromMS(created), fromMS(next)
		if sent.Valid {
			t := fromMS(sent.Int64)
			r.SentAt = &t
		}
		st.Recent = append(st.Recent, r)
	}
	return st, rows.Err()
}

// NextOutboxDue is when the next queued message is due (zero: none).
func (s *Store) NextOutboxDue(ctx context.Context) (time.Time, error) {
	var v sql.NullInt64
	err := s.read.QueryRowContext(ctx, `SELECT MIN(CASE state WHEN 'queued' THEN next_at ELSE lease_until END) FROM outbox
		WHERE state IN ('queued','sending')`).Scan(&v)
	if err != nil || !v.Valid {
		return time.Time{}, err
	}
	return fromMS(v.Int64), nil
}
