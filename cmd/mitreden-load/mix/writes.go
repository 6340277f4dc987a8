package mix

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
)

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
