package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"strconv"
	"strings"
)

// A workshop table's link carries a key: an HMAC (SHA-256) of the
// procedure's slug and the table number under the server's secret. Only
// someone given the link (the planners print it for the kiosk) can post
// contributions tagged table:N; a script cannot make one up.

// TableKey returns the key of table n of the procedure slug under secret.
func TableKey(secret []byte, slug string, n int) string {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("mitreden-table\x00" + slug + "\x00" + strconv.Itoa(n)))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:18])
}

// CheckTableKey reports whether key is the key of table n of slug, in
// constant time.
func CheckTableKey(secret []byte, slug string, n int, key string) bool {
	if len(secret) == 0 || key == "" || len(key) > 64 {
		return false
	}
	return hmac.Equal([]byte(TableKey(secret, slug, n)), []byte(key))
}

// SecretFile is where the generated secret of the database at db is kept:
// beside the database, never inside it, so that a copy of the database
// alone cannot sign links.
func SecretFile(db string) string { return db + ".secret" }

// LoadSecret returns the server secret: configured (MITREDEN_SECRET_KEY)
// when set, otherwise the content of SecretFile(db), which it creates
// with a new random secret (mode 0600) on first use.
func LoadSecret(configured, db string) ([]byte, error) {
	if configured != "" {
		return []byte(configured), nil
	}
	if db == "" || strings.HasPrefix(db, ":memory:") || strings.Contains(db, "mode=memory") {
		return nil, errors.New("auth: no secret key configured and no database file to keep one beside (set MITREDEN_SECRET_KEY)")
	}
	path := SecretFile(db)
	if b, err := os.ReadFile(path); err == nil {
		s := strings.TrimSpace(string(b))
		if s == "" {
			return nil, fmt.Errorf("auth: secret file %s is empty; delete it to make a new one or set MITREDEN_SECRET_KEY", path)
		}
		return []byte(s), nil
	} else if !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("auth: unable to read secret file: %w", err)
	}
	raw := make([]byte, 32)
	if _, err := rand.Read(raw); err != nil {
		return nil, err
	}
	s := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) {
		// Another process made it a moment ago: use that one.
		return LoadSecret("", db)
	}
	if err != nil {
		return nil, fmt.Errorf("auth: unable to create secret file: %w", err)
	}
	if _, err := f.WriteString(s + "\n"); err != nil {
		f.Close()
		os.Remove(path)
		return nil, fmt.Errorf("auth: unable to write secret file: %w", err)
	}
	if err := f.Sync(); err != nil {
		f.Close()
		return nil, err
	}
	if err := f.Close(); err != nil {
		return nil, err
	}
	return []byte(s), nil
}
