package web

import (
	"bytes"
	"encoding/binary"
	"hash/maphash"
	"io"
	"mime"
	"strings"
	"sync"

	"github.com/mitreden/mitreden/internal/cache"

	"github.com/andybalholm/brotli"
	"github.com/gofiber/fiber/v2"
	"github.com/klauspost/compress/gzip"
)

// Compression: pages, JSON, GeoJSON, CSS, JS and SVG go out with brotli or
// gzip when the client accepts them. Static assets are compressed once when
// the server starts (Assets.Encoded, best levels, brotli preferred); other
// answers by the Compress middleware at moderate levels (gzip preferred when
// the client accepts both alike), where repeated bytes (cached viewport and
// API answers) are compressed once. Cached pages are compressed per request:
// the page cache substitutes a fresh CSP nonce into every answer, so no two
// answers have the same bytes.

// MinCompressSize is the smallest body worth compressing: below it headers
// and framing eat the saving.
const MinCompressSize = 1024

// Levels: fast for viewport answers, moderate for the other answers made
// per request, best for the assets that are compressed once.
const (
	brotliFast    = 1
	gzipFast      = gzip.BestSpeed
	brotliDynamic = 4
	gzipDynamic   = 5
	brotliStatic  = brotli.BestCompression
	gzipStatic    = gzip.BestCompression
)

// Compressible reports whether a content type is text that compresses:
// HTML, CSS, JavaScript, JSON and GeoJSON, SVG and other XML, CSV, event
// streams excluded (they must reach the client as they are written).
func Compressible(contentType string) bool {
	t, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		return false
	}
	switch {
	case t == "text/event-stream":
		return false
	case strings.HasPrefix(t, "text/"),
		t == "application/javascript", t == "application/json", t == "application/xml",
		t == "application/manifest+json", t == "image/svg+xml",
		strings.HasSuffix(t, "+json"), strings.HasSuffix(t, "+xml"):
		return true
	}
	return false
}

// encodedBudget bounds the compressed answers kept by the hash of their
// bytes (Server.encoded; each entry holds the plain bytes and their
// encoding); seenEntries bounds the hashes of answers seen once
// (Server.seen), which decide what is kept.
const (
	encodedBudget = 16 << 20
	seenEntries   = 16384
)

// bodySeed keys the hashes of answers kept compressed; random per process.
var bodySeed = maphash.MakeSeed()

// writers pools the compressors of one coding at one level.
type writers struct{ brotli, gzip sync.Pool }

func newWriters(brotliLevel, gzipLevel int) *writers {
	return &writers{
		brotli: sync.Pool{New: func() any { return brotli.NewWriterLevel(nil, brotliLevel) }},
		gzip:   sync.Pool{New: func() any { w, _ := gzip.NewWriterLevel(nil, gzipLevel); return w }},
	}
}

var (
	dynamicWriters = newWriters(brotliDynamic, gzipDynamic)
	fastWriters    = newWriters(brotliFast, gzipFast)
)

// encode compresses b with coding at the dynamic level.
func encode(coding string, b []byte) []byte { return dynamicWriters.encode(coding, b) }

// encodeFast compresses b with coding at the fast level.
func encodeFast(coding string, b []byte) []byte { return fastWriters.encode(coding, b) }

func (ws *writers) encode(coding string, b []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(b) / 3)
	if !ws.encodeTo(&out, coding, b) {
		return nil
	}
	return out.Bytes()
}

// encodeTo compresses b with coding into out; false for an unknown coding.
func (ws *writers) encodeTo(out *bytes.Buffer, coding string, b []byte) bool {
	switch coding {
	case EncodingBrotli:
		w := ws.brotli.Get().(*brotli.Writer)
		w.Reset(out)
		_, _ = w.Write(b)
		_ = w.Close()
		w.Reset(nil)
		ws.brotli.Put(w)
	case EncodingGzip:
		w := ws.gzip.Get().(*gzip.Writer)
		w.Reset(out)
		_, _ = w.Write(b)
		_ = w.Close()
		w.Reset(io.Discard)
		ws.gzip.Put(w)
	default:
		return false
	}
	return true
}

// buffers lends the buffers that answers made for one request are
// assembled or compressed in before their bytes are copied into the
// response: a fresh buffer for each was most of what the server allocated
// under varied viewports and a GIS paging through a district.
var buffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxLentBuffer is the largest buffer kept for reuse (an OGC API page of
// 1,000 features).
const maxLentBuffer = 4 << 20

// LendBuffer returns an empty buffer; give it back with ReturnBuffer once
// its bytes have been copied into the response.
func LendBuffer() *bytes.Buffer {
	b := buffers.Get().(*bytes.Buffer)
	b.Reset()
	return b
}

// ReturnBuffer takes back a buffer from LendBuffer.
func ReturnBuffer(b *bytes.Buffer) {
	if b.Cap() <= maxLentBuffer {
		buffers.Put(b)
	}
}

// encodeBest compresses b with coding at the best level (static assets,
// compressed once).
func encodeBest(coding string, b []byte) []byte {
	var out bytes.Buffer
	switch coding {
	case EncodingBrotli:
		w := brotli.NewWriterLevel(&out, brotliStatic)
		_, _ = w.Write(b)
		_ = w.Close()
	case EncodingGzip:
		w, _ := gzip.NewWriterLevel(&out, gzipStatic)
		_, _ = w.Write(b)
		_ = w.Close()
	}
	return out.Bytes()
}

// Compress is the middleware that compresses answers made per request. It
// leaves alone: answers that already carry a Content-Encoding (the static
// route sends precompressed bytes), streamed bodies (server-sent events,
// which must not be buffered), bodies under MinCompressSize, types that are
// compressed already (images, xlsx, GeoPackage, zip), 204, 206 and 304.
// Answers that vary with Accept-Encoding say so (Vary).
// Errors are answered here by the app's error handler, so that error pages
// are compressed too.
func (s *Server) Compress(c *fiber.Ctx) error {
	if err := c.Next(); err != nil {
		if herr := c.App().ErrorHandler(c, err); herr != nil {
			return err
		}
	}
	res := c.Response()
	status := res.StatusCode()
	if status < 200 || status == fiber.StatusNoContent || status == fiber.StatusPartialContent ||
		status == fiber.StatusNotModified || res.IsBodyStream() ||
		len(res.Header.Peek(fiber.HeaderContentEncoding)) > 0 ||
		// its handler chose the coding already (SendNamed, the assets)
		bytes.Contains(res.Header.Peek(fiber.HeaderVary), []byte(fiber.HeaderAcceptEncoding)) ||
		!Compressible(string(res.Header.ContentType())) {
		return nil
	}
	body := res.Body()
	if len(body) < MinCompressSize {
		return nil
	}
	varyOnEncoding(c)
	coding := negotiate(c.Get(fiber.HeaderAcceptEncoding), false)
	if coding == "" {
		return nil
	}
	var out []byte
	if bytes.HasPrefix(res.Header.ContentType(), []byte("text/html")) {
		// Pages never repeat: each carries its own CSP nonce, so cached
		// pages are compressed per request too.
		out = encode(coding, body)
	} else {
		// Cached API answers repeat: the same bytes are compressed once.
		out = s.encodeRepeated(coding, body)
	}
	if len(out) >= len(body) {
		return nil
	}
	res.SetBodyRaw(out)
	encoded(c, coding)
	return nil
}

// encoded marks c's answer as compressed with coding. A strong validator names
// exact bytes; the compressed bytes differ, so it becomes weak.
func encoded(c *fiber.Ctx, coding string) {
	res := c.Response()
	res.Header.SetCanonical(contentEncodingHeader, []byte(coding))
	if et := res.Header.Peek(fiber.HeaderETag); len(et) > 0 && !bytes.HasPrefix(et, []byte("W/")) {
		res.Header.Set(fiber.HeaderETag, "W/"+string(et))
	}
}

var (
	contentEncodingHeader = []byte(fiber.HeaderContentEncoding)
	varyHeader            = []byte(fiber.HeaderVary)
	acceptEncoding        = []byte(fiber.HeaderAcceptEncoding)
)

// varyOnEncoding adds Accept-Encoding to the answer's Vary: set as it is
// where the answer varies on nothing else yet (the hot path), appended by
// Fiber otherwise.
func varyOnEncoding(c *fiber.Ctx) {
	h := &c.Response().Header
	if len(h.PeekBytes(varyHeader)) == 0 {
		h.SetCanonical(varyHeader, acceptEncoding)
		return
	}
	c.Vary(fiber.HeaderAcceptEncoding)
}

// encodeRepeated returns body compressed with coding for an answer that
// may repeat but has no name: the first time its bytes are seen compressed
// fast and not kept (most are never asked again), from the second time on
// compressed well once and kept. Entries are found by a fast keyed hash of
// the bytes and keep a copy of them, which a hit compares in full: no two
// bodies can share an entry.
func (s *Server) encodeRepeated(coding string, body []byte) []byte {
	var sum [8]byte
	binary.LittleEndian.PutUint64(sum[:], maphash.Bytes(bodySeed, body))
	k := cache.Key{Procedure: int64(len(body)), Name: "h" + coding + string(sum[:])}
	if kept, ok := s.encoded.Get(k); ok && len(kept) >= len(body) && bytes.Equal(kept[:len(body)], body) {
		return kept[len(body):]
	}
	if _, again := s.seen.Get(k); !again {
		s.seen.Put(k, struct{}{})
		return encodeFast(coding, body)
	}
	out := encode(coding, body)
	s.encoded.Put(k, append(append(make([]byte, 0, len(body)+len(out)), body...), out...))
	return out
}

// SendFresh sends body, made for this request alone and not kept after
// the handler, as contentType: copied into the response and compressed at
// the fast level where the client accepts it.
func (s *Server) SendFresh(c *fiber.Ctx, contentType string, body []byte) error {
	return s.SendNamed(c, cache.Key{}, contentType, body, false)
}

// SendNamed sends body as contentType, compressed where the client accepts
// it. k names body exactly — the same key never names two different bodies
// (a procedure's version and the question asked) — so a kept compression
// is found by k without hashing or comparing the body: the hot path of a
// cached viewport answer. A kept body stays valid after the handler and is
// sent as it is; any other is copied.
func (s *Server) SendNamed(c *fiber.Ctx, k cache.Key, contentType string, body []byte, kept bool) error {
	c.Response().Header.SetContentType(contentType)
	send := func(b []byte) error {
		if kept {
			return c.Send(b)
		}
		c.Response().SetBody(b)
		return nil
	}
	if len(body) < MinCompressSize {
		return send(body)
	}
	varyOnEncoding(c)
	coding := negotiateBytes(c.Request().Header.PeekBytes(acceptEncoding))
	if coding == "" {
		return send(body)
	}
	// A kept answer is compressed once and its compression kept with it;
	// any other was asked once so far and is compressed into a lent
	// buffer. Both at the fast level: on a viewport answer the moderate
	// level took twice the time for 1.4 % fewer bytes, and a panning map
	// asks most views only a few times (docs/benchmarks.md, 2026-12-02).
	if !kept {
		out := LendBuffer()
		defer ReturnBuffer(out)
		fastWriters.encodeTo(out, coding, body)
		if out.Len() >= len(body) {
			return send(body)
		}
		encoded(c, coding)
		c.Response().SetBody(out.Bytes())
		return nil
	}
	k.Form = coding
	out, ok := s.encoded.Get(k)
	if !ok {
		out = encodeFast(coding, body)
		s.encoded.Put(k, out)
	}
	if len(out) >= len(body) {
		return send(body)
	}
	encoded(c, coding)
	return c.Send(out)
}

// JoinGzip reports whether a fresh answer to c should go out joined from
// pieces compressed once (viewport.Query.Gzip, gzipjoin) rather than be
// compressed now: the client takes gzip best and the server is busy.
// Otherwise compressing at the fast level gives fewer bytes for work the
// cores have time for.
func (s *Server) JoinGzip(c *fiber.Ctx) bool {
	return s.Busy() && negotiateBytes(c.Request().Header.PeekBytes(acceptEncoding)) == EncodingGzip
}

// SendJoined sends gz, the gzip form of an answer made for this request
// alone (not kept after the handler), as contentType; JoinGzip chose it.
func (s *Server) SendJoined(c *fiber.Ctx, contentType string, gz []byte) error {
	c.Response().Header.SetContentType(contentType)
	varyOnEncoding(c)
	encoded(c, EncodingGzip)
	c.Response().SetBody(gz)
	return nil
}
