package e2e

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/store"
)

func submit(client *http.Client, url, title, forwardedFor string) (int, string) {
	body := fmt.Sprintf(`{"type":"Feature","geometry":{"type":"Point","coordinates":[9.945,53.556]},"properties":{"title":%q,"text":"Belastungstest mit genug Text.","category":"verkehr"}}`, title)
	req, _ := http.NewRequest("POST", url+"/api/v1/procedures/gruenzug-altona/contributions", strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if forwardedFor != "" {
		req.Header.Set("X-Forwarded-For", forwardedFor)
	}
	res, err := client.Do(req)
	if err != nil {
		return 0, ""
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	var f struct{ ID string }
	_ = json.Unmarshal(b, &f)
	return res.StatusCode, f.ID
}

// hammer runs fn(worker, iteration) in a loop on n goroutines until the
// returned halt function is called; halt waits for them to finish.
func hammer(n int, fn func(w, i int)) (halt func()) {
	stop := make(chan struct{})
	var wg sync.WaitGroup
	for w := 0; w < n; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			for i := 0; ; i++ {
				select {
				case <-stop:
					return
				default:
				}
				fn(w, i)
			}
		}(w)
	}
	return func() { close(stop); wg.Wait() }
}

// Every contribution acknowledged with 201 survives a SIGKILL mid-stream,
// and the database passes integrity_check after the restart.
func TestAcknowledgedContributionsSurviveSIGKILL(t *testing.T) {
	s := start(t, "")
	client := &http.Client{Timeout: 5 * time.Second}
	var mu sync.Mutex
	var acked []string
	halt := hammer(8, func(w, i int) {
		code, id := submit(client, s.URL, fmt.Sprintf("Kill %d-%d", w, i), "")
		if code == 201 && id != "" {
			mu.Lock()
			acked = append(acked, id)
			mu.Unlock()
		}
	})
	// Kill mid-stream once a good number of writes has been acknowledged
	// (the writers keep going until the kill); the count below says
	// whether it proves anything.
	eventually(t, 30*time.Second, func() bool {
		mu.Lock()
		defer mu.Unlock()
		return len(acked) >= 200
	})
	if err := s.cmd.Process.Kill(); err != nil { // SIGKILL
		t.Fatal(err)
	}
	_ = s.cmd.Wait()
	halt()
	if len(acked) < 20 {
		t.Fatalf("only %d acknowledged before the kill; the test proves nothing", len(acked))
	}
	st, err := store.Open(s.DB, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	ctx := context.Background()
	if res, err := st.IntegrityCheck(ctx); err != nil || res != "ok" {
		t.Fatalf("integrity_check = %q, %v", res, err)
	}
	for _, id := range acked {
		if _, err := st.Contribution(ctx, id); err != nil {
			t.Fatalf("acknowledged %s lost: %v", id, err)
		}
	}
	t.Logf("%d acknowledged contributions all present after SIGKILL", len(acked))
	st.Close()
	s2 := start(t, s.DB) // restarts on the same file
	if code, _ := s2.get(t, "/readyz"); code != 200 {
		t.Fatal("restart not ready")
	}
}

// A backup taken while writes go on is a consistent database, and writes
// go on while it runs: they are not held until the copy is done.
func TestBackupUnderLoad(t *testing.T) {
	// Big enough that the copy takes a while (0.1–0.3 s rather than a few
	// milliseconds on the bare demo), so that writes sent and acknowledged
	// meanwhile fit in it also when other test binaries share the cores and
	// a write takes tens of milliseconds: with 3,000 contributions the copy
	// took 16–40 ms, and once in CI no write fitted.
	db := filepath.Join(t.TempDir(), "big.db")
	if out, err := execBinary("demo", "--db", db, "--contributions", "20000").CombinedOutput(); err != nil {
		t.Fatalf("demo: %v %s", err, out)
	}
	s := start(t, db)
	client := &http.Client{Timeout: 5 * time.Second}
	var mu sync.Mutex
	var acked [][2]time.Time // when each acknowledged write was sent and when its 201 arrived
	halt := hammer(4, func(w, i int) {
		sent := time.Now()
		if code, _ := submit(client, s.URL, fmt.Sprintf("Backup %d-%d", w, i), ""); code == 201 {
			mu.Lock()
			acked = append(acked, [2]time.Time{sent, time.Now()})
			mu.Unlock()
		}
	})
	if !eventually(t, 30*time.Second, func() bool { mu.Lock(); defer mu.Unlock(); return len(acked) >= 20 }) {
		halt()
		t.Fatalf("writes do not flow before the backup: %d acknowledged", len(acked))
	}
	out := filepath.Join(t.TempDir(), "backup.db")
	cmd := execBinary("backup", "--db", s.DB, "--out", out)
	logs := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = logs, logs
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	// The backup runs from the moment its copy appears (VACUUM INTO opens
	// it first) to the copy's last write (its modification time).
	var began time.Time
	var err error
	done := false
	for !done && began.IsZero() {
		select {
		case err = <-exited:
			done = true
		default:
			time.Sleep(200 * time.Microsecond)
		}
		if _, serr := os.Stat(out); serr == nil && began.IsZero() {
			began = time.Now()
		}
	}
	if !done {
		err = <-exited
	}
	halt()
	if err != nil {
		t.Fatalf("backup: %v %s", err, logs.String())
	}
	fi, serr := os.Stat(out)
	if serr != nil {
		t.Fatal(serr)
	}
	ended := fi.ModTime()
	during := 0
	for _, w := range acked { // sent after the backup began, acknowledged before it ended
		if !w[0].Before(began) && !w[1].After(ended) {
			during++
		}
	}
	t.Logf("backup ran %v; %d of %d writes sent and acknowledged meanwhile", ended.Sub(began), during, len(acked))
	st, err := store.Open(out, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	if res, err := st.IntegrityCheck(context.Background()); err != nil || res != "ok" {
		t.Fatalf("backup integrity = %q, %v", res, err)
	}
	if _, err := st.ProcedureBySlug(context.Background(), "gruenzug-altona"); err != nil {
		t.Fatal(err)
	}
	if during == 0 {
		t.Fatalf("no write was sent and acknowledged while the backup ran (%v, from the copy's creation to its last write)", ended.Sub(began))
	}
}

// A flood from one client is answered 429 while another client is served.
func TestFloodIsLimitedWhileOthersAreServed(t *testing.T) {
	s := start(t, "", "MITREDEN_WRITE_LIMIT=10", "MITREDEN_TRUSTED_PROXIES=127.0.0.1")
	client := &http.Client{Timeout: 5 * time.Second}
	codes := map[int]int{}
	for i := 0; i < 40; i++ {
		code, _ := submit(client, s.URL, fmt.Sprintf("Flut %d", i), "203.0.113.7")
		codes[code]++
	}
	if codes[201] != 10 || codes[429] != 30 {
		t.Fatalf("flood answers = %v, want 10×201 and 30×429", codes)
	}
	if code, _ := submit(client, s.URL, "Anderer Mensch", "198.51.100.20"); code != 201 {
		t.Fatalf("other client = %d, want 201", code)
	}
	if code, _ := s.get(t, "/p/gruenzug-altona"); code != 200 {
		t.Fatalf("reads during flood = %d", code)
	}
	if strings.Contains(s.logs.String(), "203.0.113.7") {
		t.Fatal("client address written to the log")
	}
}

func TestOversizedBodyIsRefusedWith413(t *testing.T) {
	s := start(t, "")
	body := `{"type":"Feature","geometry":null,"properties":{"title":"Groß","text":"` + strings.Repeat("a", 400*1024) + `","category":"verkehr"}}`
	res, err := http.Post(s.URL+"/api/v1/procedures/gruenzug-altona/contributions", "application/json", strings.NewReader(body))
	if err != nil {
		// fasthttp may close the connection right after answering 413.
		if !strings.Contains(err.Error(), "reset") && !strings.Contains(err.Error(), "broken pipe") {
			t.Fatal(err)
		}
		return
	}
	res.Body.Close()
	if res.StatusCode != 413 {
		t.Fatalf("status %d, want 413", res.StatusCode)
	}
}

// SIGTERM (what service managers and container runtimes send) stops the
// server gracefully: it exits 0 after logging its shutdown. SIGINT (Ctrl-C)
// does the same.
func TestGracefulShutdownOnSIGTERM(t *testing.T) {
	for _, sig := range []os.Signal{syscall.SIGTERM, os.Interrupt} {
		t.Run(sig.String(), func(t *testing.T) { testGracefulShutdown(t, sig) })
	}
}

func testGracefulShutdown(t *testing.T, sig os.Signal) {
	s := start(t, "")
	if err := s.cmd.Process.Signal(sig); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.cmd.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, s.logs.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("no graceful stop within 15 s")
	}
	if !strings.Contains(s.logs.String(), "shutting down") {
		t.Fatal("no shutdown log")
	}
}
