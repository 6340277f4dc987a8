// Command mitreden-load measures a running Mitreden server on loopback:
// viewport reads against the ceiling (the same Fiber server sending the same
// bytes from memory), durable submits, and the procedure page. Each run is
// bounded in requests and time and only talks to 127.0.0.1.
//
//	mitreden-load --url http://127.0.0.1:8080 --procedure gruenzug-altona --duration 10s --connections 50
//
// With --mix it is a soak instead: the connections are residents spread over
// every public route (pages in three languages, the API with filters, the
// event stream, ratings, comments, contributions, reports and edits through
// the API and the forms) for --duration; it prints requests, req/s, p50,
// p99, 5xx and transport errors per route and exits 1 on any 5xx, transport
// error or status the route should not answer.
//
//	mitreden-load --mix --url http://127.0.0.1:8080 --duration 60s --connections 50
//
// With --viewports it runs only the ceiling and varied street-sized
// viewports at random places in the area, with and without cluster=1.
//
// With --hot N it runs only the same cached viewport answer against the
// ceiling sending the same bytes (uncompressed, then gzip), alternating, N
// rounds each, and prints the median ratios.
package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/cmd/mitreden-load/mix"
	"github.com/mitreden/mitreden/internal/model"
	"github.com/mitreden/mitreden/internal/store"
)

type result struct {
	name      string
	requests  int64
	errors    int64
	statuses  map[int]int64
	latencies []time.Duration
	elapsed   time.Duration
	bytes     int64
}

func (r result) rps() float64 { return float64(r.requests) / r.elapsed.Seconds() }

func (r result) pct(p float64) time.Duration {
	if len(r.latencies) == 0 {
		return 0
	}
	i := int(float64(len(r.latencies)-1) * p)
	return r.latencies[i]
}

func (r result) String() string {
	return fmt.Sprintf("%-22s %9.0f req/s  p50 %7.2f ms  p99 %7.2f ms  %6.1f KB/answer  errors %d  statuses %v",
		r.name, r.rps(), ms(r.pct(0.5)), ms(r.pct(0.99)), float64(r.bytes)/float64(max(r.requests, 1))/1024, r.errors, r.statuses)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// load sends requests made by mk from conns goroutines for d.
func load(name string, conns int, d time.Duration, client *http.Client, mk func(i int64) *http.Request) result {
	var n atomic.Int64
	var mu sync.Mutex
	res := result{name: name, statuses: map[int]int64{}}
	deadline := time.Now().Add(d)
	start := time.Now()
	var wg sync.WaitGroup
	for w := 0; w < conns; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var lat []time.Duration
			st := map[int]int64{}
			var errs, bytes int64
			for time.Now().Before(deadline) {
				req := mk(n.Add(1))
				t0 := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					errs++
					continue
				}
				b, _ := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(t0))
				st[resp.StatusCode]++
				bytes += b
			}
			mu.Lock()
			res.latencies = append(res.latencies, lat...)
			for k, v := range st {
				res.statuses[k] += v
			}
			res.errors += errs
			res.bytes += bytes
			mu.Unlock()
		}()
	}
	wg.Wait()
	res.elapsed = time.Since(start)
	res.requests = int64(len(res.latencies))
	sort.Slice(res.latencies, func(i, j int) bool { return res.latencies[i] < res.latencies[j] })
	return res
}

func loopback(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return err
	}
	ip := net.ParseIP(u.Hostname())
	if u.Hostname() != "localhost" && (ip == nil || !ip.IsLoopback()) {
		return errors.New("only loopback targets (127.0.0.0/8, ::1, localhost) are allowed")
	}
	return nil
}

func main() {
	base := flag.String("url", "http://127.0.0.1:8080", "running mitreden server (loopback only)")
	slug := flag.String("procedure", "gruenzug-altona", "procedure slug")
	dur := flag.Duration("duration", 10*time.Second, "duration of each scenario")
	conns := flag.Int("connections", 50, "concurrent connections")
	bbox := flag.String("bbox", "", "viewport bbox (default: a street-sized box in the middle of the area)")
	pid := flag.Int("pid", 0, "process id of the server, to split its memory into anonymous and file-backed")
	mixed := flag.Bool("mix", false, "soak: mixed traffic over every public route for --duration (or --requests)")
	requests := flag.Int64("requests", 0, "with --mix: stop after this many requests (0: run for --duration)")
	seed := flag.Uint64("seed", 1, "with --mix: seed of the clients' random choices")
	timeout := flag.Duration("timeout", 30*time.Second, "with --mix: how long a client waits for an answer")
	viewportsOnly := flag.Bool("viewports", false, "only the varied-viewport scenarios (with and without cluster=1, and the OGC API's items pages)")
	tables := flag.String("table-links", "", "with --mix: comma-separated kiosk addresses from `mitreden table link`")
	writerOnly := flag.Bool("writer", false, "only durable submits of located contributions against a minimal group-commit writer (see writer.go)")
	writerDB := flag.String("db", "", "with --writer: the server's database, copied for the minimal writer so both write into tables of the same size")
	limit := flag.Int("limit", 100, "features asked for per viewport answer (the server holds at most 100 in one answer without cluster=1)")
	hot := flag.Int("hot", 0, "only the hot path: this many alternating rounds of the ceiling and the same cached viewport answer")
	ceilingDir := flag.String("ceiling-serve", "", "(internal) serve the ceiling's answer from this directory")
	flag.Parse()
	if *ceilingDir != "" {
		if err := serveCeiling(*ceilingDir); err != nil {
			fmt.Fprintln(os.Stderr, "mitreden-load:", err)
			os.Exit(1)
		}
		return
	}
	if err := loopback(*base); err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-load:", err)
		os.Exit(2)
	}
	if *mixed {
		os.Exit(soak(mix.Config{Base: *base, Slug: *slug, Clients: *conns, Duration: *dur, Requests: *requests, Seed: *seed, Timeout: *timeout,
			TableLinks: splitLinks(*tables)}))
	}
	client := &http.Client{Timeout: 10 * time.Second, Transport: &http.Transport{MaxIdleConnsPerHost: *conns, MaxConnsPerHost: *conns}}
	if *writerOnly {
		if err := writerRun(client, *base, *slug, *writerDB, *conns, *dur); err != nil {
			fmt.Fprintln(os.Stderr, "mitreden-load:", err)
			os.Exit(1)
		}
		return
	}
	if *bbox == "" {
		b, err := middleBox(client, *base, *slug)
		if err != nil {
			fmt.Fprintln(os.Stderr, "mitreden-load:", err)
			os.Exit(1)
		}
		*bbox = b
	}
	viewport := *base + "/api/v1/procedures/" + *slug + "/contributions?limit=" + strconv.Itoa(*limit) + "&bbox=" + url.QueryEscape(*bbox)
	if *hot > 0 {
		hotPath(*hot, *conns, *dur, client, viewport, *pid)
		return
	}
	resp, err := client.Get(viewport)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-load:", err)
		os.Exit(1)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()

	// The ceiling: Fiber sending the same answer from memory (ceiling.go).
	ceilingURL, _, stopCeiling, err := startCeiling(body, nil, nil)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-load:", err)
		os.Exit(1)
	}
	defer stopCeiling()

	// Uncompressed, named by hand: left to itself the client asks for gzip
	// and inflates every answer on the cores the server shares, which the
	// ceiling's uncompressed bytes never make it do (the hot rounds of
	// --hot compare both codings).
	get := func(u string) func(int64) *http.Request {
		return func(int64) *http.Request {
			r, _ := http.NewRequest("GET", u, nil)
			r.Header.Set("Accept-Encoding", "identity")
			return r
		}
	}
	fmt.Printf("viewport answer: %d bytes, %d features\n", len(body), bytes.Count(body, []byte(`"type":"Feature"`)))
	var results []result
	varied := func() []result {
		var out []result
		// Each with the content coding named by hand, so that the client
		// keeps the bytes as they came (a real client decompresses on its
		// own machine, not on the server's cores).
		api := "/api/v1/procedures/" + *slug + "/contributions"
		ogc := "/ogcapi/collections/" + *slug + "/items" // what a GIS pages through
		for _, v := range []struct{ name, path, extra, coding string }{
			{"varied viewports, identity", api, "", "identity"},
			{"varied viewports, gzip", api, "", "gzip"},
			{"varied viewports, cluster=1, identity", api, "&cluster=1", "identity"},
			{"varied viewports, cluster=1, gzip", api, "&cluster=1", "gzip"},
			{"varied OGC API items pages, gzip", ogc, "", "gzip"},
		} {
			mk, err := variedViewports(client, *base, *slug, v.path, *limit, v.extra, v.coding, 1)
			if err != nil {
				fmt.Fprintln(os.Stderr, "mitreden-load:", err)
				os.Exit(1)
			}
			out = append(out, load(v.name, *conns, *dur, client, mk))
		}
		return out
	}
	if *viewportsOnly {
		fmt.Println(load("ceiling (memory)", *conns, *dur, client, get(ceilingURL)))
		for _, r := range varied() {
			fmt.Println(r)
		}
		return
	}
	results = append(results, load("ceiling (memory)", *conns, *dur, client, get(ceilingURL)))
	results = append(results, load("viewport read", *conns, *dur, client, get(viewport)))
	// Panning: every request a slightly different viewport, as a map sends
	// them (cluster=1), so the exact-URL answer cache cannot help.
	var bb [4]float64
	fmt.Sscanf(*bbox, "%g,%g,%g,%g", &bb[0], &bb[1], &bb[2], &bb[3])
	pan := func(name string, shrink float64, extra string) {
		cx, cy := (bb[0]+bb[2])/2, (bb[1]+bb[3])/2
		hw, hh := (bb[2]-bb[0])/2*shrink, (bb[3]-bb[1])/2*shrink
		results = append(results, load(name, *conns, *dur, client, func(i int64) *http.Request {
			d := float64(i%5000) * 2e-7
			u := fmt.Sprintf("%s/api/v1/procedures/%s/contributions?limit=1000%s&bbox=%.7f,%.7f,%.7f,%.7f", *base, *slug, extra, cx-hw+d, cy-hh, cx+hw+d, cy+hh)
			r, _ := http.NewRequest("GET", u, nil)
			// Asked by hand, as a browser does, so that the client leaves
			// the body compressed: inflating every answer would take the
			// server's cores, which the load tool shares (as in varied()).
			r.Header.Set("Accept-Encoding", "gzip")
			return r
		}))
	}
	pan("map panning, cluster=1", 1, "&cluster=1")
	pan("street viewport panning", 0.3, "")
	results = append(results, varied()...)
	results = append(results, load("procedure page HTML", *conns, *dur, client, get(*base+"/p/"+*slug)))
	results = append(results, load("submit (durable)", *conns, *dur, client, func(i int64) *http.Request {
		b := fmt.Sprintf(`{"type":"Feature","geometry":null,"properties":{"title":"Lasttest %d","text":"Ein Beitrag aus dem Lasttest.","category":%q}}`, i, firstCategory(client, *base, *slug))
		r, _ := http.NewRequest("POST", *base+"/api/v1/procedures/"+*slug+"/contributions", strings.NewReader(b))
		r.Header.Set("Content-Type", "application/json")
		return r
	}))
	for _, r := range results {
		fmt.Println(r)
	}
	fmt.Printf("viewport read / ceiling: %.0f %%\n", 100*results[1].rps()/results[0].rps())
	if raw, err := rawInsertRate(*dur, firstCategory(client, *base, *slug)); err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-load: raw insert:", err)
	} else {
		sub := results[len(results)-1].rps()
		fmt.Printf("raw SQLite insert, same rows, one transaction each: %.0f rows/s\n", raw)
		fmt.Printf("submit through HTTP / raw SQLite insert: %.0f %%\n", 100*sub/raw)
	}
	if rss, err := serverRSS(client, *base); err == nil {
		fmt.Printf("server resident memory after the run: %.0f MB\n", rss/1e6)
	}
	if *pid > 0 {
		if anon, file, err := rssParts(*pid); err == nil {
			fmt.Printf("  of which anonymous (heap, stacks, SQLite caches): %.0f MB; file-backed (binary, mapped database pages, reclaimable): %.0f MB\n", anon/1e6, file/1e6)
		}
	}
}

// soak runs the mixed traffic and prints its figures per route; it returns
// the exit status: 1 when any answer was a 5xx or a status its route should
// not give, or a connection failed. Timeouts are listed but do not fail the
// run: on a shared machine they say more about the machine.
func soak(cfg mix.Config) int {
	what := cfg.Duration.String()
	if cfg.Requests > 0 {
		cfg.Duration, what = 0, fmt.Sprintf("%d requests", cfg.Requests)
	}
	fmt.Printf("soak: %d connections, mixed traffic over every public route, %s\n", cfg.Clients, what)
	rep, err := mix.Run(context.Background(), cfg)
	if err != nil {
		fmt.Fprintln(os.Stderr, "mitreden-load:", err)
		return 1
	}
	rep.Print(os.Stdout)
	fmt.Printf("%d requests in %.1f s\n", rep.Total(), rep.Elapsed.Seconds())
	for _, line := range rep.Failures() {
		fmt.Println("  " + line)
	}
	if n := rep.Timeouts(); n > 0 {
		fmt.Printf("%d requests timed out after %s\n", n, cfg.Timeout)
	}
	if rep.Broken() {
		fmt.Println("FAILED: 5xx, unexpected statuses or failed connections (above)")
		return 1
	}
	return 0
}

// rssParts reads RssAnon and RssFile of a local process from /proc.
func rssParts(pid int) (anon, file float64, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		var kb float64
		if _, err := fmt.Sscanf(line, "RssAnon: %g kB", &kb); err == nil {
			anon = kb * 1024
		}
		if _, err := fmt.Sscanf(line, "RssFile: %g kB", &kb); err == nil {
			file = kb * 1024
		}
	}
	return anon, file, nil
}

// rawInsertRate inserts the submit scenario's rows with plain INSERTs, one
// transaction each (WAL, synchronous=NORMAL as the server), into a scratch
// database with Mitreden's schema, for dur, and returns rows per second:
// what SQLite does for these rows without HTTP, validation or group commit.
func rawInsertRate(dur time.Duration, category string) (float64, error) {
	dir, err := os.MkdirTemp("", "mitreden-raw-")
	if err != nil {
		return 0, err
	}
	defer os.RemoveAll(dir)
	path := filepath.Join(dir, "raw.db")
	st, err := store.Open(path, store.Options{})
	if err != nil {
		return 0, err
	}
	ctx := context.Background()
	if _, err := st.Migrate(ctx); err != nil {
		st.Close()
		return 0, err
	}
	pid, err := st.CreateProcedure(ctx, store.ProcedureSeed{Procedure: model.Procedure{Slug: "raw", Title: "Raw",
		Categories: []model.Category{{Key: category}}}})
	st.Close()
	if err != nil {
		return 0, err
	}
	db, err := sql.Open("sqlite3", "file:"+path+"?_journal_mode=WAL&_synchronous=NORMAL&_busy_timeout=5000")
	if err != nil {
		return 0, err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	ins, err := db.Prepare(`INSERT INTO contributions(id, procedure_id, category, title, text, feature, created_at, updated_at)
		VALUES (?,?,?,?,?,?,?,?)`)
	if err != nil {
		return 0, err
	}
	defer ins.Close()
	start := time.Now()
	n := 0
	for time.Since(start) < dur {
		now := time.Now().UnixMilli()
		title := fmt.Sprintf("Lasttest %d", n)
		feature := fmt.Sprintf(`{"type":"Feature","id":"raw-%d","geometry":null,"properties":{"title":%q}}`, n, title)
		if _, err := ins.Exec(fmt.Sprintf("raw-%d", n), pid, category, title, "Ein Beitrag aus dem Lasttest.", feature, now, now); err != nil {
			return 0, err
		}
		n++
	}
	return float64(n) / time.Since(start).Seconds(), nil
}

var catOnce sync.Once
var category string

func firstCategory(client *http.Client, base, slug string) string {
	catOnce.Do(func() {
		var p struct {
			Categories []struct{ Key string } `json:"categories"`
		}
		if resp, err := client.Get(base + "/api/v1/procedures/" + slug); err == nil {
			_ = json.NewDecoder(resp.Body).Decode(&p)
			resp.Body.Close()
		}
		if len(p.Categories) > 0 {
			category = p.Categories[0].Key
		}
	})
	return category
}

func middleBox(client *http.Client, base, slug string) (string, error) {
	a, err := areaBound(client, base, slug)
	if err != nil {
		return "", err
	}
	cx, cy := (a[0]+a[2])/2, (a[1]+a[3])/2
	return fmt.Sprintf("%.5f,%.5f,%.5f,%.5f", cx-0.0015, cy-0.0006, cx+0.0015, cy+0.0006), nil
}

// areaBound returns the bounding box of the procedure's area as
// minLon, minLat, maxLon, maxLat.
func areaBound(client *http.Client, base, slug string) ([4]float64, error) {
	resp, err := client.Get(base + "/api/v1/procedures/" + slug)
	if err != nil {
		return [4]float64{}, err
	}
	defer resp.Body.Close()
	var p struct {
		Area struct {
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"area"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&p); err != nil || len(p.Area.Coordinates) == 0 {
		return [4]float64{}, fmt.Errorf("procedure %s has no area: %v", slug, err)
	}
	minX, minY, maxX, maxY := 180.0, 90.0, -180.0, -90.0
	for _, c := range p.Area.Coordinates[0] {
		minX, minY, maxX, maxY = min(minX, c[0]), min(minY, c[1]), max(maxX, c[0]), max(maxY, c[1])
	}
	return [4]float64{minX, minY, maxX, maxY}, nil
}

// variedViewports returns a request maker for street-sized viewports (a
// quarter to four times the middle box's area) at random places inside
// the procedure's area, every request a different one, so that neither the
// answer cache nor one hot region of the index helps. extra is appended to
// the query (e.g. "&cluster=1"); coding is sent as Accept-Encoding.
func variedViewports(client *http.Client, base, slug, path string, limit int, extra, coding string, seed uint64) (func(int64) *http.Request, error) {
	a, err := areaBound(client, base, slug)
	if err != nil {
		return nil, err
	}
	var mu sync.Mutex
	rng := rand.New(rand.NewPCG(seed, 2))
	return func(int64) *http.Request {
		mu.Lock()
		k := 0.5 + 1.5*rng.Float64() // side factor: 0.5 to 2
		w, h := 0.003*k, 0.0012*k
		x := a[0] + rng.Float64()*max(a[2]-a[0]-w, 0)
		y := a[1] + rng.Float64()*max(a[3]-a[1]-h, 0)
		mu.Unlock()
		u := fmt.Sprintf("%s%s?limit=%d%s&bbox=%.7f,%.7f,%.7f,%.7f", base, path, limit, extra, x, y, x+w, y+h)
		r, _ := http.NewRequest("GET", u, nil)
		r.Header.Set("Accept-Encoding", coding)
		return r
	}, nil
}

// serverRSS reads process_resident_memory_bytes from the server's /metrics.
func serverRSS(client *http.Client, base string) (float64, error) {
	resp, err := client.Get(base + "/metrics")
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	for _, line := range strings.Split(string(b), "\n") {
		if strings.HasPrefix(line, "process_resident_memory_bytes ") {
			var v float64
			_, err := fmt.Sscanf(strings.TrimPrefix(line, "process_resident_memory_bytes "), "%g", &v)
			return v, err
		}
	}
	return 0, errors.New("no process_resident_memory_bytes in /metrics")
}

func splitLinks(s string) []string {
	var out []string
	for _, l := range strings.Split(s, ",") {
		if l = strings.TrimSpace(l); l != "" {
			out = append(out, l)
		}
	}
	return out
}

// serveLoopback serves app on a free loopback port and returns its base URL.
func serveLoopback(app *fiber.App) (string, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", err
	}
	go func() { _ = app.Listener(ln) }()
	return "http://" + ln.Addr().String() + "/", nil
}
