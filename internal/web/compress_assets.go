// The static assets, compressed once when the server starts.

package web

import (
	"mime"
	"path"
	"runtime"
	"strings"
	"sync"
)

// packed holds a static asset's bytes and, when they compress, their
// brotli and gzip encodings, made once when the server starts.
type packed struct {
	raw, br, gz []byte
}

// packedByHash shares the compressed assets between the servers of one
// process (tests build many): the same bytes are compressed once.
var packedByHash sync.Map // sha256 hex → *packOnce

type packOnce struct {
	once sync.Once
	p    *packed
}

// packing bounds the assets compressed at the same time.
var packing = make(chan struct{}, max(1, runtime.GOMAXPROCS(0)))

// pack starts compressing the asset name's bytes b (hash is their sha256)
// and records them in a; waitPacked waits for the last one.
func (a *Assets) pack(name, hash string, b []byte) {
	ct := assetTypes[strings.ToLower(path.Ext(name))]
	if ct == "" {
		ct = mime.TypeByExtension(path.Ext(name))
	}
	if len(b) < MinCompressSize || !Compressible(ct) {
		a.mu.Lock()
		a.packed[name] = &packed{raw: b}
		a.mu.Unlock()
		return
	}
	v, _ := packedByHash.LoadOrStore(hash, &packOnce{})
	po := v.(*packOnce)
	a.packing.Add(1)
	go func() {
		defer a.packing.Done()
		packing <- struct{}{}
		defer func() { <-packing }()
		po.once.Do(func() {
			p := &packed{raw: b}
			if out := encodeBest(EncodingBrotli, b); len(out) < len(b) {
				p.br = out
			}
			if out := encodeBest(EncodingGzip, b); len(out) < len(b) {
				p.gz = out
			}
			po.p = p
		})
		a.mu.Lock()
		a.packed[name] = po.p
		a.mu.Unlock()
	}()
}

// waitPacked waits until every asset is compressed.
func (a *Assets) waitPacked() { a.packing.Wait() }

// Encoded returns the static file name in the coding the client accepts
// (accept is the Accept-Encoding header): the bytes, the coding they are in
// ("" for none) and whether the answer varies with Accept-Encoding.
// Files not fingerprinted at start are read as they are.
func (a *Assets) Encoded(name, accept string) (b []byte, coding string, vary bool, err error) {
	p, ok := a.packed[name]
	if !ok {
		b, err = a.Read(name)
		return b, "", false, err
	}
	vary = p.br != nil || p.gz != nil
	switch AcceptedEncoding(accept) {
	case EncodingBrotli:
		if p.br != nil {
			return p.br, EncodingBrotli, vary, nil
		}
	case EncodingGzip:
		if p.gz != nil {
			return p.gz, EncodingGzip, vary, nil
		}
	}
	return p.raw, "", vary, nil
}

// assetTypes are the compressible types of static files, whatever the
// system's MIME table says.
var assetTypes = map[string]string{
	".js": "application/javascript", ".mjs": "application/javascript", ".css": "text/css",
	".svg": "image/svg+xml", ".json": "application/json", ".html": "text/html",
	".geojson": "application/geo+json", ".txt": "text/plain",
}
