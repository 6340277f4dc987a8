package app_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/web"
)

// liveEnv is newEnv served on a real port, so that event streams can stay
// open while other requests go on; it keeps the server for its broker.
type liveEnv struct {
	*env
	srv  *web.Server
	base string
}

func newLiveEnv(t *testing.T, tune func(*web.Broker)) *liveEnv {
	t.Helper()
	e := newEnv(t, nil)
	if tune != nil {
		tune(e.srv.Broker)
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go e.app.Listener(ln)
	t.Cleanup(func() { e.app.ShutdownWithTimeout(2 * time.Second) })
	return &liveEnv{env: e, srv: e.srv, base: "http://" + ln.Addr().String()}
}

// stream is one open event stream read line by line.
type stream struct {
	res   *http.Response
	lines chan string
}

func (l *liveEnv) open(t *testing.T, query string, hdr ...string) (*stream, *http.Response) {
	t.Helper()
	req, _ := http.NewRequest("GET", l.base+"/api/v1/procedures/"+slug+"/events"+query, nil)
	for i := 0; i+1 < len(hdr); i += 2 {
		req.Header.Set(hdr[i], hdr[i+1])
	}
	// Every stream on its own connection, as browsers' tabs would be.
	res, err := (&http.Client{Transport: &http.Transport{DisableKeepAlives: true}}).Do(req)
	if err != nil {
		t.Fatal(err)
	}
	if res.StatusCode != 200 {
		t.Cleanup(func() { res.Body.Close() })
		return nil, res
	}
	s := &stream{res: res, lines: make(chan string, 1024)}
	go func() {
		defer close(s.lines)
		sc := bufio.NewScanner(res.Body)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			s.lines <- sc.Text()
		}
	}()
	t.Cleanup(func() { res.Body.Close() })
	return s, res
}

// until reads the stream until a line contains want, and returns what it
// read; it fails after d.
func (s *stream) until(t *testing.T, want string, d time.Duration) string {
	t.Helper()
	var seen strings.Builder
	deadline := time.After(d)
	for {
		select {
		case line, ok := <-s.lines:
			if !ok {
				t.Fatalf("stream ended before %q; read:\n%s", want, seen.String())
			}
			seen.WriteString(line + "\n")
			if strings.Contains(line, want) {
				return seen.String()
			}
		case <-deadline:
			t.Fatalf("no %q within %v; read:\n%s", want, d, seen.String())
		}
	}
}

func (l *liveEnv) create(t *testing.T, title, text string) string {
	t.Helper()
	r := l.do(t, "POST", "/api/v1/procedures/"+slug+"/contributions", "application/json",
		feature(`{"type":"Point","coordinates":[9.945,53.556]}`, title, text, "verkehr"))
	var f struct{ ID string }
	if json.Unmarshal([]byte(r.body), &f); r.status != 201 || f.ID == "" {
		t.Fatalf("create: %d %s", r.status, r.body)
	}
	return f.ID
}

func (l *liveEnv) comment(t *testing.T, id, text string) int64 {
	t.Helper()
	r := l.do(t, "POST", "/api/v1/contributions/"+id+"/comments", "application/json", fmt.Sprintf(`{"text":%q}`, text))
	var cm struct{ ID int64 }
	if json.Unmarshal([]byte(r.body), &cm); r.status != 201 || cm.ID == 0 {
		t.Fatalf("comment: %d %s", r.status, r.body)
	}
	return cm.ID
}

// Finding 3.1: a replay from the start must not carry the text of a hidden
// contribution, of its comments, or of a hidden comment.
func TestEventStreamReplaysNoRemovedText(t *testing.T) {
	l := newLiveEnv(t, nil)
	moderator := "Bearer " + l.token(t, "moderator@example.org", model.RoleModerator)
	hidden := l.create(t, "Zitronenfalter an der Ecke", okText+" Telefon 0401234567.")
	l.comment(t, hidden, "Kommentar mit Kohlweißling")
	kept := l.create(t, "Bleibt sichtbar", okText)
	cid := l.comment(t, kept, "Ein Kommentar mit Admiral darin")
	if r := l.do(t, "PATCH", "/api/v1/contributions/"+hidden, "application/json", `{"status":"hidden","reason":"Enthält Daten."}`,
		"Authorization", moderator); r.status != 200 {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	if r := l.do(t, "PATCH", fmt.Sprintf("/api/v1/comments/%d", cid), "application/json", `{"status":"hidden"}`,
		"Authorization", moderator); r.status != 200 {
		t.Fatalf("hide comment: %d %s", r.status, r.body)
	}
	for _, resume := range [][]string{{"?last_event_id=1"}, {"", "Last-Event-ID", "1"}} {
		s, res := l.open(t, resume[0], resume[1:]...)
		if s == nil {
			t.Fatalf("open: %d", res.StatusCode)
		}
		read := s.until(t, fmt.Sprintf(`{"id":%d,"contribution_id":"%s"}`, cid, kept), 5*time.Second)
		for _, secret := range []string{"Zitronenfalter", "0401234567", "Kohlweißling", "Admiral"} {
			if strings.Contains(read, secret) {
				t.Errorf("%v replays %q:\n%s", resume, secret, read)
			}
		}
		if !strings.Contains(read, "event: contribution.removed") ||
			!strings.Contains(read, `{"id":"`+hidden+`","status":"hidden"}`) || !strings.Contains(read, "Bleibt sichtbar") {
			t.Errorf("%v: the replay lacks the removal or the kept contribution:\n%s", resume, read)
		}
		s.res.Body.Close()
	}
}

// Finding 4 (the wall) and 3.1: a moderator's hide reaches an open stream
// within a second, as contribution.removed; an edit as contribution.updated.
func TestHideReachesAnOpenStreamWithinASecond(t *testing.T) {
	l := newLiveEnv(t, nil)
	moderator := "Bearer " + l.token(t, "moderator@example.org", model.RoleModerator)
	id := l.create(t, "Wird gleich ausgeblendet", okText)
	s, res := l.open(t, "")
	if s == nil {
		t.Fatalf("open: %d", res.StatusCode)
	}
	s.until(t, ": connected", 2*time.Second)
	start := time.Now()
	if r := l.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", `{"status":"hidden","reason":"Beleidigung."}`,
		"Authorization", moderator); r.status != 200 {
		t.Fatalf("hide: %d %s", r.status, r.body)
	}
	s.until(t, "event: contribution.removed", time.Second)
	if data := s.until(t, "data: ", time.Second); !strings.Contains(data, `"id":"`+id+`"`) {
		t.Fatalf("removal names another contribution: %s", data)
	}
	t.Logf("removal arrived after %v", time.Since(start))
	if r := l.do(t, "PATCH", "/api/v1/contributions/"+id, "application/json", `{"status":"published","category":"gruen"}`,
		"Authorization", moderator); r.status != 200 {
		t.Fatalf("publish: %d %s", r.status, r.body)
	}
	s.until(t, "event: contribution.created", time.Second)
}

// Finding 3.11 (SSE): one client may hold at most MaxPerClient streams; the
// next answers 429 with the JSON error, and closing one frees its slot. Over
// MaxTotal the answer is 503.
func TestEventStreamsAreBoundedPerClientAndInTotal(t *testing.T) {
	l := newLiveEnv(t, func(b *web.Broker) {
		b.MaxPerClient = 3
		b.Ping = 50 * time.Millisecond // finds the closed stream quickly
	})
	var open []*stream
	for i := 0; i < 3; i++ {
		s, res := l.open(t, "")
		if s == nil {
			t.Fatalf("stream %d: %d", i+1, res.StatusCode)
		}
		s.until(t, ": connected", 2*time.Second)
		open = append(open, s)
	}
	if s, _ := l.open(t, ""); s != nil {
		t.Fatal("a 4th stream from one client was accepted")
	}
	_, res := l.open(t, "")
	body, _ := io.ReadAll(res.Body)
	if res.StatusCode != 429 || !strings.Contains(string(body), `"code":"too_many_streams"`) {
		t.Fatalf("4th stream: %d %s", res.StatusCode, body)
	}
	open[0].res.Body.Close()
	deadline := time.Now().Add(5 * time.Second)
	for {
		s, res := l.open(t, "")
		if s != nil {
			s.until(t, ": connected", 2*time.Second)
			break
		}
		res.Body.Close()
		if time.Now().After(deadline) {
			t.Fatalf("closing a stream did not free its slot: %d", res.StatusCode)
		}
		time.Sleep(50 * time.Millisecond)
	}
	full := newLiveEnv(t, func(b *web.Broker) { b.MaxTotal = 1 })
	if s, res := full.open(t, ""); s == nil {
		t.Fatalf("first stream: %d", res.StatusCode)
	}
	if s, _ := full.open(t, ""); s != nil {
		t.Fatal("a stream over the total was accepted")
	}
	_, res = full.open(t, "")
	body, _ = io.ReadAll(res.Body)
	if res.StatusCode != 503 || !strings.Contains(string(body), `"code":"streams_full"`) {
		t.Fatalf("over the total: %d %s", res.StatusCode, body)
	}
}

// A stream ends after the broker's Lifetime; the browser resumes with
// Last-Event-ID (retry: 3000).
func TestEventStreamEndsAfterItsLifetime(t *testing.T) {
	l := newLiveEnv(t, func(b *web.Broker) { b.Lifetime = 300 * time.Millisecond })
	s, res := l.open(t, "")
	if s == nil {
		t.Fatalf("open: %d", res.StatusCode)
	}
	s.until(t, "retry: 3000", 2*time.Second)
	timeout := time.After(3 * time.Second)
	for ended := false; !ended; {
		select {
		case _, ok := <-s.lines:
			ended = !ok
		case <-timeout:
			t.Fatal("stream still open after its lifetime")
		}
	}
	if n := l.srv.Broker.Count(); n != 0 {
		t.Fatalf("%d streams counted after the end", n)
	}
}
