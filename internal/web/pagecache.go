package web

import (
	"bytes"
	"crypto/rand"
	"encoding/hex"
	"sync"

	"github.com/gofiber/fiber/v2"

	"github.com/mitreden/mitreden/internal/cache"
	"github.com/mitreden/mitreden/internal/model"
)

// pageCache keeps rendered pages that are the same for every visitor, per
// procedure version: after a newspaper article thousands ask for the same
// procedure page. The per-request CSP nonce is rendered as a random
// placeholder and replaced on the way out; a write bumps the version and
// retires the procedure's pages.
type pageCache struct {
	once        sync.Once
	placeholder []byte
	pages       *cache.Cache[[]byte]
}

// pageBudget bounds the rendered pages kept across all procedures.
const pageBudget = 32 << 20

func (pc *pageCache) init() {
	pc.once.Do(func() {
		b := make([]byte, 16)
		_, _ = rand.Read(b)
		pc.placeholder = []byte("nonce-placeholder-" + hex.EncodeToString(b))
		pc.pages = cache.New(pageBudget, cache.Bytes)
	})
}

// RenderCached answers with page for procedure p like Render, from the
// cache when the same key was rendered at p's current version. key must
// name everything else the page depends on (locale, query, phase); build
// is only called on a miss. Only pages without per-visitor content (no
// CSRF token, no own vote) may use it.
func (s *Server) RenderCached(c *fiber.Ctx, p *model.Procedure, key, page string, build func() (fiber.Map, error)) error {
	pc := &s.pages
	pc.init()
	key = Localizer(c).Tag + "|" + key
	k := cache.Key{Procedure: p.ID, Version: p.Version, Name: key}
	b, ok := pc.pages.Get(k)
	if !ok {
		data, err := build()
		if err != nil {
			return err
		}
		if b, err = s.render(c, page, data, string(pc.placeholder)); err != nil {
			return err
		}
		pc.pages.Put(k, b)
	} else {
		s.setPageCSP(c, fiber.Map{"P": p})
		c.Set(fiber.HeaderContentLanguage, Localizer(c).Tag)
	}
	c.Set(fiber.HeaderContentType, fiber.MIMETextHTMLCharsetUTF8)
	return c.Send(bytes.ReplaceAll(b, pc.placeholder, []byte(Nonce(c))))
}
