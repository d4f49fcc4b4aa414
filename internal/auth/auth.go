// Package auth hashes passwords with argon2id and makes and hashes the
// random secrets behind sessions and API tokens.
package auth

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Params are argon2id's cost parameters.
type Params struct {
	Memory  uint32 // KiB
	Time    uint32
	Threads uint8
	KeyLen  uint32
}

// DefaultParams is used for new hashes: the OWASP Password Storage Cheat
// Sheet's first argon2id configuration (19 MiB, 2 passes, 1 lane). About
// 24 ms of one core and 19 MiB each on the 2-core reference machine, so
// the server checks some 70 passwords a second (10,000 candidates signing
// in at an exam's start within 5 minutes) and a bounded number at once
// stays far from exhausting memory. RFC 9106's second option (64 MiB, 3
// passes), which certlab used before, costs about 7 times as much;
// --password-hash chooses other costs. Hashes keep the costs they were
// made with, so changing them affects only new passwords.
var DefaultParams = Params{Memory: 19 * 1024, Time: 2, Threads: 1, KeyLen: 32}

// ParseParams reads costs written as "m=19456,t=2,p=1" (memory in KiB,
// passes, lanes), the notation of PHC strings, and checks that they are
// within sensible bounds (8 MiB to 4 GiB, 1 to 100 passes, 1 to 16 lanes).
func ParseParams(s string) (Params, error) {
	p := Params{KeyLen: 32}
	var m, t, l uint64
	if _, err := fmt.Sscanf(s, "m=%d,t=%d,p=%d", &m, &t, &l); err != nil {
		return Params{}, fmt.Errorf("%q is not m=KiB,t=PASSES,p=LANES", s)
	}
	if m < 8*1024 || m > 1<<22 || t < 1 || t > 100 || l < 1 || l > 16 {
		return Params{}, fmt.Errorf("%q is out of bounds (m 8192 to 4194304 KiB, t 1 to 100, p 1 to 16)", s)
	}
	p.Memory, p.Time, p.Threads = uint32(m), uint32(t), uint8(l)
	if got := fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads); got != s {
		return Params{}, fmt.Errorf("%q has extra text (read as %s)", s, got)
	}
	return p, nil
}

// String writes the costs as ParseParams reads them.
func (p Params) String() string { return fmt.Sprintf("m=%d,t=%d,p=%d", p.Memory, p.Time, p.Threads) }

// ErrMismatch is returned when a password does not match its hash.
var ErrMismatch = errors.New("password does not match")

// HashPassword returns a PHC-format argon2id hash of password.
func HashPassword(password string, p Params) (string, error) {
	salt := make([]byte, 16)
	if _, err := rand.Read(salt); err != nil {
		return "", err
	}
	key := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, p.KeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, p.Memory, p.Time, p.Threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword checks password against a hash made by HashPassword, in
// constant time.
func VerifyPassword(password, hash string) error {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("not an argon2id hash")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("unsupported argon2 version")
	}
	var p Params
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &p.Memory, &p.Time, &p.Threads); err != nil {
		return fmt.Errorf("argon2 parameters: %w", err)
	}
	if p.Memory > 1<<22 || p.Time > 100 || p.Threads == 0 {
		return errors.New("argon2 parameters out of range")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("argon2 salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil || len(want) == 0 || len(want) > 128 {
		return errors.New("argon2 key malformed")
	}
	got := argon2.IDKey([]byte(password), salt, p.Time, p.Memory, p.Threads, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// NewSecret returns a random 256-bit secret, URL-safe, with a prefix that
// says what it is (for example "clt_" for API tokens, so leaked tokens are
// easy to recognise by secret scanners).
func NewSecret(prefix string) string {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		panic("crypto/rand failed: " + err.Error())
	}
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// HashSecret returns the hex SHA-256 of a secret: stores keep only this.
// Secrets are 256 random bits, so a fast hash is enough.
func HashSecret(secret string) string {
	sum := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(sum[:])
}
