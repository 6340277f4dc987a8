package mail

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"errors"
	"strings"
)

// Sealer encrypts what must not be stored in clear — a resident's address
// with their manage and subscription tokens, a reset token until its
// message is sent — with AES-256-GCM under a key derived from the server
// secret (MITREDEN_SECRET_KEY or the file beside the database, which is
// never inside it). The purpose is authenticated too, so a sealed value
// cannot be moved to another use.
type Sealer struct {
	aead    cipher.AEAD
	hashKey []byte
}

// NewSealer derives the sealing key from the server secret.
func NewSealer(secret []byte) (*Sealer, error) {
	if len(secret) < 16 {
		return nil, errors.New("mail: the server secret is too short to derive a key from")
	}
	m := hmac.New(sha256.New, secret)
	m.Write([]byte("mitreden-mail-seal-v1"))
	block, err := aes.NewCipher(m.Sum(nil))
	if err != nil {
		return nil, err
	}
	aead, err := cipher.NewGCM(block)
	if err != nil {
		return nil, err
	}
	h := hmac.New(sha256.New, secret)
	h.Write([]byte("mitreden-mail-hash-v1"))
	return &Sealer{aead: aead, hashKey: h.Sum(nil)}, nil
}

// Hash is a keyed hash (HMAC-SHA-256) of an address, case-folded: it tells
// two requests for the same address apart from others without the address,
// and without the key it cannot be checked against a list of addresses.
func (s *Sealer) Hash(address string) []byte {
	m := hmac.New(sha256.New, s.hashKey)
	m.Write([]byte(strings.ToLower(address)))
	return m.Sum(nil)
}

// Seal encrypts plain for purpose: nonce followed by ciphertext.
func (s *Sealer) Seal(purpose string, plain []byte) []byte {
	nonce := make([]byte, s.aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		panic(err)
	}
	return s.aead.Seal(nonce, nonce, plain, []byte(purpose))
}

// Open decrypts what Seal made for purpose.
func (s *Sealer) Open(purpose string, sealed []byte) ([]byte, error) {
	n := s.aead.NonceSize()
	if len(sealed) < n {
		return nil, errors.New("mail: sealed value too short")
	}
	return s.aead.Open(nil, sealed[:n], sealed[n:], []byte(purpose))
}
