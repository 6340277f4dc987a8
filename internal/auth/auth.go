// Package auth hashes passwords with argon2id, makes and checks API tokens
// and private manage links, and decides what a role may do.
package auth

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/crypto/argon2"

	"github.com/mitreden/mitreden/internal/model"
)

// argon2id parameters (RFC 9106's second recommended option, memory-lean).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 2
	argonKeyLen  = 32
	saltLen      = 16
)

// hashSlots bounds how many argon2id computations run at once: each takes
// 64 MB, so a burst of logins cannot exhaust memory.
var hashSlots = make(chan struct{}, 2)

func idKey(password, salt []byte, t, m uint32, p uint8, n uint32) []byte {
	hashSlots <- struct{}{}
	defer func() { <-hashSlots }()
	return argon2.IDKey(password, salt, t, m, p, n)
}

// MinPasswordLength is the shortest password accepted.
const MinPasswordLength = 10

// ErrWeakPassword is returned for a password shorter than MinPasswordLength.
var ErrWeakPassword = fmt.Errorf("auth: password must have at least %d characters", MinPasswordLength)

// HashPassword returns an encoded argon2id hash of password.
func HashPassword(password string) (string, error) {
	if len([]rune(password)) < MinPasswordLength {
		return "", ErrWeakPassword
	}
	salt := make([]byte, saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := idKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(key)), nil
}

var passwordChecks atomic.Int64

// PasswordChecks counts the argon2id verifications CheckPassword has done,
// so a test can see that a path does the full work (and so takes the time)
// of checking a password.
func PasswordChecks() int64 { return passwordChecks.Load() }

// CheckPassword reports whether password matches the encoded hash.
func CheckPassword(encoded, password string) bool {
	parts := strings.Split(encoded, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return false
	}
	salt, err1 := base64.RawStdEncoding.DecodeString(parts[4])
	want, err2 := base64.RawStdEncoding.DecodeString(parts[5])
	if err1 != nil || err2 != nil || len(want) == 0 {
		return false
	}
	if m > 4*argonMemory || t > 10 || p == 0 || len(want) > 64 {
		return false // not a hash this program made
	}
	passwordChecks.Add(1)
	got := idKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// NewToken returns a random URL-safe secret of 32 bytes.
func NewToken() string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic(err) // the system's randomness failing is not recoverable
	}
	return base64.RawURLEncoding.EncodeToString(b)
}

// HashToken returns the SHA-256 of a token; tokens are stored only hashed.
func HashToken(token string) []byte {
	h := sha256.Sum256([]byte(token))
	return h[:]
}

// Can reports whether role may perform action.
func Can(role model.Role, action string) bool {
	switch action {
	case "moderate", "respond_moderation":
		return role == model.RoleAdmin || role == model.RolePlanner || role == model.RoleModerator
	case "respond", "export", "manage_procedures":
		return role == model.RoleAdmin || role == model.RolePlanner
	case "manage_users":
		return role == model.RoleAdmin
	}
	return false
}

// Hasher turns client identifiers (an IP address, a voter cookie) into keys
// that can be kept without keeping the identifier: an HMAC with a secret
// salt that rotates daily, so yesterday's keys cannot be linked to today's.
type Hasher struct {
	mu   sync.Mutex
	day  string
	salt []byte
	now  func() time.Time
}

// NewHasher returns a Hasher with a fresh random salt.
func NewHasher() *Hasher { return &Hasher{now: time.Now} }

// Key returns the salted hash of id for today.
func (h *Hasher) Key(id string) string {
	h.mu.Lock()
	day := h.now().UTC().Format("2006-01-02")
	if day != h.day {
		h.day = day
		h.salt = make([]byte, 32)
		_, _ = rand.Read(h.salt)
	}
	salt := h.salt
	h.mu.Unlock()
	m := hmac.New(sha256.New, salt)
	m.Write([]byte(id))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil)[:16])
}

// ErrInvalidCredentials is returned for an unknown account or wrong password.
var ErrInvalidCredentials = errors.New("auth: invalid email or password")
