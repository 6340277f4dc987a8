package web

import (
	"strconv"
	"strings"
)

// Content codings this server produces.
const (
	EncodingBrotli = "br"
	EncodingGzip   = "gzip"
)

// AcceptedEncoding chooses the content coding of a static asset from the
// request's Accept-Encoding header: brotli or gzip, whichever has the
// higher quality value (brotli on a tie: assets are compressed once, and
// brotli's are smaller), "" when neither is acceptable. "*" stands for
// codings not named; q=0 refuses a coding.
func AcceptedEncoding(header string) string { return negotiate(header, true) }

// negotiate is AcceptedEncoding with the choice on a tie: answers made
// per request prefer gzip, which costs a quarter of brotli's time at level
// 4 for about 1 % more bytes (docs/benchmarks.md).
func negotiate(header string, brotliOnTie bool) string {
	if header == "" {
		return ""
	}
	// The quality values of the codings that matter, -1 where not named
	// (no map: every answer asks).
	br, gz, xgz, star := -1.0, -1.0, -1.0, -1.0
	for rest := header; rest != ""; {
		var part string
		part, rest, _ = strings.Cut(rest, ",")
		name, params, _ := strings.Cut(part, ";")
		name = strings.TrimSpace(name)
		if name == "" {
			continue
		}
		v := 1.0
		for params != "" {
			var p string
			p, params, _ = strings.Cut(params, ";")
			k, val, ok := strings.Cut(strings.TrimSpace(p), "=")
			if ok && strings.EqualFold(strings.TrimSpace(k), "q") {
				f, err := strconv.ParseFloat(strings.TrimSpace(val), 64)
				if err != nil || f < 0 || f > 1 {
					f = 0
				}
				v = f
			}
		}
		switch {
		case strings.EqualFold(name, EncodingBrotli):
			br = v
		case strings.EqualFold(name, EncodingGzip):
			gz = v
		case strings.EqualFold(name, "x-gzip"):
			xgz = v
		case name == "*":
			star = v
		}
	}
	quality := func(v float64) float64 {
		if v >= 0 {
			return v
		}
		if star >= 0 {
			return star
		}
		return 0
	}
	// x-gzip is the old name of gzip.
	if xgz > quality(gz) && gz < 0 {
		gz = xgz
	}
	b, g := quality(br), quality(gz)
	switch {
	case b > 0 && (b > g || b == g && brotliOnTie):
		return EncodingBrotli
	case g > 0:
		return EncodingGzip
	}
	return ""
}

// negotiateBytes is negotiate(header, false) for a header read in place:
// the values browsers and HTTP libraries send are looked up, chosen once
// by negotiate, without copying the header.
func negotiateBytes(header []byte) string {
	if coding, ok := commonAcceptEncodings[string(header)]; ok {
		return coding
	}
	return negotiate(string(header), false)
}

var commonAcceptEncodings = func() map[string]string {
	m := map[string]string{}
	for _, h := range []string{"", "identity", "gzip", "br", "gzip, deflate", "gzip, deflate, br", "gzip, deflate, br, zstd", "br, gzip", "gzip, br"} {
		m[h] = negotiate(h, false)
	}
	return m
}()
