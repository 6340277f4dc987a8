package mix

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strconv"
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

func (c *client) home() { c.get("GET /", "/?lang="+c.lang()) }

func (c *client) procedure() {
	q := url.Values{"lang": {c.lang()}}
	switch c.rnd.IntN(5) {
	case 0:
		q.Set("category", pick(c, c.r.site.categories))
	case 1:
		q.Set("sort", pick(c, []string{"newest", "oldest", "rated", "commented"}))
	case 2:
		q.Set("q", pick(c, searchWords))
	}
	c.get("GET /p/:slug", "/p/"+c.slug()+"?"+q.Encode())
}

var searchWords = []string{"Baum", "Radweg", "Straße", "Licht", "Bank", "parken", "Spielplatz", "Ampel", "grün*", "Max-Brauer-Allee", "Wohlers Park"}

func (c *client) page() {
	if len(c.r.site.pages) == 0 {
		return
	}
	q := "?lang=" + c.lang()
	if c.rnd.IntN(4) == 0 {
		q += "&easy=" + pick(c, []string{"0", "1"})
	}
	c.get("GET /p/:slug/pages/:page", "/p/"+c.slug()+"/pages/"+pick(c, c.r.site.pages)+q)
}

func (c *client) contribution() {
	c.get("GET /p/:slug/contributions/:id", "/p/"+c.slug()+"/contributions/"+c.anyContribution()+"?lang="+c.lang())
}

func (c *client) contributeForm() {
	c.get("GET /p/:slug/contribute", "/p/"+c.slug()+"/contribute?lang="+c.lang())
}

func (c *client) statistics() {
	c.get("GET /p/:slug/statistics", "/p/"+c.slug()+"/statistics?lang="+c.lang())
}

func (c *client) conceptionsPage() {
	c.get("GET /p/:slug/conceptions", "/p/"+c.slug()+"/conceptions?lang="+c.lang())
}

func (c *client) ics() { c.get("GET /p/:slug/appointments.ics", "/p/"+c.slug()+"/appointments.ics") }

func (c *client) wall() { c.get("GET /wall/:slug", "/wall/"+c.slug()+"?lang="+c.lang()) }

// tableLink is one of the configured kiosk addresses, "" when none is.
func (c *client) tableLink() string {
	links := c.r.cfg.TableLinks
	if len(links) == 0 {
		return ""
	}
	return links[c.rnd.IntN(len(links))]
}

func (c *client) table() {
	if link := c.tableLink(); link != "" {
		c.get("GET /table/:slug", link+"&lang="+c.lang())
	}
}

func (c *client) themeCSS() { c.get("GET /p/:slug/theme.css", "/p/"+c.slug()+"/theme.css") }

func (c *client) static() {
	if len(c.r.site.assets) == 0 {
		return
	}
	a := pick(c, c.r.site.assets)
	if c.rnd.IntN(4) == 0 {
		req, _ := http.NewRequest("HEAD", c.r.cfg.Base+a, nil)
		c.send("HEAD /static/:hash/*", req, 200)
		return
	}
	c.get("GET /static/:hash/*", a)
}

func (c *client) health() { c.get("GET /healthz", "/healthz") }

func (c *client) metrics() { c.get("GET /metrics", "/metrics") }

// manage opens the private manage page of a contribution this client
// wrote (writing one first when it has none).
func (c *client) manage() {
	if len(c.tokens) == 0 {
		c.apiSubmit()
		if len(c.tokens) == 0 {
			return
		}
	}
	c.get("GET /manage/:token", "/manage/"+pick(c, c.tokens)+"?lang="+c.lang())
}

// --- API reads ---

func (c *client) api() string { return "/api/v1/procedures/" + c.slug() }

func (c *client) apiProcedures() { c.get("GET /api/v1/procedures", "/api/v1/procedures") }

func (c *client) apiProcedure() { c.get("GET /api/v1/procedures/:slug", c.api()+"?lang="+c.lang()) }

// apiContributions lists with filters, follows a page's cursor and
// revalidates with the ETag the server gave for the same URL.
func (c *client) apiContributions() {
	q := url.Values{}
	switch c.rnd.IntN(6) {
	case 0:
		q.Set("category", pick(c, c.r.site.categories))
	case 1:
		q.Set("q", pick(c, searchWords))
	case 2:
		q.Set("sort", pick(c, []string{"newest", "oldest", "rated", "commented"}))
	case 3:
		q.Set("origin", pick(c, []string{"table", "table:3"}))
	case 4:
		if len(c.r.site.types) > 0 {
			q.Set("type", pick(c, c.r.site.types))
		}
		q.Set("geometry", pick(c, []string{"Point", "LineString", "Polygon", "none"}))
	}
	q.Set("limit", pick(c, []string{"5", "20", "100"}))
	path := c.api() + "/contributions?" + q.Encode()
	req, _ := http.NewRequest("GET", c.r.cfg.Base+path, nil)
	if e, ok := c.etags[path]; ok {
		req.Header.Set("If-None-Match", e)
	}
	a := c.send("GET /api/v1/procedures/:slug/contributions?filter", req, 200, 304)
	if a.status == 200 {
		c.etags[path] = a.header.Get("ETag")
		var fc struct {
			Next string `json:"next_cursor"`
		}
		if json.Unmarshal([]byte(a.body), &fc) == nil && fc.Next != "" {
			q.Set("cursor", fc.Next)
			c.get("GET /api/v1/procedures/:slug/contributions?cursor", c.api()+"/contributions?"+q.Encode())
		}
	}
}

func (c *client) apiBBox() {
	q := url.Values{"bbox": {c.bbox()}, "limit": {pick(c, []string{"100", "1000"})}}
	if c.rnd.IntN(3) == 0 {
		q.Set("category", pick(c, c.r.site.categories))
	}
	c.get("GET /api/v1/procedures/:slug/contributions?bbox", c.api()+"/contributions?"+q.Encode())
}

// apiClusters asks for clusters as the map does at several zooms: the
// viewport of a 1280×800 screen at zoom 12 to 18 around a random point.
func (c *client) apiClusters() {
	z := 12 + c.rnd.IntN(7)
	lon, lat := c.point()
	w := 1280 * 360 / (256 * float64(int(1)<<z))
	h := w * 800 / 1280 * 0.6
	q := url.Values{"cluster": {"1"}, "limit": {"1000"}, "bbox": {fmt.Sprintf("%.6f,%.6f,%.6f,%.6f", lon-w/2, lat-h/2, lon+w/2, lat+h/2)}}
	if c.rnd.IntN(4) == 0 {
		q.Set("category", pick(c, c.r.site.categories))
	}
	c.get("GET /api/v1/procedures/:slug/contributions?cluster=1", c.api()+"/contributions?"+q.Encode())
}

func (c *client) apiPlaces() { c.get("GET /api/v1/procedures/:slug/places", c.api()+"/places") }

func (c *client) apiContribution() {
	c.get("GET /api/v1/contributions/:id", "/api/v1/contributions/"+c.anyContribution())
}

func (c *client) apiConceptions() {
	c.get("GET /api/v1/procedures/:slug/conceptions", c.api()+"/conceptions?lang="+c.lang())
}

// apiEvents opens the event stream, reads its greeting (and any backlog
// that came with it) and closes it, as a page left after a moment does.
func (c *client) apiEvents() {
	const route = "GET /api/v1/procedures/:slug/events"
	path := c.api() + "/events"
	if c.rnd.IntN(2) == 0 {
		path += "?last_event_id=1"
	}
	c.r.sent.Add(1)
	req, _ := http.NewRequestWithContext(c.r.ctx, "GET", c.r.cfg.Base+path, nil)
	req.Header.Set("Accept", "text/event-stream")
	t0 := time.Now()
	res, err := c.hc.Do(req)
	if err != nil {
		c.r.failed(route, err, "GET "+path+": "+err.Error())
		return
	}
	defer res.Body.Close()
	ok := res.StatusCode == 200 && strings.HasPrefix(res.Header.Get("Content-Type"), "text/event-stream")
	sample := fmt.Sprintf("GET %s → %d %s", path, res.StatusCode, res.Header.Get("Content-Type"))
	if ok {
		// Read up to the greeting's end, and a few lines more.
		br := bufio.NewReader(res.Body)
		connected := false
		for i := 0; i < 20; i++ {
			line, err := br.ReadString('\n')
			if err != nil {
				c.r.failed(route, err, fmt.Sprintf("GET %s: stream cut after %d lines: %v", path, i, err))
				return
			}
			connected = connected || strings.HasPrefix(line, ": connected")
			if connected && br.Buffered() == 0 {
				break
			}
		}
	}
	c.r.record(route, res.StatusCode, time.Since(t0), ok, sample)
}

func (c *client) ogc() {
	switch c.rnd.IntN(3) {
	case 0:
		c.get("GET /ogcapi/collections", "/ogcapi/collections")
	case 1:
		c.get("GET /ogcapi/collections/:slug/items", "/ogcapi/collections/"+c.slug()+"/items?limit=20&bbox="+c.bbox())
	default:
		c.get("GET /ogcapi/collections/:slug/items/:id", "/ogcapi/collections/"+c.slug()+"/items/"+c.anyContribution())
	}
}

// --- writes through the API ---

func (c *client) apiRate() {
	v := pick(c, []int{1, 1, -1, 0})
	c.postJSON("POST /api/v1/contributions/:id/ratings", "/api/v1/contributions/"+c.anyContribution()+"/ratings",
		fmt.Sprintf(`{"value":%d}`, v), 200)
}

func (c *client) apiComment() {
	body, _ := json.Marshal(map[string]string{"text": fmt.Sprintf("Kommentar %d-%d aus dem Dauertest: mehr Bäume bitte.", c.n, c.seq), "author_name": "Soak"})
	c.seq++
	c.postJSON("POST /api/v1/contributions/:id/comments", "/api/v1/contributions/"+c.anyContribution()+"/comments", string(body), 201)
}

func (c *client) apiSubmit() {
	props := map[string]string{"title": c.title("API"), "text": "Ein Beitrag aus dem Dauertest mit genug Text: Ampel länger grün.",
		"category": pick(c, c.r.site.categories)}
	if len(c.r.site.types) > 0 && c.rnd.IntN(2) == 0 {
		props["type"] = pick(c, c.r.site.types)
	}
	pb, _ := json.Marshal(props)
	a := c.postJSON("POST /api/v1/procedures/:slug/contributions", c.api()+"/contributions",
		fmt.Sprintf(`{"type":"Feature","geometry":%s,"properties":%s}`, c.geometry(), pb), 201)
	if a.status != 201 {
		return
	}
	var f struct {
		ID         string `json:"id"`
		Properties struct {
			Token string `json:"manage_token"`
		} `json:"properties"`
	}
	if json.Unmarshal([]byte(a.body), &f) == nil && f.ID != "" && f.Properties.Token != "" {
		c.own = append(c.own, f.ID)
		c.tokens = append(c.tokens, f.Properties.Token)
	}
}

func (c *client) apiFlag() {
	c.postJSON("POST /api/v1/contributions/:id/flags", "/api/v1/contributions/"+c.anyContribution()+"/flags",
		`{"reason":"Dauertest: bitte prüfen."}`, 201)
}

func (c *client) apiConceptionRate() {
	if len(c.r.site.conceptions) == 0 {
		return
	}
	c.postJSON("POST /api/v1/procedures/:slug/conceptions/:key/ratings", c.api()+"/conceptions/"+pick(c, c.r.site.conceptions)+"/ratings",
		fmt.Sprintf(`{"value":%d}`, pick(c, []int{1, -1, 0})), 200)
}

func (c *client) apiConceptionComment() {
	if len(c.r.site.conceptions) == 0 {
		return
	}
	c.postJSON("POST /api/v1/procedures/:slug/conceptions/:key/comments", c.api()+"/conceptions/"+pick(c, c.r.site.conceptions)+"/comments",
		`{"text":"Variante aus dem Dauertest kommentiert.","author_name":"Soak"}`, 201)
}

// --- writes through the forms (no JavaScript): load the page, take its
// CSRF token, post, follow the redirect ---

// formPage loads the contribution page a form is on and returns the
// contribution's id and the form's CSRF token ("" when the page failed).
func (c *client) formPage() (id, token string) {
	id = c.anyContribution()
	a := c.get("GET /p/:slug/contributions/:id", "/p/"+c.slug()+"/contributions/"+id+"?lang="+c.lang())
	return id, csrf(a.body)
}

func (c *client) formRate() {
	id, tok := c.formPage()
	if tok == "" {
		return
	}
	a := c.postForm("POST /p/:slug/contributions/:id/ratings (form)", "/p/"+c.slug()+"/contributions/"+id+"/ratings",
		url.Values{"_csrf": {tok}, "value": {pick(c, []string{"1", "-1"})}}, 303)
	c.follow(a, "GET /p/:slug/contributions/:id")
}

func (c *client) formComment() {
	id, tok := c.formPage()
	if tok == "" {
		return
	}
	c.seq++
	a := c.postForm("POST /p/:slug/contributions/:id/comments (form)", "/p/"+c.slug()+"/contributions/"+id+"/comments",
		url.Values{"_csrf": {tok}, "text": {fmt.Sprintf("Formularkommentar %d-%d: Tempo 30 wäre gut.", c.n, c.seq)}, "author_name": {""}, "website": {""}}, 303)
	c.follow(a, "GET /p/:slug/contributions/:id")
}

func (c *client) formFlag() {
	id, tok := c.formPage()
	if tok == "" {
		return
	}
	a := c.postForm("POST /p/:slug/contributions/:id/flags (form)", "/p/"+c.slug()+"/contributions/"+id+"/flags",
		url.Values{"_csrf": {tok}, "reason": {"Dauertest über das Formular."}}, 303)
	c.follow(a, "GET /p/:slug/contributions/:id")
}

// contribForm is the no-JavaScript contribution form: the location typed
// as coordinates (with a decimal comma), as a known place's name, drawn
// (GeoJSON, as the script fills it) or left out.
func (c *client) contribForm(tok, kind string) url.Values {
	f := url.Values{"_csrf": {tok}, "title": {c.title(kind)}, "text": {"Über das Formular ohne Karte: hier fehlt ein Zebrastreifen."},
		"category": {pick(c, c.r.site.categories)}, "author_name": {""}, "website": {""}}
	if len(c.r.site.types) > 0 {
		f.Set("type", pick(c, c.r.site.types))
	}
	switch c.rnd.IntN(4) {
	case 0:
		lon, lat := c.point()
		f.Set("lat", strings.ReplaceAll(strconv.FormatFloat(lat, 'f', 5, 64), ".", ","))
		f.Set("lon", strconv.FormatFloat(lon, 'f', 5, 64))
	case 1:
		if len(c.r.site.places) > 0 {
			f.Set("place", pick(c, c.r.site.places))
		}
	case 2:
		f.Set("geometry", c.geometry())
		if f.Get("geometry") == "null" {
			f.Del("geometry")
		}
	}
	return f
}

func (c *client) formSubmit() {
	a := c.get("GET /p/:slug/contribute", "/p/"+c.slug()+"/contribute?lang="+c.lang())
	tok := csrf(a.body)
	if tok == "" {
		return
	}
	a = c.postForm("POST /p/:slug/contribute (form)", "/p/"+c.slug()+"/contribute", c.contribForm(tok, "Formular"), 201)
	if m := manageR.FindStringSubmatch(a.body); m != nil && a.status == 201 {
		c.get("GET /manage/:token", "/manage/"+m[1])
	}
}

func (c *client) tableSubmit() {
	link := c.tableLink()
	if link == "" {
		return
	}
	a := c.get("GET /table/:slug", link+"&lang="+c.lang())
	tok := csrf(a.body)
	if tok == "" {
		return
	}
	c.postForm("POST /table/:slug (form)", link, c.contribForm(tok, "Tisch"), 201)
}

func (c *client) conceptionForm() (key, token string) {
	if len(c.r.site.conceptions) == 0 {
		return "", ""
	}
	a := c.get("GET /p/:slug/conceptions", "/p/"+c.slug()+"/conceptions?lang="+c.lang())
	return pick(c, c.r.site.conceptions), csrf(a.body)
}

func (c *client) formConceptionRate() {
	key, tok := c.conceptionForm()
	if tok == "" {
		return
	}
	a := c.postForm("POST /p/:slug/conceptions/:key/ratings (form)", "/p/"+c.slug()+"/conceptions/"+key+"/ratings",
		url.Values{"_csrf": {tok}, "value": {pick(c, []string{"1", "-1"})}}, 303)
	c.follow(a, "GET /p/:slug/conceptions")
}

func (c *client) formConceptionComment() {
	key, tok := c.conceptionForm()
	if tok == "" {
		return
	}
	a := c.postForm("POST /p/:slug/conceptions/:key/comments (form)", "/p/"+c.slug()+"/conceptions/"+key+"/comments",
		url.Values{"_csrf": {tok}, "text": {"Formular: Variante mit mehr Bäumen."}, "website": {""}}, 303)
	c.follow(a, "GET /p/:slug/conceptions")
}

// manageSave edits a contribution this client wrote through its manage
// page.
func (c *client) manageSave() {
	if len(c.tokens) == 0 {
		c.apiSubmit()
		if len(c.tokens) == 0 {
			return
		}
	}
	tok := pick(c, c.tokens)
	a := c.get("GET /manage/:token", "/manage/"+tok+"?lang="+c.lang())
	ct := csrf(a.body)
	if ct == "" {
		return
	}
	f := c.contribForm(ct, "geändert")
	a = c.postForm("POST /manage/:token (form)", "/manage/"+tok, f, 303)
	c.follow(a, "GET /manage/:token")
}

// invalid sends what a careless client or a script sends: bad input that
// must be answered 4xx, never 500.
func (c *client) invalid() {
	bad := []int{400, 403, 404, 415, 422}
	switch c.rnd.IntN(8) {
	case 0:
		body := []string{
			`{"type":"Feature","geometry":{"type":"Point","coordinates":[10.5,53.0]},"properties":{"title":"Weit weg","text":"Dieser Ort ist außerhalb.","category":"%s"}}`,
			`{"type":"Feature","geometry":null,"properties":{"title":"Kurz","text":"kurz","category":"%s"}}`,
			`{"type":"Feature","geometry":null,"properties":{"title":"Kategorie","text":"Unbekannte Kategorie hier.","category":"gibt-es-nicht%s"}}`,
			`{"type":"Feature","geometry":{"type":"Point","coordinates":[9.9,"x"]},"properties":{"category":"%s"}}`,
			`{"type":"Feature","geometry":{"type":"Point","coordinates":[9.94]},"properties":{"title":"Halb","text":"Nur eine Koordinate.","category":"%s"}}`,
			`{"type":"Polygon","coordinates":[],"properties":{"category":"%s"}}`,
			`{"type":"Feature",`,
		}
		c.postJSON("POST /api/v1/procedures/:slug/contributions (invalid)", c.api()+"/contributions",
			fmt.Sprintf(pick(c, body), pick(c, c.r.site.categories)), bad...)
	case 1:
		req, _ := http.NewRequest("POST", c.r.cfg.Base+"/api/v1/contributions/"+c.anyContribution()+"/ratings", strings.NewReader("value=1"))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		c.send("POST /api/v1/contributions/:id/ratings (invalid)", req, bad...)
	case 2:
		c.postJSON("POST /api/v1/contributions/:id/comments (invalid)", "/api/v1/contributions/"+c.anyContribution()+"/comments",
			pick(c, []string{`{"text":"x"}`, `{"text":"Antwort","parent_id":999999999}`, `{"text":5}`, `[]`}), bad...)
	case 3:
		q := pick(c, []string{"bbox=abc", "bbox=1,2,3", "sort=xyz", "category=nope", "limit=0", "limit=x", "origin=kiosk", "geometry=Circle", "cursor=%%%"})
		c.get("GET /api/v1/procedures/:slug/contributions (invalid)", c.api()+"/contributions?"+q, bad...)
	case 4:
		c.get("GET /p/:slug/contributions/:id (invalid)", "/p/"+c.slug()+"/contributions/"+pick(c, []string{"gibt-es-nicht", "00000000-0000-0000-0000-000000000000"}), bad...)
	case 5:
		c.get("GET /p/:slug (invalid)", "/p/"+pick(c, []string{"gibt-es-nicht", "GROSS", "a..b"})+"?lang="+c.lang(), bad...)
	case 6:
		// A form post without the CSRF token.
		c.postForm("POST /p/:slug/contributions/:id/comments (invalid)", "/p/"+c.slug()+"/contributions/"+c.anyContribution()+"/comments",
			url.Values{"text": {"Ohne Token."}}, bad...)
	default:
		c.get("GET /manage/:token (invalid)", "/manage/"+pick(c, []string{"falsch", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"}), bad...)
	}
}
