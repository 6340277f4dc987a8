// Package logbuf buffers the server's log lines. The request log writes one
// line per request; a write(2) for each was about an eighth of the server's
// CPU on the hot path (docs/benchmarks.md, "Hot path"). Lines are kept in
// memory for at most one flush interval (100 ms by default), or until 32 KB
// have gathered, and written in one call; records at warning level and above
// are written at once, together with everything before them, and Close writes
// the rest. What a hard crash (SIGKILL, a fatal runtime error) can lose is
// therefore at most one interval of informational lines.
package logbuf

import (
	"bufio"
	"context"
	"io"
	"log/slog"
	"sync"
	"time"
)

// Writer is an io.Writer that buffers whole writes (slog writes one record
// per call, so lines are never split) and flushes them on a timer.
type Writer struct {
	mu     sync.Mutex
	buf    *bufio.Writer
	out    io.Writer
	stop   chan struct{}
	done   chan struct{}
	closed bool
}

// DefaultInterval is how long a line may wait in memory.
const DefaultInterval = 100 * time.Millisecond

const size = 32 << 10

// New starts a Writer over out that flushes every interval.
func New(out io.Writer, interval time.Duration) *Writer {
	w := &Writer{buf: bufio.NewWriterSize(out, size), out: out, stop: make(chan struct{}), done: make(chan struct{})}
	go w.loop(interval)
	return w
}

func (w *Writer) loop(interval time.Duration) {
	defer close(w.done)
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-t.C:
			_ = w.Flush()
		case <-w.stop:
			return
		}
	}
}

// Write keeps p for the next flush; a record larger than the free space
// first flushes what is buffered, so that no line is ever split across two
// writes to out.
func (w *Writer) Write(p []byte) (int, error) {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.closed {
		return w.out.Write(p)
	}
	if len(p) > w.buf.Available() && w.buf.Buffered() > 0 {
		if err := w.buf.Flush(); err != nil {
			return 0, err
		}
	}
	return w.buf.Write(p)
}

// Flush writes what is buffered.
func (w *Writer) Flush() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.buf.Flush()
}

// Close stops the timer and writes what is buffered; later writes go
// straight to out.
func (w *Writer) Close() error {
	w.mu.Lock()
	if w.closed {
		w.mu.Unlock()
		return nil
	}
	w.closed = true
	w.mu.Unlock()
	close(w.stop)
	<-w.done
	return w.Flush()
}

// Urgent wraps a slog.Handler writing to w so that records at level and
// above reach out at once.
func Urgent(h slog.Handler, w *Writer, level slog.Level) slog.Handler {
	return urgent{Handler: h, w: w, level: level}
}

type urgent struct {
	slog.Handler
	w     *Writer
	level slog.Level
}

func (u urgent) Handle(ctx context.Context, r slog.Record) error {
	err := u.Handler.Handle(ctx, r)
	if r.Level >= u.level {
		if ferr := u.w.Flush(); err == nil {
			err = ferr
		}
	}
	return err
}

func (u urgent) WithAttrs(as []slog.Attr) slog.Handler {
	return urgent{Handler: u.Handler.WithAttrs(as), w: u.w, level: u.level}
}

func (u urgent) WithGroup(name string) slog.Handler {
	return urgent{Handler: u.Handler.WithGroup(name), w: u.w, level: u.level}
}
