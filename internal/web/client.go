package web

import (
	"net/netip"
	"strings"
	"sync"
	"time"

	"github.com/gofiber/fiber/v2"
	"github.com/gofiber/fiber/v2/middleware/limiter"
)

// proxies are the addresses whose X-Forwarded-For is believed.
type proxies []netip.Prefix

func parseProxies(list []string) proxies {
	var ps proxies
	for _, s := range list {
		if p, err := netip.ParsePrefix(s); err == nil {
			ps = append(ps, p.Masked())
		} else if a, err := netip.ParseAddr(s); err == nil {
			a = a.Unmap()
			ps = append(ps, netip.PrefixFrom(a, a.BitLen()))
		}
	}
	return ps
}

func (ps proxies) trusted(a netip.Addr) bool {
	a = a.Unmap()
	for _, p := range ps {
		if p.Contains(a) {
			return true
		}
	}
	return false
}

// ClientIP is the client's address. Behind trusted proxies it is the
// right-most address of X-Forwarded-For that is not itself a trusted proxy:
// each proxy appends the address it was reached from, so everything to the
// left of that is what the client chose to send and is never believed.
func (s *Server) ClientIP(c *fiber.Ctx) string {
	remote, ok := netip.AddrFromSlice(c.Context().RemoteIP())
	if !ok {
		return c.Context().RemoteIP().String()
	}
	remote = remote.Unmap()
	if !s.proxies.trusted(remote) {
		return remote.String()
	}
	client := remote
	var hops []string
	for _, v := range c.Request().Header.PeekAll(fiber.HeaderXForwardedFor) {
		hops = append(hops, strings.Split(string(v), ",")...)
	}
	for i := len(hops) - 1; i >= 0; i-- {
		a, err := netip.ParseAddr(strings.TrimSpace(hops[i]))
		if err != nil {
			break // a proxy wrote garbage: stay with the last address known good
		}
		client = a.Unmap()
		if !s.proxies.trusted(client) {
			break
		}
	}
	return client.String()
}

// ClientKey is the rate-limit key of a client: its address, hashed with a
// daily rotating salt, never kept in clear.
func (s *Server) ClientKey(c *fiber.Ctx) string { return s.Hasher.Key(s.ClientIP(c)) }

// limiters are built once, so that every route sharing a budget shares one
// store of counts.
type limiters struct {
	once         sync.Once
	write, login fiber.Handler
}

// WriteLimiter limits anonymous writes (contributions, comments, ratings,
// flags, on every route, HTML and API alike) per client per minute, one
// budget per client across all of them (0 = off).
func (s *Server) WriteLimiter() fiber.Handler {
	s.initLimiters()
	return s.limits.write
}

// LoginLimiter allows 10 login attempts per client per minute.
func (s *Server) LoginLimiter() fiber.Handler {
	s.initLimiters()
	return s.limits.login
}

func (s *Server) initLimiters() {
	s.limits.once.Do(func() {
		s.limits.write = s.limiter(s.Config.WriteLimit, time.Minute)
		s.limits.login = s.limiter(10, time.Minute)
	})
}

func (s *Server) limiter(max int, per time.Duration) fiber.Handler {
	if max <= 0 {
		return func(c *fiber.Ctx) error { return c.Next() }
	}
	return limiter.New(limiter.Config{
		Max:          max,
		Expiration:   per,
		KeyGenerator: s.ClientKey,
		Next:         func(c *fiber.Ctx) bool { return c.Method() == fiber.MethodGet || c.Method() == fiber.MethodHead },
		LimitReached: func(c *fiber.Ctx) error {
			return s.Fail(c, fiber.StatusTooManyRequests, "rate_limited", Localizer(c).T("error.rate_limited"))
		},
	})
}
