package auth

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"strconv"
)

// A draft procedure's preview link carries a key: an HMAC (SHA-256) of the
// procedure's id, slug and creation time under the server's secret, like
// a table link's. Whoever is given the link sees the draft as residents
// will; nobody can make one up. A procedure deleted and made anew under
// the same slug has a new key.

// PreviewKey returns the preview key of the procedure.
func PreviewKey(secret []byte, id int64, slug string, createdMS int64) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("mitreden-preview\x00" + strconv.FormatInt(id, 10) + "\x00" + slug + "\x00" + strconv.FormatInt(createdMS, 10)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// CheckPreviewKey reports whether key is the procedure's preview key, in
// constant time.
func CheckPreviewKey(secret []byte, id int64, slug string, createdMS int64, key string) bool {
	if len(secret) == 0 || key == "" || len(key) > 64 {
		return false
	}
	return hmac.Equal([]byte(PreviewKey(secret, id, slug, createdMS)), []byte(key))
}
