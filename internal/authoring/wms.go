package authoring

import (
	"context"
	"encoding/xml"
	"errors"
	"io"
	"net"
	"net/http"
	"net/url"
	"strings"
	"syscall"
	"time"

	"github.com/mitreden/mitreden/internal/model"
)

// wmsClient asks WMS services for their capabilities. It dials only
// public addresses (after name resolution, redirects included), so a
// planner's address cannot make the server reach into its own network.
var wmsClient = &http.Client{
	Timeout: 8 * time.Second,
	Transport: &http.Transport{
		Proxy: http.ProxyFromEnvironment,
		DialContext: (&net.Dialer{Timeout: 5 * time.Second, Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip := net.ParseIP(host)
			if ip == nil || ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() ||
				ip.IsLinkLocalMulticast() || ip.IsMulticast() {
				return errors.New("authoring: WMS address is not public")
			}
			return nil
		}}).DialContext,
		TLSHandshakeTimeout: 5 * time.Second,
	},
}

// CheckWMS asks the WMS at rawURL for its capabilities and checks that it
// answers as a WMS and offers every layer of layers (comma-separated). It
// returns the layers found, or model.Errors on "wms-url" / "wms-layers".
// Saving does not depend on it: a workshop laptop may be offline.
func (s *Service) CheckWMS(ctx context.Context, actor *model.User, rawURL, layers string) ([]string, error) {
	if err := allowed(actor); err != nil {
		return nil, err
	}
	fail := func(field, code string, args map[string]any) ([]string, error) {
		return nil, model.Errors{{Field: field, Code: code, Args: args}}
	}
	st := model.Settings{WMSURL: strings.TrimSpace(rawURL)}
	u, err := url.Parse(st.WMSURL)
	if st.WMSURL == "" || err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
		return fail("wms-url", "bad_url", nil)
	}
	q := u.Query()
	for k := range q {
		if k2 := strings.ToUpper(k); k2 == "SERVICE" || k2 == "REQUEST" {
			q.Del(k)
		}
	}
	q.Set("SERVICE", "WMS")
	q.Set("REQUEST", "GetCapabilities")
	u.RawQuery = q.Encode()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, u.String(), nil)
	if err != nil {
		return fail("wms-url", "bad_url", nil)
	}
	client := s.WMSClient
	if client == nil {
		client = wmsClient
	}
	res, err := client.Do(req)
	if err != nil {
		return fail("wms-url", "author_wms_unreachable", nil)
	}
	defer res.Body.Close()
	if res.StatusCode != http.StatusOK {
		return fail("wms-url", "author_wms_status", map[string]any{"Status": res.StatusCode})
	}
	names, ok := capabilities(io.LimitReader(res.Body, 4<<20))
	if !ok {
		return fail("wms-url", "author_wms_not_wms", nil)
	}
	var missing []string
	for _, l := range strings.Split(layers, ",") {
		if l = strings.TrimSpace(l); l != "" && !contains(names, l) {
			missing = append(missing, l)
		}
	}
	if len(missing) > 0 {
		return fail("wms-layers", "author_wms_layer_missing", map[string]any{"Layers": strings.Join(missing, ", ")})
	}
	return names, nil
}

// capabilities reads a WMS capabilities document: ok when its root is
// WMS_Capabilities (1.3) or WMT_MS_Capabilities (1.1), and the names of
// its layers.
func capabilities(r io.Reader) (names []string, ok bool) {
	d := xml.NewDecoder(r)
	d.Strict = false
	var stack []string
	for {
		tok, err := d.Token()
		if err != nil {
			return names, ok
		}
		switch t := tok.(type) {
		case xml.StartElement:
			if len(stack) == 0 {
				ok = t.Name.Local == "WMS_Capabilities" || t.Name.Local == "WMT_MS_Capabilities"
				if !ok {
					return nil, false
				}
			}
			if t.Name.Local == "Name" && len(stack) > 0 && stack[len(stack)-1] == "Layer" {
				var n string
				if d.DecodeElement(&n, &t) == nil && strings.TrimSpace(n) != "" {
					names = append(names, strings.TrimSpace(n))
				}
				continue
			}
			stack = append(stack, t.Name.Local)
		case xml.EndElement:
			if len(stack) > 0 {
				stack = stack[:len(stack)-1]
			}
		}
	}
}
