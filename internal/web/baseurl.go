package web

import (
	"net"
	"regexp"
	"strings"

	"github.com/gofiber/fiber/v2"
)

// BaseURL is the scheme and host absolute links start with (no trailing
// slash): the configured MITREDEN_BASE_URL, or without one the address
// the request itself came to, so links work whatever address and port the
// server answers on. The scheme and X-Forwarded-Host are believed only
// from trusted proxies (c.Protocol and c.Hostname check that); a host that
// does not look like host[:port] gives way to the listen address.
func (s *Server) BaseURL(c *fiber.Ctx) string {
	if b := strings.TrimRight(s.Config.BaseURL, "/"); b != "" {
		return b
	}
	scheme, host := "http", ""
	if len(s.Config.TrustedProxies) > 0 {
		// Fiber checks the proxy list (EnableTrustedProxyCheck is on).
		scheme, host = c.Protocol(), c.Hostname()
	} else {
		// Without a proxy list Fiber would believe X-Forwarded-* from
		// anyone; take the connection's own scheme and Host header.
		if c.Context().IsTLS() {
			scheme = "https"
		}
		host = string(c.Request().Host())
	}
	if scheme != "https" {
		scheme = "http"
	}
	if len(host) > 260 || !requestHost.MatchString(host) {
		host = listenHost(s.Config.Addr)
	}
	return scheme + "://" + host
}

// requestHost is what a Host header may be to enter a link: a DNS name or
// an IPv4 address, or an IPv6 address in brackets, and an optional port.
var requestHost = regexp.MustCompile(`^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*|\[[0-9A-Fa-f:.]+\])(?::[0-9]{1,5})?$`)

// listenHost turns a listen address (":9000", "0.0.0.0:9000") into a host
// for links; an unspecified address becomes localhost.
func listenHost(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "localhost"
	}
	if ip := net.ParseIP(host); host == "" || (ip != nil && ip.IsUnspecified()) {
		host = "localhost"
	} else if ip != nil && ip.To4() == nil {
		host = "[" + host + "]"
	}
	if port == "" || port == "80" {
		return host
	}
	return host + ":" + port
}
