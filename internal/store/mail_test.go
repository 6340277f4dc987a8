package store_test

import (
	"context"
	"database/sql"
	"errors"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

func outboxKinds(t *testing.T, st *store.Store) []string {
	t.Helper()
	var kinds []string
	err := st.Write(context.Background(), func(tx *sql.Tx) error {
		rows, err := tx.Query(`SELECT kind FROM outbox ORDER BY id`)
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var k string
			if err := rows.Scan(&k); err != nil {
				return err
			}
			kinds = append(kinds, k)
		}
		return rows.Err()
	})
	if err != nil {
		t.Fatal(err)
	}
	return kinds
}

// Notifications are queued in the transaction of the change that causes
// them: only for a confirmed subscription, and a change that fails queues
// nothing. Merging queues "merged"; withdrawing erases the subscription
// and cancels what it had queued.
func TestNotificationsCommitWithTheirChange(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	p := procedure(t, st)
	a, b := contribution(p, "Erster", nil, time.Now()), contribution(p, "Zweiter", nil, time.Now())
	for _, c := range []*model.Contribution{a, b} {
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			t.Fatal(err)
		}
	}
	if err := st.Subscribe(ctx, a.ID, []byte("sealed"), []byte("hash-a"), []byte("addr"), "de"); err != nil {
		t.Fatal(err)
	}
	if err := st.Subscribe(ctx, a.ID, []byte("sealed"), []byte("hash-x"), []byte("addr"), "de"); !errors.Is(err, store.ErrConflict) {
		t.Fatalf("second subscription: %v, want ErrConflict", err)
	}
	audit := store.Audited{Actor: "mod", Action: "contribution.merge"}
	// Not confirmed yet: the merge that fails and the hide queue nothing.
	if _, err := st.MergeContribution(ctx, a.ID, "no-such-id", "", audit, nil); !errors.Is(err, store.ErrMergeTarget) {
		t.Fatalf("merge into nothing: %v", err)
	}
	if got := outboxKinds(t, st); len(got) != 1 || got[0] != "confirm" {
		t.Fatalf("outbox %v, want only the confirmation", got)
	}
	if err := st.ConfirmSubscription(ctx, []byte("hash-a")); err != nil {
		t.Fatal(err)
	}
	// Confirmed: a failing merge still queues nothing (rolled back with it).
	if _, err := st.MergeContribution(ctx, a.ID, "no-such-id", "", audit, nil); !errors.Is(err, store.ErrMergeTarget) {
		t.Fatalf("merge into nothing: %v", err)
	}
	if got := outboxKinds(t, st); len(got) != 1 {
		t.Fatalf("a failed merge queued %v", got)
	}
	if _, err := st.MergeContribution(ctx, a.ID, b.ID, "Doppelt", audit, nil); err != nil {
		t.Fatal(err)
	}
	if got := outboxKinds(t, st); len(got) != 2 || got[1] != "merged" {
		t.Fatalf("outbox %v, want confirm, merged", got)
	}
	// Withdrawal erases the subscription and cancels the unsent messages.
	if err := st.Subscribe(ctx, b.ID, []byte("sealed"), []byte("hash-b"), []byte("addr"), "de"); err != nil {
		t.Fatal(err)
	}
	if _, err := st.UpdateContribution(ctx, b.ID, func(c *model.Contribution) error { c.Status = model.Withdrawn; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := st.SubscriptionByToken(ctx, []byte("hash-b")); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("subscription after withdrawal: %v", err)
	}
	stats, err := st.Outbox(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if stats.Counts["cancelled"] != 1 || stats.Counts["queued"] != 2 {
		t.Fatalf("outbox counts %v, want b's confirmation cancelled", stats.Counts)
	}
}

// A claimed message is the claimer's until its lease runs out; then it is
// claimed again (its process died). Marked sent, it is never claimed again.
func TestOutboxLease(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	p := procedure(t, st)
	c := contribution(p, "Erster", nil, time.Now())
	if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
		t.Fatal(err)
	}
	if err := st.Subscribe(ctx, c.ID, []byte("sealed"), []byte("h"), []byte("addr"), "de-x-ls"); err != nil {
		t.Fatal(err)
	}
	now := time.Now()
	it, err := st.ClaimOutbox(ctx, now, time.Minute)
	if err != nil || it.Kind != "confirm" || it.Attempts != 1 || string(it.SubSealed) != "sealed" || it.SubLocale != "de-x-ls" {
		t.Fatalf("claim: %+v %v", it, err)
	}
	if _, err := st.ClaimOutbox(ctx, now.Add(30*time.Second), time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("claimed twice within the lease: %v", err)
	}
	again, err := st.ClaimOutbox(ctx, now.Add(61*time.Second), time.Minute)
	if err != nil || again.ID != it.ID || again.MessageID != it.MessageID || again.Attempts != 2 {
		t.Fatalf("after the lease: %+v %v", again, err)
	}
	if err := st.MarkSent(ctx, it.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := st.ClaimOutbox(ctx, now.Add(time.Hour), time.Minute); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("a sent message claimed: %v", err)
	}
}

// An hourly digest comes at most once an hour: news waits until an hour
// has passed since the previous digest; what it reported is not reported
// again; a first choice starts from now, not from the whole history.
func TestDigestsFollowTheirFrequency(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	p := procedure(t, st)
	old := contribution(p, "Vorher", nil, time.Now())
	old.Status = model.Submitted
	if err := st.InsertContribution(ctx, old, nil, ""); err != nil {
		t.Fatal(err)
	}
	u := &model.User{Email: "mod@example.org", PasswordHash: "x", Role: model.RoleModerator}
	if err := st.CreateUser(ctx, u); err != nil {
		t.Fatal(err)
	}
	if err := st.SetDigest(ctx, u.ID, "hourly"); err != nil {
		t.Fatal(err)
	}
	if err := st.SetDigest(ctx, u.ID, "weekly"); err == nil {
		t.Fatal("an unknown frequency accepted")
	}
	now := time.Now()
	if n, err := st.CollectDigests(ctx, now.Add(2*time.Hour)); err != nil || n != 0 {
		t.Fatalf("digest of what came before the choice: %d %v", n, err)
	}
	c := contribution(p, "Wartet", nil, time.Now())
	c.Status = model.Submitted
	if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.CollectDigests(ctx, now.Add(2*time.Hour)); n != 1 {
		t.Fatalf("hourly digest, the first: %d, want 1", n)
	}
	c2 := contribution(p, "Wartet auch", nil, time.Now())
	c2.Status = model.Submitted
	if err := st.InsertContribution(ctx, c2, nil, ""); err != nil {
		t.Fatal(err)
	}
	if n, _ := st.CollectDigests(ctx, now.Add(2*time.Hour+30*time.Minute)); n != 0 {
		t.Fatalf("a second digest within the hour: %d", n)
	}
	if n, _ := st.CollectDigests(ctx, now.Add(3*time.Hour+time.Minute)); n != 1 {
		t.Fatalf("hourly digest after the hour: %d, want 1", n)
	}
	if n, _ := st.CollectDigests(ctx, now.Add(5*time.Hour)); n != 0 {
		t.Fatalf("the same contributions reported again: %d", n)
	}
	if f, _ := st.Digest(ctx, u.ID); f != "hourly" {
		t.Fatalf("frequency %q", f)
	}
}

// One address gets at most three unconfirmed subscriptions a day.
func TestPendingSubscriptionsPerAddressAreBounded(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	p := procedure(t, st)
	for i := range 5 {
		c := contribution(p, "Beitrag", nil, time.Now())
		if err := st.InsertContribution(ctx, c, nil, ""); err != nil {
			t.Fatal(err)
		}
		err := st.Subscribe(ctx, c.ID, []byte("sealed"), []byte{byte(i)}, []byte("same address"), "de")
		if i < store.PendingPerAddress && err != nil || i >= store.PendingPerAddress && !errors.Is(err, store.ErrTooMany) {
			t.Fatalf("subscription %d: %v", i+1, err)
		}
	}
	if got := outboxKinds(t, st); len(got) != store.PendingPerAddress {
		t.Fatalf("%d confirmations queued, want %d", len(got), store.PendingPerAddress)
	}
}
