package logbuf

import (
	"bytes"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// calls records every Write it receives, as the file behind stderr would see
// them.
type calls struct {
	mu     sync.Mutex
	writes [][]byte
}

func (c *calls) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.writes = append(c.writes, bytes.Clone(p))
	return len(p), nil
}

func (c *calls) snapshot() (n int, all string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	var b strings.Builder
	for _, w := range c.writes {
		b.Write(w)
	}
	return len(c.writes), b.String()
}

func logger(w *Writer) *slog.Logger {
	return slog.New(Urgent(slog.NewJSONHandler(w, nil), w, slog.LevelWarn))
}

func TestInfoLinesAreBatchedAndFlushedOnTime(t *testing.T) {
	out := &calls{}
	w := New(out, 50*time.Millisecond)
	defer w.Close()
	log := logger(w)
	for i := 0; i < 200; i++ {
		log.Info("request", "i", i)
	}
	if n, _ := out.snapshot(); n > 1 {
		t.Fatalf("200 info lines reached the file in %d writes at once; want them buffered", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for {
		_, all := out.snapshot()
		if strings.Count(all, "\n") == 200 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("lines not flushed by the timer: %d of 200", strings.Count(all, "\n"))
		}
		time.Sleep(10 * time.Millisecond)
	}
	n, _ := out.snapshot()
	if n > 3 {
		t.Errorf("200 lines took %d writes; want a handful", n)
	}
}

func TestWarningsGoOutAtOnceWithWhatCameBefore(t *testing.T) {
	out := &calls{}
	w := New(out, time.Hour)
	defer w.Close()
	log := logger(w)
	log.Info("before")
	log.Error("panic", "error", "boom")
	_, all := out.snapshot()
	if !strings.Contains(all, `"msg":"before"`) || !strings.Contains(all, `"msg":"panic"`) {
		t.Fatalf("an error record waited for the timer; the file has %q", all)
	}
}

func TestCloseWritesTheRestAndLinesAreNeverSplit(t *testing.T) {
	out := &calls{}
	w := New(out, time.Hour)
	log := logger(w)
	long := strings.Repeat("x", 3000)
	for i := 0; i < 100; i++ { // 300 KB: several buffers' worth
		log.Info("line", "pad", long)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	n, all := out.snapshot()
	if got := strings.Count(all, "\n"); got != 100 {
		t.Fatalf("after Close the file has %d of 100 lines", got)
	}
	out.mu.Lock()
	for i, p := range out.writes {
		if len(p) == 0 || p[len(p)-1] != '\n' {
			t.Errorf("write %d of %d ends inside a line", i, n)
		}
	}
	out.mu.Unlock()
	log.Info("after close")
	if _, all := out.snapshot(); !strings.Contains(all, "after close") {
		t.Error("a line after Close was lost")
	}
}
