package mail

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"regexp"
	"time"

	gomail "github.com/wneessen/go-mail"

	"github.com/mitreden/mitreden/internal/store"
)

// Delivery guarantee. A message is claimed (queued → sending, with a
// lease) in one transaction, handed to the SMTP server, and marked sent
// right after the server accepted it. A process that dies before the
// server accepted the message leaves it in sending; once the lease has run
// out it is claimed and sent again — nothing is lost. The only way to send
// a message twice is a death in the moment between the server's "250 OK"
// and the commit of "sent" (milliseconds); the repeat carries the same
// Message-ID, so mail systems and clients can drop it. At-least-once with a
// stable Message-ID is chosen over at-most-once because a lost
// confirmation or reset message cannot be noticed, a repeated one can.

// Run sends due messages and collects due digests until ctx ends. Commits
// of the store wake it; it also looks every Poll.
func (s *Service) Run(ctx context.Context) {
	nextDigest := time.Time{}
	for {
		if ctx.Err() != nil {
			return
		}
		now := s.Now()
		if !now.Before(nextDigest) {
			if n, err := s.Store.CollectDigests(ctx, now); err != nil {
				s.Log.Warn("mail: digests", "error", err.Error())
			} else if n > 0 {
				s.Log.Info("mail: digests queued", "messages", n)
			}
			nextDigest = now.Add(s.DigestEvery)
		}
		s.SendDue(ctx)
		wait := s.Poll
		if due, err := s.Store.NextOutboxDue(ctx); err == nil && !due.IsZero() {
			if d := due.Sub(s.Now()); d < wait {
				wait = max(d, 50*time.Millisecond)
			}
		}
		if d := nextDigest.Sub(s.Now()); d < wait {
			wait = max(d, 50*time.Millisecond)
		}
		t := time.NewTimer(wait)
		select {
		case <-ctx.Done():
			t.Stop()
			return
		case <-s.wake:
			t.Stop()
			// Many commits in a row wake the worker once.
			select {
			case <-ctx.Done():
				return
			case <-time.After(100 * time.Millisecond):
			}
		case <-t.C:
		}
	}
}

// SendDue sends every message that is due now, one after another, and
// returns how many the SMTP server took.
func (s *Service) SendDue(ctx context.Context) int {
	sent := 0
	for ctx.Err() == nil {
		if due, err := s.Store.NextOutboxDue(ctx); err != nil || due.IsZero() || due.After(s.Now()) {
			return sent // a read first: claiming is a write, and writes wake the worker
		}
		it, err := s.Store.ClaimOutbox(ctx, s.Now(), s.Lease)
		if errors.Is(err, store.ErrNotFound) {
			return sent
		}
		if err != nil {
			s.Log.Warn("mail: outbox", "error", err.Error())
			return sent
		}
		if s.deliver(ctx, it) {
			sent++
		}
	}
	return sent
}

// deliver sends one claimed message and records the outcome.
func (s *Service) deliver(ctx context.Context, it *store.OutboxItem) bool {
	msg, cancel, err := s.build(it)
	if err != nil || cancel != "" {
		reason := cancel
		state := "cancelled"
		if err != nil {
			reason, state = Redact(err.Error()), "failed"
		}
		if err := s.Store.EndOutbox(context.WithoutCancel(ctx), it.ID, state, reason); err != nil {
			s.Log.Warn("mail: outbox", "error", err.Error())
		}
		s.Log.Info("mail: message not sent", "outbox_id", it.ID, "kind", it.Kind, "state", state, "reason", reason)
		return false
	}
	// A graceful stop (ctx ends) lets the message in hand finish, within
	// the timeout, rather than cut it off mid-transfer.
	sctx, stop := context.WithTimeout(context.WithoutCancel(ctx), s.Settings.Timeout)
	err = s.Sender.Send(sctx, msg)
	stop()
	// The outcome is recorded even when ctx ends now: a message the server
	// took must be marked sent.
	rec := context.WithoutCancel(ctx)
	if err == nil {
		if err := s.Store.MarkSent(rec, it.ID); err != nil {
			s.Log.Error("mail: unable to mark message sent", "outbox_id", it.ID, "error", err.Error())
		}
		s.Log.Info("mail: sent", "outbox_id", it.ID, "kind", it.Kind, "attempt", it.Attempts)
		return true
	}
	text := Redact(err.Error())
	var se *gomail.SendError
	permanent := errors.As(err, &se) && se.ErrorCode() >= 500
	if permanent || it.Attempts >= s.MaxAttempts {
		_ = s.Store.EndOutbox(rec, it.ID, "failed", text)
		s.Log.Warn("mail: message failed", "outbox_id", it.ID, "kind", it.Kind, "attempt", it.Attempts, "error", text)
		return false
	}
	wait := s.Backoff << min(it.Attempts-1, 20)
	if wait > s.MaxBackoff || wait <= 0 {
		wait = s.MaxBackoff
	}
	_ = s.Store.RetryOutbox(rec, it.ID, s.Now().Add(wait), text)
	s.Log.Warn("mail: attempt failed, will retry", "outbox_id", it.ID, "kind", it.Kind, "attempt", it.Attempts,
		"retry_in", wait.String(), "error", text)
	return false
}

// build composes the message of a claimed outbox row; cancel says why it
// is not sent (its recipient is gone).
func (s *Service) build(it *store.OutboxItem) (*gomail.Msg, string, error) {
	ln := Links{Base: s.Base}
	var to, locale string
	switch {
	case it.SubscriptionID != 0:
		if it.SubSealed == nil {
			return nil, "unsubscribed", nil
		}
		plain, err := s.Sealer.Open(purposeSubscription, it.SubSealed)
		if err != nil {
			return nil, "", errors.New("the subscription cannot be opened with this server's secret key")
		}
		var sub sealedSubscription
		if err := json.Unmarshal(plain, &sub); err != nil {
			return nil, "", err
		}
		to, locale, ln.Token, ln.Manage = sub.Email, it.SubLocale, sub.Token, sub.Manage
	case it.UserID != 0:
		if it.UserEmail == "" {
			return nil, "account gone", nil
		}
		to, locale = it.UserEmail, "de"
		if it.Kind == "reset" {
			plain, err := s.Sealer.Open(purposeReset, it.Sealed)
			if err != nil {
				return nil, "", errors.New("the reset token cannot be opened with this server's secret key")
			}
			ln.ResetToken = string(plain)
		}
	default:
		return nil, "no recipient", nil
	}
	m, err := Compose(s.I18n, locale, it.Kind, it.Data, ln)
	if err != nil {
		return nil, "", err
	}
	html, err := m.HTML()
	if err != nil {
		return nil, "", err
	}
	msg := gomail.NewMsg(gomail.WithNoDefaultUserAgent())
	if err := msg.From(s.Settings.From); err != nil {
		return nil, "", fmt.Errorf("from address: %w", err)
	}
	if err := msg.To(to); err != nil {
		return nil, "", errors.New("the recipient's address is not valid")
	}
	msg.Subject(m.Subject)
	msg.SetMessageIDWithValue(it.MessageID + "@" + s.Settings.domain())
	msg.SetDate()
	msg.SetGenHeader("Auto-Submitted", "auto-generated")
	msg.SetGenHeader(gomail.HeaderContentLang, m.Lang)
	if m.Unsubscribe != "" {
		// RFC 2369 and RFC 8058: one click (a POST) ends the subscription.
		msg.SetGenHeader(gomail.HeaderListUnsubscribe, "<"+m.Unsubscribe+">")
		msg.SetGenHeader(gomail.HeaderListUnsubscribePost, "List-Unsubscribe=One-Click")
	}
	msg.SetBodyString(gomail.TypeTextPlain, m.Text())
	msg.AddAlternativeString(gomail.TypeTextHTML, html)
	return msg, "", nil
}

var addressLike = regexp.MustCompile(`[^\s<>"'(),;:]+@[^\s<>"'(),;:]+`)

// Redact removes anything that looks like an e-mail address from an error
// text, so that the outbox's last error and the log never carry one.
func Redact(s string) string {
	s = addressLike.ReplaceAllString(s, "[address]")
	if len(s) > 300 {
		s = s[:300]
	}
	return s
}
