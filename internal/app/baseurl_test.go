package app_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/mitreden/mitreden/internal/config"
)

// Without MITREDEN_BASE_URL absolute links follow the address the request
// came to; forwarded headers count only from trusted proxies.
func TestAbsoluteLinksFollowTheRequestWithoutBaseURL(t *testing.T) {
	e := newEnv(t, nil)
	const origin = "http://example.test:9000"
	var items struct {
		Features []struct{ ID string } `json:"features"`
		Links    []struct{ Href, Rel string }
	}
	r := e.at(t, origin, "/ogcapi/collections/"+slug+"/items?limit=2")
	if err := json.Unmarshal([]byte(r.body), &items); err != nil || r.status != 200 {
		t.Fatalf("items: %d %v", r.status, err)
	}
	rels := map[string]string{}
	for _, l := range items.Links {
		rels[l.Rel] = l.Href
	}
	if !strings.HasPrefix(rels["next"], origin+"/ogcapi/collections/"+slug+"/items?") || !strings.HasPrefix(rels["self"], origin+"/ogcapi/") {
		t.Fatalf("OGC links do not name the request's host: %v", rels)
	}

	var one struct {
		Properties struct {
			URL string `json:"url"`
		} `json:"properties"`
	}
	r = e.at(t, origin, "/api/v1/contributions/"+items.Features[0].ID)
	if json.Unmarshal([]byte(r.body), &one); one.Properties.URL != origin+"/p/"+slug+"/contributions/"+items.Features[0].ID {
		t.Fatalf("API url = %q", one.Properties.URL)
	}
	if r := e.at(t, origin, "/p/"+slug+"/appointments.ics"); !strings.Contains(r.body, "URL:"+origin+"/p/"+slug) {
		t.Fatalf(".ics without the request's host: %.600s", r.body)
	}

	// no proxy is trusted: X-Forwarded-Host and -Proto are ignored
	r = e.at(t, origin, "/api/v1/contributions/"+items.Features[0].ID, "X-Forwarded-Host", "evil.test", "X-Forwarded-Proto", "https")
	if json.Unmarshal([]byte(r.body), &one); !strings.HasPrefix(one.Properties.URL, origin+"/") {
		t.Fatalf("forwarded headers of an untrusted client were believed: %q", one.Properties.URL)
	}
	// a Host that is not host[:port] gives way to the listen address
	r = e.at(t, "http://a\"b", "/api/v1/contributions/"+items.Features[0].ID)
	if json.Unmarshal([]byte(r.body), &one); r.status != 200 || !strings.HasPrefix(one.Properties.URL, "http://localhost:8080/") {
		t.Fatalf("malformed Host: %d, url %q", r.status, one.Properties.URL)
	}
}

// A configured base URL wins over the request.
func TestConfiguredBaseURLWins(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.BaseURL = "https://beteiligung.example/" })
	var items struct {
		Links []struct{ Href, Rel string }
	}
	json.Unmarshal([]byte(e.at(t, "http://example.test:9000", "/ogcapi/collections/"+slug+"/items?limit=2").body), &items)
	for _, l := range items.Links {
		if !strings.HasPrefix(l.Href, "https://beteiligung.example/ogcapi/") {
			t.Fatalf("link %s = %s", l.Rel, l.Href)
		}
	}
}

// Behind a trusted proxy the forwarded scheme and host make the links.
func TestTrustedProxyForwardsSchemeAndHost(t *testing.T) {
	e := newEnv(t, func(c *config.Config) { c.TrustedProxies = []string{"0.0.0.0/0", "::/0"} })
	var proc struct {
		URL string `json:"url"`
	}
	r := e.at(t, "http://10.0.0.2:8080", "/api/v1/procedures/"+slug, "X-Forwarded-Host", "beteiligung.example", "X-Forwarded-Proto", "https")
	if json.Unmarshal([]byte(r.body), &proc); proc.URL != "https://beteiligung.example/p/"+slug {
		t.Fatalf("url behind a trusted proxy = %q", proc.URL)
	}
}

// at sends a GET for path to the app with the Host of origin
// ("http://host:port").
func (e *env) at(t *testing.T, origin, path string, hdr ...string) result {
	t.Helper()
	return e.do(t, "GET", path, "", "", append([]string{"Host", strings.TrimPrefix(origin, "http://")}, hdr...)...)
}
