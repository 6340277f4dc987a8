// Package mix drives a running Mitreden server with mixed traffic as a
// crowd of residents makes it: every public page type in German, English
// and Leichte Sprache, the API with filters, bounding boxes and clusters,
// the event stream, and the writes (ratings, comments, new contributions,
// reports, edits) through both the API and the no-JavaScript forms with
// their CSRF tokens. Each client is one browser: its own cookie jar and its
// own connections. Every answer is counted per route and checked against
// the statuses that route may answer; the soak test (internal/e2e) and
// `mitreden-load --mix` (make bench) share it.
package mix

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"regexp"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Config says whom to drive, how hard and how long.
type Config struct {
	Base     string        // server base URL, e.g. http://127.0.0.1:8080
	Slug     string        // procedure slug
	Clients  int           // concurrent clients (browsers), each with its own cookie jar
	Requests int64         // stop after this many requests in total (0: no bound)
	Duration time.Duration // stop after this long (0: no bound)
	Seed     uint64        // seed of every client's random choices
	Timeout  time.Duration // per request (default 15 s)
	// TableLinks are workshop kiosk addresses with their keys
	// (`mitreden table link`); without them the table routes are not sent.
	TableLinks []string
}

// Route is what one route answered.
type Route struct {
	Name       string
	Requests   int64
	Statuses   map[int]int64
	Transport  int64 // transport errors: refused, reset, cut short
	Timeouts   int64 // requests the client gave up on after Config.Timeout
	Unexpected int64 // answers with a status the route should not give
	Samples    []string
	Latencies  []time.Duration // sorted after Run
}

// ServerErrors is the number of 5xx answers.
func (r *Route) ServerErrors() int64 {
	var n int64
	for s, c := range r.Statuses {
		if s >= 500 {
			n += c
		}
	}
	return n
}

// Pct returns the p-quantile of the latencies (0 ≤ p ≤ 1).
func (r *Route) Pct(p float64) time.Duration {
	if len(r.Latencies) == 0 {
		return 0
	}
	return r.Latencies[int(float64(len(r.Latencies)-1)*p)]
}

// Report is a whole run.
type Report struct {
	Routes  []*Route // by name
	Elapsed time.Duration
}

// Total is the number of requests sent.
func (r *Report) Total() int64 {
	var n int64
	for _, rt := range r.Routes {
		n += rt.Requests
	}
	return n
}

// Failures lists, per route, what went wrong: 5xx, other unexpected
// statuses and transport errors, with a few sample requests each.
func (r *Report) Failures() []string {
	var out []string
	for _, rt := range r.Routes {
		if rt.Unexpected == 0 && rt.Transport == 0 && rt.Timeouts == 0 {
			continue
		}
		out = append(out, fmt.Sprintf("%s: %d of %d requests failed (statuses %v, transport errors %d, timeouts %d); e.g. %s",
			rt.Name, rt.Unexpected+rt.Transport+rt.Timeouts, rt.Requests, rt.Statuses, rt.Transport, rt.Timeouts, strings.Join(rt.Samples, " | ")))
	}
	return out
}

// Broken reports whether any answer was a 5xx or a status its route should
// not give, or any connection failed (timeouts aside: see Timeouts).
func (r *Report) Broken() bool {
	for _, rt := range r.Routes {
		if rt.Unexpected > 0 || rt.Transport > 0 {
			return true
		}
	}
	return false
}

// Timeouts is the number of requests the clients gave up on.
func (r *Report) Timeouts() int64 {
	var n int64
	for _, rt := range r.Routes {
		n += rt.Timeouts
	}
	return n
}

// Print writes one line per route: requests, req/s, p50, p99, 5xx,
// transport errors and timeouts, and the statuses.
func (r *Report) Print(w io.Writer) {
	fmt.Fprintf(w, "%-58s %8s %8s %9s %9s %5s %5s %5s  %s\n", "route", "requests", "req/s", "p50 ms", "p99 ms", "5xx", "conn", "t/o", "statuses")
	var all Route
	all.Statuses = map[int]int64{}
	for _, rt := range r.Routes {
		fmt.Fprintf(w, "%-58s %8d %8.1f %9.2f %9.2f %5d %5d %5d  %v\n", rt.Name, rt.Requests, float64(rt.Requests)/r.Elapsed.Seconds(),
			ms(rt.Pct(0.5)), ms(rt.Pct(0.99)), rt.ServerErrors(), rt.Transport, rt.Timeouts, rt.Statuses)
		all.Requests += rt.Requests
		all.Transport += rt.Transport
		all.Timeouts += rt.Timeouts
		all.Latencies = append(all.Latencies, rt.Latencies...)
		for s, n := range rt.Statuses {
			all.Statuses[s] += n
		}
	}
	sort.Slice(all.Latencies, func(i, j int) bool { return all.Latencies[i] < all.Latencies[j] })
	fmt.Fprintf(w, "%-58s %8d %8.1f %9.2f %9.2f %5d %5d %5d  %v\n", "all", all.Requests, float64(all.Requests)/r.Elapsed.Seconds(),
		ms(all.Pct(0.5)), ms(all.Pct(0.99)), all.ServerErrors(), all.Transport, all.Timeouts, all.Statuses)
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// site is what the clients know of the procedure before they start.
type site struct {
	categories, types []string
	area              [][2]float64 // the procedure's area's outer ring
	bbox              [4]float64   // and its bounding box
	contributions     []string     // ids of published contributions
	pages             []string     // content page slugs
	conceptions       []string     // conception keys
	places            []string     // known place names
	assets            []string     // /static/… paths the pages link
}

type run struct {
	cfg      Config
	site     site
	mu       sync.Mutex
	routes   map[string]*Route
	sent     atomic.Int64
	deadline time.Time
	ctx      context.Context
}

// Run drives the server until the request budget or the duration is spent
// (or ctx ends) and reports per route.
func Run(ctx context.Context, cfg Config) (*Report, error) {
	if cfg.Clients < 1 {
		cfg.Clients = 1
	}
	if cfg.Timeout == 0 {
		cfg.Timeout = 15 * time.Second
	}
	if cfg.Requests == 0 && cfg.Duration == 0 {
		return nil, errors.New("mix: set Requests or Duration")
	}
	r := &run{cfg: cfg, routes: map[string]*Route{}, ctx: ctx}
	if err := r.discover(); err != nil {
		return nil, err
	}
	start := time.Now()
	if cfg.Duration > 0 {
		r.deadline = start.Add(cfg.Duration)
	}
	var wg sync.WaitGroup
	for i := 0; i < cfg.Clients; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			newClient(r, i).loop()
		}(i)
	}
	wg.Wait()
	rep := &Report{Elapsed: time.Since(start)}
	for _, rt := range r.routes {
		sort.Slice(rt.Latencies, func(i, j int) bool { return rt.Latencies[i] < rt.Latencies[j] })
		rep.Routes = append(rep.Routes, rt)
	}
	sort.Slice(rep.Routes, func(i, j int) bool { return rep.Routes[i].Name < rep.Routes[j].Name })
	return rep, nil
}

func (r *run) more() bool {
	if r.ctx.Err() != nil {
		return false
	}
	if r.cfg.Requests > 0 && r.sent.Load() >= r.cfg.Requests {
		return false
	}
	return r.deadline.IsZero() || time.Now().Before(r.deadline)
}

var (
	hrefRe  = regexp.MustCompile(`(?:href|src)="(/static/[^"]+)"`)
	pageRe  = regexp.MustCompile(`href="/p/[^/"]+/pages/([a-z0-9-]+)"`)
	csrfRe  = regexp.MustCompile(`name="_csrf" value="([^"]+)"`)
	manageR = regexp.MustCompile(`/manage/([A-Za-z0-9_-]+)`)
)

// discover reads the procedure, its contributions, pages, conceptions,
// places and the assets its pages link, with a plain client.
func (r *run) discover() error {
	hc := &http.Client{Timeout: r.cfg.Timeout}
	get := func(path string, into any) (string, error) {
		res, err := hc.Get(r.cfg.Base + path)
		if err != nil {
			return "", err
		}
		defer res.Body.Close()
		b, err := io.ReadAll(res.Body)
		if err != nil {
			return "", err
		}
		if res.StatusCode != 200 {
			return "", fmt.Errorf("mix: GET %s answered %d: %.200s", path, res.StatusCode, b)
		}
		if into != nil {
			return "", json.Unmarshal(b, into)
		}
		return string(b), nil
	}
	base := "/api/v1/procedures/" + r.cfg.Slug
	var p struct {
		Area struct {
			Coordinates [][][2]float64 `json:"coordinates"`
		} `json:"area"`
		Categories []struct{ Key string } `json:"categories"`
		Types      []struct{ Key string } `json:"types"`
	}
	if _, err := get(base, &p); err != nil {
		return err
	}
	s := &r.site
	for _, c := range p.Categories {
		s.categories = append(s.categories, c.Key)
	}
	for _, t := range p.Types {
		s.types = append(s.types, t.Key)
	}
	if len(s.categories) == 0 || len(p.Area.Coordinates) == 0 {
		return fmt.Errorf("mix: procedure %s has no categories or no area", r.cfg.Slug)
	}
	s.area = p.Area.Coordinates[0]
	s.bbox = [4]float64{180, 90, -180, -90}
	for _, c := range p.Area.Coordinates[0] {
		s.bbox = [4]float64{min(s.bbox[0], c[0]), min(s.bbox[1], c[1]), max(s.bbox[2], c[0]), max(s.bbox[3], c[1])}
	}
	var fc struct {
		Features []struct{ ID string } `json:"features"`
	}
	if _, err := get(base+"/contributions?limit=200", &fc); err != nil {
		return err
	}
	for _, f := range fc.Features {
		s.contributions = append(s.contributions, f.ID)
	}
	if len(s.contributions) == 0 {
		return fmt.Errorf("mix: procedure %s has no contributions", r.cfg.Slug)
	}
	var cs struct {
		Conceptions []struct{ Key string } `json:"conceptions"`
	}
	if _, err := get(base+"/conceptions", &cs); err != nil {
		return err
	}
	for _, c := range cs.Conceptions {
		s.conceptions = append(s.conceptions, c.Key)
	}
	var pl struct {
		Places []struct{ Name string } `json:"places"`
	}
	if _, err := get(base+"/places", &pl); err != nil {
		return err
	}
	for _, x := range pl.Places {
		s.places = append(s.places, x.Name)
	}
	seen := map[string]bool{}
	for _, path := range []string{"/p/" + r.cfg.Slug, "/p/" + r.cfg.Slug + "/conceptions", "/wall/" + r.cfg.Slug,
		"/p/" + r.cfg.Slug + "/contributions/" + s.contributions[0], "/p/" + r.cfg.Slug + "/contribute"} {
		html, err := get(path, nil)
		if err != nil {
			return err
		}
		for _, m := range hrefRe.FindAllStringSubmatch(html, -1) {
			if !seen[m[1]] {
				seen[m[1]] = true
				s.assets = append(s.assets, m[1])
			}
		}
		for _, m := range pageRe.FindAllStringSubmatch(html, -1) {
			if !seen["page:"+m[1]] {
				seen["page:"+m[1]] = true
				s.pages = append(s.pages, m[1])
			}
		}
	}
	sort.Strings(s.assets)
	sort.Strings(s.pages)
	return nil
}

// inside reports whether a point lies inside the area's outer ring (ray
// casting).
func (s *site) inside(lon, lat float64) bool {
	in := false
	r := s.area
	for i, j := 0, len(r)-1; i < len(r); j, i = i, i+1 {
		if (r[i][1] > lat) != (r[j][1] > lat) && lon < (r[j][0]-r[i][0])*(lat-r[i][1])/(r[j][1]-r[i][1])+r[i][0] {
			in = !in
		}
	}
	return in
}

// failed counts a request that got no answer: a timeout or another
// transport error.
func (r *run) failed(route string, err error, sample string) {
	if r.ctx.Err() != nil {
		return // the run was cancelled; not the server's doing
	}
	var ne net.Error
	if errors.As(err, &ne) && ne.Timeout() {
		r.record(route, -1, 0, false, sample)
		return
	}
	r.record(route, 0, 0, false, sample)
}

// record counts one answer of route (status 0: a transport error, -1: a
// timeout).
func (r *run) record(route string, status int, d time.Duration, ok bool, sample string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	rt := r.routes[route]
	if rt == nil {
		rt = &Route{Name: route, Statuses: map[int]int64{}}
		r.routes[route] = rt
	}
	rt.Requests++
	switch status {
	case 0:
		rt.Transport++
	case -1:
		rt.Timeouts++
	default:
		rt.Statuses[status]++
		rt.Latencies = append(rt.Latencies, d)
		if !ok {
			rt.Unexpected++
		}
	}
	if !ok && len(rt.Samples) < 3 {
		rt.Samples = append(rt.Samples, sample)
	}
}
