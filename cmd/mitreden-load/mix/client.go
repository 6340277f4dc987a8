package mix

import (
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"
)

// client is one browser: its own cookie jar (CSRF cookie, voter key,
// language) and connections, the contributions it wrote and their manage
// tokens, and its own seeded random choices.
type client struct {
	r      *run
	n      int
	hc     *http.Client
	rnd    *rand.Rand
	own    []string // ids of contributions it created
	tokens []string // their manage tokens
	etags  map[string]string
	seq    int
}

func newClient(r *run, n int) *client {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: r.cfg.Timeout,
		Transport: &http.Transport{MaxIdleConnsPerHost: 4, IdleConnTimeout: 90 * time.Second},
		// Redirects after a form post are followed by hand, so the post's
		// own 303 is counted.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	return &client{r: r, n: n, hc: hc, rnd: rand.New(rand.NewPCG(r.cfg.Seed, uint64(n))), etags: map[string]string{}}
}

type action struct {
	weight int
	do     func(c *client)
}

// actions is the mix: roughly what a crowd of residents does on an evening
// — mostly reading the procedure, the map and contributions, some rating
// and commenting, a few new contributions and reports.
var actions = []action{
	{4, (*client).home},
	{8, (*client).procedure},
	{4, (*client).page},
	{8, (*client).contribution},
	{2, (*client).contributeForm},
	{2, (*client).statistics},
	{2, (*client).conceptionsPage},
	{1, (*client).ics},
	{1, (*client).wall},
	{1, (*client).table},
	{2, (*client).manage},
	{1, (*client).themeCSS},
	{4, (*client).static},
	{1, (*client).health},
	{1, (*client).metrics},
	{2, (*client).apiProcedures},
	{2, (*client).apiProcedure},
	{8, (*client).apiContributions},
	{5, (*client).apiBBox},
	{5, (*client).apiClusters},
	{1, (*client).apiPlaces},
	{3, (*client).apiContribution},
	{1, (*client).apiEvents},
	{2, (*client).apiConceptions},
	{1, (*client).ogc},
	{3, (*client).apiRate},
	{2, (*client).formRate},
	{2, (*client).apiComment},
	{2, (*client).formComment},
	{2, (*client).apiSubmit},
	{1, (*client).formSubmit},
	{1, (*client).tableSubmit},
	{1, (*client).apiFlag},
	{1, (*client).formFlag},
	{1, (*client).apiConceptionRate},
	{1, (*client).formConceptionRate},
	{1, (*client).apiConceptionComment},
	{1, (*client).formConceptionComment},
	{1, (*client).manageSave},
	{2, (*client).invalid},
}

var totalWeight = func() int {
	n := 0
	for _, a := range actions {
		n += a.weight
	}
	return n
}()

func (c *client) loop() {
	defer c.hc.CloseIdleConnections()
	for c.r.more() {
		k := c.rnd.IntN(totalWeight)
		for _, a := range actions {
			if k < a.weight {
				a.do(c)
				break
			}
			k -= a.weight
		}
	}
}

// answer is what a request got back.
type answer struct {
	status int
	body   string
	header http.Header
}

// send sends req, reads the whole answer and records it under route; the
// answer is expected when its status is one of expect. A transport error
// gives status 0.
func (c *client) send(route string, req *http.Request, expect ...int) answer {
	c.r.sent.Add(1)
	t0 := time.Now()
	res, err := c.hc.Do(req.WithContext(c.r.ctx))
	if err != nil {
		c.r.failed(route, err, fmt.Sprintf("%s %s: %v", req.Method, req.URL.RequestURI(), err))
		return answer{}
	}
	b, err := io.ReadAll(res.Body)
	res.Body.Close()
	d := time.Since(t0)
	if err != nil {
		c.r.failed(route, err, fmt.Sprintf("%s %s: reading the answer: %v", req.Method, req.URL.RequestURI(), err))
		return answer{}
	}
	ok := false
	for _, e := range expect {
		ok = ok || res.StatusCode == e
	}
	c.r.record(route, res.StatusCode, d, ok, fmt.Sprintf("%s %s → %d %.160q", req.Method, req.URL.RequestURI(), res.StatusCode, b))
	return answer{status: res.StatusCode, body: string(b), header: res.Header}
}

func (c *client) get(route, path string, expect ...int) answer {
	req, _ := http.NewRequest("GET", c.r.cfg.Base+path, nil)
	if len(expect) == 0 {
		expect = []int{200}
	}
	return c.send(route, req, expect...)
}

func (c *client) postJSON(route, path, body string, expect ...int) answer {
	req, _ := http.NewRequest("POST", c.r.cfg.Base+path, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	return c.send(route, req, expect...)
}

func (c *client) postForm(route, path string, form url.Values, expect ...int) answer {
	req, _ := http.NewRequest("POST", c.r.cfg.Base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.send(route, req, expect...)
}

// follow GETs the target of a form's 303, as the browser would, counted
// under the route of the page it lands on.
func (c *client) follow(a answer, route string) {
	if a.status != http.StatusSeeOther {
		return
	}
	loc := a.header.Get("Location")
	if i := strings.IndexByte(loc, '#'); i >= 0 {
		loc = loc[:i]
	}
	if strings.HasPrefix(loc, "/") {
		c.get(route, loc)
	}
}

func pick[T any](c *client, xs []T) T { return xs[c.rnd.IntN(len(xs))] }

// lang is the interface language of one page view: ?lang= de, en or
// Leichte Sprache (the server remembers it in a cookie).
func (c *client) lang() string { return pick(c, []string{"de", "en", "de-x-ls"}) }

func (c *client) slug() string { return c.r.cfg.Slug }

// anyContribution is a published contribution: one of the procedure's or
// one this client wrote.
func (c *client) anyContribution() string {
	if len(c.own) > 0 && c.rnd.IntN(4) == 0 {
		return pick(c, c.own)
	}
	return pick(c, c.r.site.contributions)
}

func (c *client) title(kind string) string {
	c.seq++
	return fmt.Sprintf("Soak %s %d-%d: Straße und Grün", kind, c.n, c.seq)
}

// point is a random point inside the procedure's area.
func (c *client) point() (lon, lat float64) {
	b := c.r.site.bbox
	for {
		lon, lat = b[0]+c.rnd.Float64()*(b[2]-b[0]), b[1]+c.rnd.Float64()*(b[3]-b[1])
		if c.r.site.inside(lon, lat) {
			return lon, lat
		}
	}
}

// geometry is a random valid geometry in the area (GeoJSON), or null.
func (c *client) geometry() string {
	lon, lat := c.point()
	kind := c.rnd.IntN(5)
	for try := 0; try < 20; try++ {
		dx, dy := (c.rnd.Float64()-0.5)*0.002, (c.rnd.Float64()-0.5)*0.001
		in := c.r.site.inside(lon+dx, lat) && c.r.site.inside(lon+dx, lat+dy) && c.r.site.inside(lon, lat+dy)
		switch {
		case kind == 1 && in:
			return fmt.Sprintf(`{"type":"LineString","coordinates":[[%.6f,%.6f],[%.6f,%.6f]]}`, lon, lat, lon+dx, lat+dy)
		case kind == 2 && in:
			return fmt.Sprintf(`{"type":"Polygon","coordinates":[[[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f],[%.6f,%.6f]]]}`,
				lon, lat, lon+dx, lat, lon+dx, lat+dy, lon, lat)
		}
	}
	if kind == 0 {
		return "null"
	}
	return fmt.Sprintf(`{"type":"Point","coordinates":[%.6f,%.6f]}`, lon, lat)
}

// bbox is a random viewport inside the area, from a street to the whole
// district.
func (c *client) bbox() string {
	b := c.r.site.bbox
	f := []float64{0.05, 0.2, 0.5, 1, 2}[c.rnd.IntN(5)]
	w, h := (b[2]-b[0])*f, (b[3]-b[1])*f
	x := b[0] + c.rnd.Float64()*(b[2]-b[0]) - w/2
	y := b[1] + c.rnd.Float64()*(b[3]-b[1]) - h/2
	return fmt.Sprintf("%.6f,%.6f,%.6f,%.6f", x, y, x+w, y+h)
}

// csrf reads the CSRF token of a form on a page.
func csrf(body string) string {
	if m := csrfRe.FindStringSubmatch(body); m != nil {
		return m[1]
	}
	return ""
}

// --- pages ---
