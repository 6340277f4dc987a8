package mix

import (
	"bufio"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

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
