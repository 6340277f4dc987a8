package web

import (
	"context"
	"errors"
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
//
// It also bounds the streams: at most MaxPerClient at once from one client
// and MaxTotal in all, each living at most Lifetime (the browser reconnects
// with Last-Event-ID), and it prunes the events table every PruneEvery.
type Broker struct {
	st      *store.Store
	log     *slog.Logger
	wake    chan struct{}
	done    chan struct{}
	once    sync.Once
	mu      sync.Mutex
	subs    map[int64]map[*Subscription]struct{}
	clients map[string]int
	total   int
	lastID  int64

	// Stream policy, read by the stream handler; change it only before
	// serving.
	MaxPerClient int           // concurrent streams of one client (ClientKey)
	MaxTotal     int           // concurrent streams in all
	Ping         time.Duration // a comment line this often finds dead clients
	WriteWait    time.Duration // the longest one write to a client may take
	Lifetime     time.Duration // a stream ends after this; the client resumes
	PruneEvery   time.Duration // how often old events are deleted
}

// Subscription receives the events of one procedure.
type Subscription struct {
	C         chan model.Event
	procedure int64
	client    string
	closed    bool // C is closed (Close, or too slow)
	released  bool // its slot is free again (Unsubscribe)
}

// ErrClientStreams and ErrStreams refuse a subscription over the limits.
var (
	ErrClientStreams = errors.New("web: too many event streams from this client")
	ErrStreams       = errors.New("web: too many event streams")
)

// NewBroker starts a broker over the store's events table.
func NewBroker(st *store.Store, log *slog.Logger) *Broker {
	b := &Broker{st: st, log: log, wake: make(chan struct{}, 1), done: make(chan struct{}),
		subs: map[int64]map[*Subscription]struct{}{}, clients: map[string]int{},
		MaxPerClient: 8, MaxTotal: 2000, Ping: 20 * time.Second, WriteWait: 15 * time.Second,
		Lifetime: 30 * time.Minute, PruneEvery: 10 * time.Minute}
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
	prune := time.NewTimer(time.Minute) // not at start: let the server come up first
	defer prune.Stop()
	for {
		select {
		case <-b.done:
			return
		case <-b.wake:
		case <-tick.C:
		case <-prune.C:
			b.prune()
			prune.Reset(b.PruneEvery)
			continue
		}
		b.dispatch()
	}
}

// prune deletes the events no replay can reach any more (store.PruneEvents).
func (b *Broker) prune() {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()
	if n, err := b.st.PruneEvents(ctx, time.Now()); err != nil {
		b.log.Warn("broker: pruning events failed", "error", err.Error())
	} else if n > 0 {
		b.log.Info("broker: pruned events", "deleted", n)
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

// Subscribe registers a subscriber for a procedure's events, on behalf of
// client (a ClientKey). Over the limits it answers ErrClientStreams or
// ErrStreams; every subscription must end with Unsubscribe.
func (b *Broker) Subscribe(procedureID int64, client string) (*Subscription, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	select {
	case <-b.done:
		return nil, ErrStreams
	default:
	}
	if b.MaxTotal > 0 && b.total >= b.MaxTotal {
		return nil, ErrStreams
	}
	if b.MaxPerClient > 0 && b.clients[client] >= b.MaxPerClient {
		return nil, ErrClientStreams
	}
	s := &Subscription{C: make(chan model.Event, 256), procedure: procedureID, client: client}
	if b.subs[procedureID] == nil {
		b.subs[procedureID] = map[*Subscription]struct{}{}
	}
	b.subs[procedureID][s] = struct{}{}
	b.clients[client]++
	b.total++
	return s, nil
}

// Unsubscribe removes a subscriber and frees its client's slot.
func (b *Broker) Unsubscribe(s *Subscription) {
	b.mu.Lock()
	b.drop(s)
	if !s.released {
		s.released = true
		if b.clients[s.client]--; b.clients[s.client] <= 0 {
			delete(b.clients, s.client)
		}
		b.total--
	}
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

// Count returns the number of open streams.
func (b *Broker) Count() int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.total
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
