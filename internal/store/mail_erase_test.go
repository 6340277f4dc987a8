package store_test

import (
	"context"
	"testing"

	"github.com/mitreden/mitreden/internal/store"
)

// Erasing a contribution (retention, or its author) erases its author's
// address too; the manage page's "no more e-mail" erases it alone.
func TestErasingAContributionErasesItsSubscription(t *testing.T) {
	st := open(t)
	ctx := context.Background()
	_, c := variantProcedure(t, st)
	if err := st.Subscribe(ctx, c.ID, []byte("sealed"), []byte("token-hash-1"), []byte("email-hash-1"), "de"); err != nil {
		t.Fatal(err)
	}
	if s, err := st.SubscriptionState(ctx, c.ID); err != nil || s != "pending" {
		t.Fatalf("state %q %v, want pending", s, err)
	}
	if _, err := st.EraseContribution(ctx, c.ID, store.Audited{Actor: "retention", Action: "contribution.erase"}, nil); err != nil {
		t.Fatal(err)
	}
	if s, err := st.SubscriptionState(ctx, c.ID); err != nil || s != "" {
		t.Fatalf("after erasure: state %q %v, want none", s, err)
	}
}
