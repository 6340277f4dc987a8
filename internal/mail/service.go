package mail

import (
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/mitreden/mitreden/internal/auth"
	"github.com/mitreden/mitreden/internal/content"
	"github.com/mitreden/mitreden/internal/store"
)

// Store is what e-mail needs of the data store.
type Store interface {
	SubscribeWith(ctx context.Context, contributionID string, sealed, tokenHash, emailHash []byte, locale string, replies bool) error
	SubscriptionByToken(ctx context.Context, h []byte) (*store.Subscription, error)
	ConfirmSubscription(ctx context.Context, h []byte) error
	Unsubscribe(ctx context.Context, h []byte) error
	SubscriptionState(ctx context.Context, contributionID string) (string, error)
	EraseSubscriptionOf(ctx context.Context, contributionID string) error
	ClaimOutbox(ctx context.Context, now time.Time, lease time.Duration) (*store.OutboxItem, error)
	MarkSent(ctx context.Context, id int64) error
	RetryOutbox(ctx context.Context, id int64, next time.Time, lastError string) error
	EndOutbox(ctx context.Context, id int64, state, lastError string) error
	NextOutboxDue(ctx context.Context) (time.Time, error)
	CollectDigests(ctx context.Context, now time.Time) (int, error)
	CreatePasswordReset(ctx context.Context, email string, tokenHash []byte, expires time.Time, sealed []byte) error
	PasswordReset(ctx context.Context, tokenHash []byte, now time.Time) (string, error)
	ResetPassword(ctx context.Context, tokenHash []byte, hash string, now time.Time, a store.Audited) error
	SetDigest(ctx context.Context, userID int64, frequency string) error
	Digest(ctx context.Context, userID int64) (string, error)
	Outbox(ctx context.Context, limit int) (store.OutboxStats, error)
	OnCommit(fn func())
}

// ResetLifetime is how long a password reset link works.
const ResetLifetime = time.Hour

// Service queues and sends Mitreden's e-mail. A nil *Service means e-mail
// is not configured: forms do not offer it and nothing is queued.
type Service struct {
	Store    Store
	I18n     *content.I18n
	Sealer   *Sealer
	Settings Settings
	Base     string // public base URL for links, without trailing slash
	Sender   Sender
	Log      *slog.Logger
	Now      func() time.Time

	// The worker's rhythm (Run); New sets defaults.
	Lease       time.Duration // how long a claimed message is the claimer's
	Backoff     time.Duration // wait after the first failed attempt; doubles each time
	MaxBackoff  time.Duration
	MaxAttempts int
	Poll        time.Duration // look at the outbox at least this often
	DigestEvery time.Duration // how often due digests are collected

	wake chan struct{}
}

// New builds the service over st with the server secret's sealing key.
func New(st Store, i18n *content.I18n, set Settings, secret []byte, base string, log *slog.Logger) (*Service, error) {
	sealer, err := NewSealer(secret)
	if err != nil {
		return nil, err
	}
	s := &Service{Store: st, I18n: i18n, Sealer: sealer, Settings: set, Base: strings.TrimRight(base, "/"),
		Sender: NewSMTPSender(set), Log: log, Now: time.Now,
		Lease: 2*set.Timeout + 10*time.Second, Backoff: set.Retry, MaxBackoff: 6 * time.Hour, MaxAttempts: 12,
		Poll: 30 * time.Second, DigestEvery: time.Minute, wake: make(chan struct{}, 1)}
	st.OnCommit(s.Wake)
	return s, nil
}

// Wake makes the worker look at the outbox now.
func (s *Service) Wake() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// Address checks an address a resident typed: one plain address, at most
// 254 characters. It returns it trimmed.
func Address(raw string) (string, bool) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 254 || strings.ContainsAny(raw, " <>,;\"\r\n") {
		return "", false
	}
	a, err := mail.ParseAddress(raw)
	if err != nil || a.Address != raw || !strings.Contains(raw[strings.LastIndexByte(raw, '@')+1:], ".") {
		return "", false
	}
	return raw, true
}

// sealedSubscription is what a subscription keeps encrypted.
type sealedSubscription struct {
	Email  string `json:"e"`
	Manage string `json:"m"`
	Token  string `json:"t"`
}

const (
	purposeSubscription = "mitreden-subscription"
	purposeReset        = "mitreden-reset"
)

// Subscribe records that the author of contribution contributionID (whose
// manage token is manage) wants news about it at email, in locale, and
// queues the confirmation message. Nothing else is sent before the
// resident follows its link. With replies they also hear about new
// comments on it (at most one message an hour). store.ErrTooMany when the
// address has too many unconfirmed subscriptions already.
func (s *Service) Subscribe(ctx context.Context, contributionID, manage, email, locale string, replies bool) error {
	addr, ok := Address(email)
	if !ok {
		return ErrAddress
	}
	if !s.I18n.Has(locale) {
		locale = content.DefaultLocale
	}
	token := auth.NewToken()
	b, _ := json.Marshal(sealedSubscription{Email: addr, Manage: manage, Token: token})
	return s.Store.SubscribeWith(ctx, contributionID, s.Sealer.Seal(purposeSubscription, b), auth.HashToken(token), s.Sealer.Hash(addr), locale, replies)
}

// State tells how the author of contribution id hears about it: "",
// "pending" or "confirmed".
func (s *Service) State(ctx context.Context, id string) (string, error) {
	return s.Store.SubscriptionState(ctx, id)
}

// Forget erases the subscription of contribution id (the author
// unsubscribed on the manage page) and cancels what was not sent yet.
func (s *Service) Forget(ctx context.Context, id string) error {
	return s.Store.EraseSubscriptionOf(ctx, id)
}

// ErrAddress is returned for an address that is not one.
var ErrAddress = errors.New("mail: not an e-mail address")

// Subscription returns the subscription a link's token belongs to.
func (s *Service) Subscription(ctx context.Context, token string) (*store.Subscription, error) {
	if token == "" || len(token) > 100 {
		return nil, store.ErrNotFound
	}
	return s.Store.SubscriptionByToken(ctx, auth.HashToken(token))
}

// Confirm confirms the subscription a link's token belongs to.
func (s *Service) Confirm(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 {
		return store.ErrNotFound
	}
	return s.Store.ConfirmSubscription(ctx, auth.HashToken(token))
}

// Unsubscribe erases the subscription a link's token belongs to, address
// included; ErrNotFound when there is none (any more).
func (s *Service) Unsubscribe(ctx context.Context, token string) error {
	if token == "" || len(token) > 100 {
		return store.ErrNotFound
	}
	return s.Store.Unsubscribe(ctx, auth.HashToken(token))
}

// RequestReset queues a password reset message for the back-office account
// with email, if there is one that is not locked and it has not asked too
// often. It says nothing about which was the case: the caller answers the
// same either way.
func (s *Service) RequestReset(ctx context.Context, email string) error {
	email = strings.TrimSpace(email)
	if email == "" || len(email) > 254 {
		return nil
	}
	token := auth.NewToken()
	err := s.Store.CreatePasswordReset(ctx, email, auth.HashToken(token), s.Now().Add(ResetLifetime),
		s.Sealer.Seal(purposeReset, []byte(token)))
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return nil
	}
	return err
}

// ResetAccount returns the address of the account a reset link's token
// belongs to, or store.ErrNotFound when it is unknown, used or expired.
func (s *Service) ResetAccount(ctx context.Context, token string) (string, error) {
	if token == "" || len(token) > 100 {
		return "", store.ErrNotFound
	}
	return s.Store.PasswordReset(ctx, auth.HashToken(token), s.Now())
}

// CompleteReset sets password on the account a reset link's token belongs
// to and uses the token up. auth.ErrWeakPassword for a short password,
// store.ErrNotFound for a token unknown, used or expired.
func (s *Service) CompleteReset(ctx context.Context, token, password string) error {
	email, err := s.ResetAccount(ctx, token)
	if err != nil {
		return err
	}
	hash, err := auth.HashPassword(password)
	if err != nil {
		return err
	}
	return s.Store.ResetPassword(ctx, auth.HashToken(token), hash, s.Now(), store.Audited{Actor: email, Action: "user.password_reset_mail"})
}

// Digest returns how often account userID gets a digest ("off" unset).
func (s *Service) Digest(ctx context.Context, userID int64) (string, error) {
	return s.Store.Digest(ctx, userID)
}

// ErrFrequency is returned for a digest frequency that is none of
// store.DigestFrequencies.
var ErrFrequency = errors.New("mail: unknown digest frequency")

// SetDigest sets how often account userID gets a digest.
func (s *Service) SetDigest(ctx context.Context, userID int64, frequency string) error {
	for _, f := range store.DigestFrequencies {
		if f == frequency {
			return s.Store.SetDigest(ctx, userID, frequency)
		}
	}
	return ErrFrequency
}

// Outbox returns the outbox's state for the back office (no addresses).
func (s *Service) Outbox(ctx context.Context, limit int) (store.OutboxStats, error) {
	return s.Store.Outbox(ctx, limit)
}
