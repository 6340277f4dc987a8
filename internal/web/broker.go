package web

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

// Broker fans public events out to live subscribers. Writers never wait for
// it: the store wakes it after a commit, it reads the new rows of the events
// table and hands them to each subscriber's buffered channel. A subscriber
// too slow to keep up is dropped and resumes with Last-Event-ID.
type Broker struct {
	st     *store.Store
	log    *slog.Logger
	wake   chan struct{}
	done   chan struct{}
	once   sync.Once
	mu     sync.Mutex
	subs   map[int64]map[*Subscription]struct{}
	lastID int64
}

// Subscription receives the events of one procedure.
type Subscription struct {
	C         chan model.Event
	procedure int64
	closed    bool
}

// NewBroker starts a broker over the store's events table.
func NewBroker(st *store.Store, log *slog.Logger) *Broker {
	b := &Broker{st: st, log: log, wake: make(chan struct{}, 1), done: make(chan struct{}),
		subs: map[int64]map[*Subscription]struct{}{}}
	b.lastID, _ = st.LastEventID(context.Background())
	st.OnCommit(func() {
		select {
		case b.wake <- struct{}{}:
		default:
		}
	})
	go b.run()
	return b
}

func (b *Broker) run() {
	tick := time.NewTicker(2 * time.Second) // catches writes by other processes
	defer tick.Stop()
	for {
		select {
		case <-b.done:
			return
		case <-b.wake:
		case <-tick.C:
		}
		b.dispatch()
	}
}

func (b *Broker) dispatch() {
	for {
		evs, err := b.st.AllEventsSince(context.Background(), b.lastID, 500)
		if err != nil {
			b.log.Warn("broker: reading events failed", "error", err.Error())
			return
		}
		if len(evs) == 0 {
			return
		}
		b.mu.Lock()
		for _, e := range evs {
			for sub := range b.subs[e.ProcedureID] {
				select {
				case sub.C <- e:
				default:
					b.drop(sub)
				}
			}
			b.lastID = e.ID
		}
		b.mu.Unlock()
	}
}

// Subscribe registers a subscriber for a procedure's events.
func (b *Broker) Subscribe(procedureID int64) *Subscription {
	s := &Subscription{C: make(chan model.Event, 256), procedure: procedureID}
	b.mu.Lock()
	if b.subs[procedureID] == nil {
		b.subs[procedureID] = map[*Subscription]struct{}{}
	}
	b.subs[procedureID][s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Unsubscribe removes a subscriber.
func (b *Broker) Unsubscribe(s *Subscription) {
	b.mu.Lock()
	b.drop(s)
	b.mu.Unlock()
}

func (b *Broker) drop(s *Subscription) {
	if s.closed {
		return
	}
	s.closed = true
	delete(b.subs[s.procedure], s)
	close(s.C)
}

// Count returns the number of live subscribers.
func (b *Broker) Count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	n := 0
	for _, m := range b.subs {
		n += len(m)
	}
	return n
}

// Close stops the broker and ends every subscription.
func (b *Broker) Close() {
	b.once.Do(func() {
		close(b.done)
		b.mu.Lock()
		for _, m := range b.subs {
			for s := range m {
				b.drop(s)
			}
		}
		b.mu.Unlock()
	})
}
