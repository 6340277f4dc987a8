package web

import (
	"context"

	"github.com/mitreden/mitreden/internal/model"
)

// LastEventID is the id of the newest stored event: where a stream without
// Last-Event-ID starts.
func (b *Broker) LastEventID(ctx context.Context) (int64, error) {
	return b.st.LastEventID(ctx)
}

// Since returns up to limit stored events of procedure procedureID after
// id after, oldest first: what a resuming stream missed.
func (b *Broker) Since(ctx context.Context, procedureID, after int64, limit int) ([]model.Event, error) {
	return b.st.EventsSince(ctx, procedureID, after, limit)
}
