package store

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"time"
)

// Residents' e-mail subscriptions (migration 10). The store never sees an
// address in clear: the caller (internal/mail) seals it, with the manage
// token and the subscription's own token, into one encrypted blob. Deleting
// the row erases the address.

// Subscription states.
const (
	SubscriptionPending   = "pending"
	SubscriptionConfirmed = "confirmed"
)

// Subscription is one resident's wish to hear about one contribution.
type Subscription struct {
	ID             int64
	ContributionID string
	Sealed         []byte
	Locale         string
	State          string
}

// newMessageID returns a fresh random Message-ID local part: one per
// outbox row, the same on every attempt to send it.
func newMessageID() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// insertOutbox queues one message in tx.
func insertOutbox(tx *sql.Tx, kind string, subscriptionID, userID int64, data map[string]any, sealed []byte) error {
	b, err := json.Marshal(data)
	if err != nil {
		return err
	}
	var sub, user any
	if subscriptionID != 0 {
		sub = subscriptionID
	}
	if userID != 0 {
		user = userID
	}
	now := ms(time.Now())
	if _, err := tx.Exec(`INSERT INTO outbox(message_id, kind, subscription_id, user_id, data_json, sealed, state, next_at, created_at)
		VALUES (?,?,?,?,?,?,'queued',?,?)`, newMessageID(), kind, sub, user, string(b), sealed, now, now); err != nil {
		return fmt.Errorf("store: unable to queue message: %w", err)
	}
	return nil
}

// PendingPerAddress bounds the unconfirmed subscriptions of one address
// within a day: nobody can have Mitreden send a stranger confirmation
// messages by the dozen.
const PendingPerAddress = 3

// ErrTooMany is returned when an address has PendingPerAddress
// unconfirmed subscriptions from the last day.
var ErrTooMany = errors.New("store: too many unconfirmed subscriptions for this address")

// Subscribe stores a pending subscription to a contribution's news and
// queues its confirmation message, in one transaction. emailHash is a
// keyed hash of the address (the store never sees it). A contribution has
// at most one subscription (ErrConflict); see also ErrTooMany.
func (s *Store) Subscribe(ctx context.Context, contributionID string, sealed, tokenHash, emailHash []byte, locale string) error {
	return s.SubscribeWith(ctx, contributionID, sealed, tokenHash, emailHash, locale, false)
}

// SubscribeWith is Subscribe; with replies the resident also hears about
// new published comments on the contribution (see NotifyReply).
func (s *Store) SubscribeWith(ctx context.Context, contributionID string, sealed, tokenHash, emailHash []byte, locale string, replies bool) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRow(`SELECT COUNT(*) FROM mail_subscriptions WHERE email_hash = ? AND state = 'pending' AND created_at > ?`,
			emailHash, ms(time.Now().Add(-24*time.Hour))).Scan(&n); err != nil {
			return err
		}
		if n >= PendingPerAddress {
			return ErrTooMany
		}
		res, err := tx.Exec(`INSERT INTO mail_subscriptions(contribution_id, sealed, token_hash, email_hash, locale, state, created_at, replies)
			VALUES (?,?,?,?,?,'pending',?,?)`, contributionID, sealed, tokenHash, emailHash, locale, ms(time.Now()), replies)
		if isUnique(err) {
			return fmt.Errorf("%w: subscription", ErrConflict)
		}
		if err != nil {
			return fmt.Errorf("store: unable to subscribe: %w", err)
		}
		id, _ := res.LastInsertId()
		data, err := notificationData(tx, contributionID)
		if err != nil {
			return err
		}
		return insertOutbox(tx, "confirm", id, 0, data, nil)
	})
}

// SubscriptionByToken returns the subscription whose token hashes to h.
func (s *Store) SubscriptionByToken(ctx context.Context, h []byte) (*Subscription, error) {
	var sub Subscription
	err := s.read.QueryRowContext(ctx, `SELECT id, contribution_id, sealed, locale, state FROM mail_subscriptions WHERE token_hash = ?`, h).
		Scan(&sub.ID, &sub.ContributionID, &sub.Sealed, &sub.Locale, &sub.State)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, fmt.Errorf("store: unable to fetch subscription: %w", err)
	}
	return &sub, nil
}

// ConfirmSubscription confirms the subscription whose token hashes to h
// (double opt-in); confirming twice is no error.
func (s *Store) ConfirmSubscription(ctx context.Context, h []byte) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		res, err := tx.Exec(`UPDATE mail_subscriptions SET state = 'confirmed', confirmed_at = COALESCE(confirmed_at, ?) WHERE token_hash = ?`,
			ms(time.Now()), h)
		if err != nil {
			return fmt.Errorf("store: unable to confirm subscription: %w", err)
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return ErrNotFound
		}
		return nil
	})
}

// Unsubscribe erases the subscription whose token hashes to h at once,
// address included, and cancels its messages not yet sent. ErrNotFound
// when there is none (any more).
func (s *Store) Unsubscribe(ctx context.Context, h []byte) error {
	return s.Write(ctx, func(tx *sql.Tx) error {
		var id int64
		err := tx.QueryRow(`SELECT id FROM mail_subscriptions WHERE token_hash = ?`, h).Scan(&id)
		if errors.Is(err, sql.ErrNoRows) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return eraseSubscription(tx, id)
	})
}

// eraseSubscription deletes subscription id and cancels its unsent messages.
func eraseSubscription(tx *sql.Tx, id int64) error {
	if _, err := tx.Exec(`UPDATE outbox SET state = 'cancelled', data_json = '{}', sealed = NULL
		WHERE subscription_id = ? AND state IN ('queued','sending')`, id); err != nil {
		return fmt.Errorf("store: unable to cancel messages: %w", err)
	}
	if _, err := tx.Exec(`UPDATE outbox SET subscription_id = NULL WHERE subscription_id = ?`, id); err != nil {
		return fmt.Errorf("store: unable to cancel messages: %w", err)
	}
	if _, err := tx.Exec(`DELETE FROM mail_subscriptions WHERE id = ?`, id); err != nil {
		return fmt.Errorf("store: unable to erase subscription: %w", err)
	}
	return nil
}

// eraseSubscriptionOf erases the subscription of a contribution, if any
// (its author withdrew it).
func eraseSubscriptionOf(tx *sql.Tx, contributionID string) error {
	var id int64
	err := tx.QueryRow(`SELECT id FROM mail_subscriptions WHERE contribution_id = ?`, contributionID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return err
	}
	return eraseSubscription(tx, id)
}

// notificationData is what every message about a contribution names: the
// contribution and its procedure (never an address).
func notificationData(tx *sql.Tx, contributionID string) (map[string]any, error) {
	var title, slug, ptitle string
	err := tx.QueryRow(`SELECT c.title, p.slug, p.title FROM contributions c JOIN procedures p ON p.id = c.procedure_id WHERE c.id = ?`,
		contributionID).Scan(&title, &slug, &ptitle)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, ErrNotFound
	}
	if err != nil {
		return nil, err
	}
	return map[string]any{"contribution": contributionID, "title": title, "procedure": slug, "procedure_title": ptitle}, nil
}

// Notification kinds queued for residents.
const (
	NotifyResponse = "response" // an official response; data "text" (Markdown)
	NotifyHidden   = "hidden"   // hidden by moderation; data "reason" (public)
	NotifyMerged   = "merged"   // merged into another; data "into" (id)
	NotifyStatus   = "status"   // a new planning status; data "status"
	NotifyReply    = "reply"    // a new published comment (opt-in); data "text"
)

// ReplyPause is the least time between two "reply" messages about one
// contribution: a busy discussion does not flood the author's inbox. A
// comment published within it, or while an earlier "reply" message still
// waits to be sent, queues nothing (the author reads the rest on the
// page the message links to).
const ReplyPause = time.Hour

// notifyReply queues a "reply" message about a comment with text just
// published on contribution contributionID, inside tx, if its author asked
// for them (and confirmed), and no "reply" message for that subscription is
// waiting or was queued within ReplyPause.
func notifyReply(tx *sql.Tx, contributionID, text string) error {
	var id int64
	err := tx.QueryRow(`SELECT id FROM mail_subscriptions WHERE contribution_id = ? AND state = 'confirmed' AND replies <> 0`,
		contributionID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: unable to read subscription: %w", err)
	}
	var recent bool
	if err := tx.QueryRow(`SELECT EXISTS(SELECT 1 FROM outbox WHERE subscription_id = ? AND kind = ?
		AND (state IN ('queued','sending') OR created_at > ?))`, id, NotifyReply, ms(time.Now().Add(-ReplyPause))).Scan(&recent); err != nil {
		return fmt.Errorf("store: unable to read outbox: %w", err)
	}
	if recent {
		return nil
	}
	data, err := notificationData(tx, contributionID)
	if err != nil {
		return err
	}
	data["text"] = text
	return insertOutbox(tx, NotifyReply, id, 0, data, nil)
}

// enqueueNotification queues a message of kind about contribution
// contributionID to its subscriber, inside tx — the transaction of the
// change that causes it, so that change and message commit together or not
// at all. Nothing is queued without a confirmed subscription (double
// opt-in). extra adds to the data the message text needs.
func enqueueNotification(tx *sql.Tx, contributionID, kind string, extra map[string]any) error {
	var id int64
	err := tx.QueryRow(`SELECT id FROM mail_subscriptions WHERE contribution_id = ? AND state = 'confirmed'`, contributionID).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store: unable to read subscription: %w", err)
	}
	data, err := notificationData(tx, contributionID)
	if err != nil {
		return err
	}
	for k, v := range extra {
		data[k] = v
	}
	return insertOutbox(tx, kind, id, 0, data, nil)
}

// notifyPlanningStatus queues the message that contribution id has a new
// planning status. The planning-status change calls it in its own
// transaction (wired where that change is stored).
func notifyPlanningStatus(tx *sql.Tx, contributionID, status string) error {
	return enqueueNotification(tx, contributionID, NotifyStatus, map[string]any{"status": status})
}

// SubscriptionState tells how the author of contribution contributionID
// hears about it: "" (no subscription), "pending" (waiting for the
// confirmation link) or "confirmed".
func (s *Store) SubscriptionState(ctx context.Context, contributionID string) (string, error) {
	var state string
	err := s.read.QueryRowContext(ctx, `SELECT state FROM mail_subscriptions WHERE contribution_id = ?`, contributionID).Scan(&state)
	if errors.Is(err, sql.ErrNoRows) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("store: unable to read subscription: %w", err)
	}
	return state, nil
}

// EraseSubscriptionOf deletes the subscription of contribution
// contributionID, if any, and cancels its unsent messages (the author
// unsubscribed on the manage page).
func (s *Store) EraseSubscriptionOf(ctx context.Context, contributionID string) error {
	return s.Write(ctx, func(tx *sql.Tx) error { return eraseSubscriptionOf(tx, contributionID) })
}
