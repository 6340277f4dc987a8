package workshop

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"strconv"
	"strings"
)

// SignedBundleVersion is a bundle whose every record and the whole file
// carry an HMAC-SHA256 signature with a key both instances share. Each
// record is wrapped as {"n": its position from 1, "mac": …, "contribution":
// …}; its signature covers the procedure, its position and the record's
// exact bytes, so a changed, moved or foreign record shows. After the
// records come "count" and the file's "mac", which covers the procedure,
// the export time, every record's signature in order and the count, so a
// removed record or a cut-off file shows too.
const SignedBundleVersion = 3

// MinBundleKey is the shortest bundle key accepted (in bytes).
const MinBundleKey = 32

// ErrTampered is what a signed bundle that fails its check wraps (via
// *TamperError); it also counts as ErrInvalid.
var ErrTampered = errors.New("bundle refused: its signatures do not check out")

// Problem is one reason a signed bundle was refused: the record (its
// position from 1; 0 for the file as a whole), the contribution it names
// when it could be read, and why.
type Problem struct {
	Record int
	ID     string
	Why    string
}

// TamperError lists every problem found in a signed bundle. Nothing of
// such a bundle is imported.
type TamperError struct{ Problems []Problem }

func (e *TamperError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%v; nothing was imported:", ErrTampered)
	for i, p := range e.Problems {
		if i == 20 {
			fmt.Fprintf(&b, "\n  … and %d more", len(e.Problems)-i)
			break
		}
		b.WriteString("\n  ")
		if p.Record > 0 {
			fmt.Fprintf(&b, "record %d", p.Record)
			if p.ID != "" {
				fmt.Fprintf(&b, " (contribution %s)", p.ID)
			}
			b.WriteString(": ")
		} else {
			b.WriteString("file: ")
		}
		b.WriteString(p.Why)
	}
	return b.String()
}

// Is makes a TamperError count as ErrTampered and ErrInvalid.
func (e *TamperError) Is(target error) bool { return target == ErrTampered || target == ErrInvalid }

// CheckBundleKey refuses a key too short to sign with.
func CheckBundleKey(key []byte) error {
	if len(key) < MinBundleKey {
		return fmt.Errorf("a bundle key needs at least %d bytes (e.g. `openssl rand -hex 32`), this one has %d", MinBundleKey, len(key))
	}
	return nil
}

// KeyID names a key without revealing it, so a bundle signed with another
// key is reported as such.
func KeyID(key []byte) string {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("mitreden-bundle key id"))
	return hex.EncodeToString(m.Sum(nil)[:8])
}

func recordMAC(key []byte, slug string, n int, raw []byte) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte("mitreden-bundle/3 record\x00" + slug + "\x00" + strconv.Itoa(n) + "\x00"))
	m.Write(raw)
	return m.Sum(nil)
}

// fileMAC accumulates the whole file's signature.
type fileMAC struct{ h hash.Hash }

func newFileMAC(key []byte, slug, exportedAt string) fileMAC {
	h := hmac.New(sha256.New, key)
	h.Write([]byte("mitreden-bundle/3 file\x00" + slug + "\x00" + exportedAt + "\x00"))
	return fileMAC{h}
}

func (f fileMAC) add(recordMAC []byte) { f.h.Write(recordMAC) }

func (f fileMAC) sum(count int) []byte {
	f.h.Write([]byte("\x00" + strconv.Itoa(count)))
	return f.h.Sum(nil)
}
