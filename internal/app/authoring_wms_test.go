package app_test

import (
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

const capabilitiesXML = `<?xml version="1.0"?>
<WMS_Capabilities version="1.3.0" xmlns="http://www.opengis.net/wms"><Service><Name>WMS</Name></Service>
<Capability><Layer><Title>Hamburg</Title><Layer><Name>bplan</Name><Title>Bebauungspläne</Title></Layer>
<Layer><Name>luftbild</Name></Layer></Layer></Capability></WMS_Capabilities>`

// TestWMSIsTestedForAValidAnswer asks the WMS for its capabilities when
// the planner tests it: a WMS with the layers is confirmed, a missing
// layer, a page that is no WMS and an error status are named; nothing is
// saved by testing.
func TestWMSIsTestedForAValidAnswer(t *testing.T) {
	wms := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		switch {
		case r.URL.Path == "/broken":
			http.Error(w, "kaputt", 500)
		case r.URL.Path == "/html":
			_, _ = w.Write([]byte("<html><body>Willkommen</body></html>"))
		case r.URL.Query().Get("REQUEST") == "GetCapabilities" && r.URL.Query().Get("SERVICE") == "WMS" && r.URL.Query().Get("map") == "x":
			w.Header().Set("Content-Type", "text/xml")
			_, _ = w.Write([]byte(capabilitiesXML))
		default:
			http.Error(w, "bad request", 400)
		}
	}))
	defer wms.Close()
	e := newEnv(t, nil)
	a := newAuthor(t, e)
	base := url.Values{"lat": {"53.55"}, "lon": {"9.94"}, "zoom": {"14"}}
	try := func(u, layers string) result {
		f := url.Values{}
		for k, v := range base {
			f[k] = v
		}
		f.Set("wms_url", u)
		f.Set("wms_layers", layers)
		return a.post(t, "/admin/p/"+slug+"/map/test", f)
	}
	// The server's own client asks public addresses only: this one is not.
	if r := try(wms.URL+"/wms?map=x&request=GetMap", "bplan"); r.status != 422 || !strings.Contains(r.body, "nicht erreichbar") {
		t.Fatalf("loopback WMS with the default client: %d", r.status)
	}
	e.srv.Authoring.WMSClient = wms.Client()
	if r := try(wms.URL+"/wms?map=x&request=GetMap", "bplan, luftbild"); r.status != 200 || !strings.Contains(r.body, "bietet 2 Ebenen an") ||
		!strings.Contains(r.body, "bplan, luftbild") {
		t.Fatalf("good WMS: %d %.2000s", r.status, r.body)
	}
	for _, c := range []struct{ url, layers, want string }{
		{wms.URL + "/wms?map=x", "bplan,strassen", "kennt diese Ebenen nicht: strassen"},
		{wms.URL + "/html", "", "kein WMS-Dienst"},
		{wms.URL + "/broken", "", "Status 500"},
		{"ftp://example.org/wms", "", "http(s)-Adresse"},
	} {
		if r := try(c.url, c.layers); r.status != 422 || !strings.Contains(r.body, c.want) {
			t.Errorf("%s: %d, want 422 with %q", c.url, r.status, c.want)
		}
	}
	if r := e.do(t, "GET", "/api/v1/procedures/"+slug, "", ""); strings.Contains(r.body, wms.URL) {
		t.Error("testing saved the WMS")
	}
}
