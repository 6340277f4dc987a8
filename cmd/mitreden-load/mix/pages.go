package mix

import (
	"net/http"
	"net/url"
)

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
