package api

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// events streams a procedure's public events as Server-Sent Events,
// resuming after Last-Event-ID (never further back than the store's replay
// cap, see store/events.go). The broker bounds the streams per client and in
// all; a stream whose client stops reading ends at the next write (a ping
// every Broker.Ping, each write within Broker.WriteWait), and every stream
// ends after Broker.Lifetime, when the browser resumes with Last-Event-ID.
func (h *Handler) events(c *fiber.Ctx) error {
	p, err := h.LoadProcedure(c)
	if p == nil {
		return err
	}
	last, _ := strconv.ParseInt(c.Get("Last-Event-ID", c.Query("last_event_id")), 10, 64)
	if last <= 0 {
		last, _ = h.Broker.LastEventID(c.UserContext())
	}
	b := h.Broker
	sub, err := b.Subscribe(p.ID, h.ClientKey(c))
	switch {
	case errors.Is(err, web.ErrClientStreams):
		c.Set(fiber.HeaderRetryAfter, "30")
		return h.Fail(c, fiber.StatusTooManyRequests, "too_many_streams", web.Localizer(c).T("error.too_many_streams"))
	case err != nil:
		c.Set(fiber.HeaderRetryAfter, "60")
		return h.Fail(c, fiber.StatusServiceUnavailable, "streams_full", web.Localizer(c).T("error.streams_full"))
	}
	c.Set(fiber.HeaderContentType, "text/event-stream")
	c.Set(fiber.HeaderCacheControl, "no-cache")
	c.Set("X-Accel-Buffering", "no")
	// The write deadlines below stay on the connection: do not reuse it.
	c.Context().SetConnectionClose()
	conn := c.Context().Conn()
	ping, wait, lifetime := b.Ping, b.WriteWait, b.Lifetime
	procID := p.ID
	c.Context().SetBodyStreamWriter(func(w *bufio.Writer) {
		defer b.Unsubscribe(sub)
		// The writer hands bytes to fasthttp, which copies them to the
		// connection; the deadline makes that copy fail on a client that
		// reads nothing, which closes our side and ends the stream.
		flush := func() bool {
			if conn != nil && wait > 0 {
				_ = conn.SetWriteDeadline(time.Now().Add(wait))
			}
			return w.Flush() == nil
		}
		write := func(e model.Event) bool {
			if e.ID <= last {
				return true
			}
			last = e.ID
			fmt.Fprintf(w, "id: %d\nevent: %s\ndata: %s\n\n", e.ID, e.Type, e.Data)
			return flush()
		}
		fmt.Fprintf(w, "retry: 3000\n: connected\n\n")
		if !flush() {
			return
		}
		// Catch up from the table first, then follow the broker.
		backlog, _ := b.Since(context.Background(), procID, last, 1000)
		for _, e := range backlog {
			if !write(e) {
				return
			}
		}
		tick := time.NewTicker(ping)
		defer tick.Stop()
		end := time.NewTimer(lifetime)
		defer end.Stop()
		for {
			select {
			case e, ok := <-sub.C:
				if !ok {
					return
				}
				if !write(e) {
					return
				}
			case <-tick.C:
				fmt.Fprintf(w, ": ping\n\n")
				if !flush() {
					return
				}
			case <-end.C:
				return
			}
		}
	})
	return nil
}
