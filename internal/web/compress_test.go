package web

import "testing"

func TestAcceptedEncodingFollowsQualityValues(t *testing.T) {
	for header, want := range map[string]string{
		"":                          "",
		"br":                        "br",
		"GZIP":                      "gzip",
		"gzip, deflate, br, zstd":   "br",
		"gzip;q=1.0, br;q=0.9":      "gzip",
		"br;q=0.9, gzip;q=0.9":      "br",
		"br;q=0":                    "",
		"br;q=0, *":                 "gzip",
		"*;q=0.2, br;q=0":           "gzip",
		"x-gzip":                    "gzip",
		"br;q=nonsense, gzip;q=0.1": "gzip",
		"identity, deflate":         "",
		" gzip ; q=0.5 , br ; q=1 ": "br",
	} {
		if got := AcceptedEncoding(header); got != want {
			t.Errorf("AcceptedEncoding(%q) = %q, want %q", header, got, want)
		}
	}
}

func TestCompressibleTypes(t *testing.T) {
	for ct, want := range map[string]bool{
		"text/html; charset=utf-8": true, "application/json": true, "application/geo+json": true,
		"text/css": true, "application/javascript": true, "image/svg+xml": true, "text/csv": true,
		"text/event-stream": false, "image/png": false, "image/jpeg": false, "application/zip": false,
		"application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": false,
		"application/geopackage+sqlite3":                                    false, "": false,
	} {
		if got := Compressible(ct); got != want {
			t.Errorf("Compressible(%q) = %v", ct, got)
		}
	}
}
