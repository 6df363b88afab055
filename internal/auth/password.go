package auth

import (
	"sync/atomic"

	"golang.org/x/crypto/bcrypt"

	"github.com/curatore/curatore/internal/apperr"
)

// Password length limits. bcrypt reads at most 72 bytes; longer passwords
// are refused instead of silently truncated.
const (
	MinPasswordLen = 8
	MaxPasswordLen = 72
)

// CheckPasswordPolicy returns a field error (on field) when password is too
// short or too long.
func CheckPasswordPolicy(field, password string) error {
	switch {
	case len(password) < MinPasswordLen:
		return apperr.Field(field, "must be at least 8 characters")
	case len(password) > MaxPasswordLen:
		return apperr.Field(field, "must be at most 72 bytes (bcrypt's limit); use a shorter passphrase")
	}
	return nil
}

// hashes counts bcrypt hash computations.
var hashes atomic.Int64

// HashCount returns how many bcrypt hashes this process has computed (a
// metric; tests check that refused requests cost none).
func HashCount() int64 { return hashes.Load() }

// HashPassword hashes password with bcrypt at cost rounds.
func HashPassword(password string, rounds int) (string, error) {
	if err := CheckPasswordPolicy("password", password); err != nil {
		return "", err
	}
	hashes.Add(1)
	b, err := bcrypt.GenerateFromPassword([]byte(password), rounds)
	return string(b), err
}

// PasswordMatches reports whether password matches hash. It always spends
// one bcrypt comparison, so callers can run it against a dummy hash for
// unknown users and keep timings alike.
func PasswordMatches(hash, password string) bool {
	if len(password) > MaxPasswordLen {
		// Compare anyway (truncated) so that the time spent is the same,
		// then refuse: such a password can never have been set.
		_ = bcrypt.CompareHashAndPassword([]byte(hash), []byte(password[:MaxPasswordLen]))
		return false
	}
	return bcrypt.CompareHashAndPassword([]byte(hash), []byte(password)) == nil
}

// usableHash reports whether hash is a bcrypt hash ("!" and other markers
// mean no password can match).
func usableHash(hash string) bool {
	_, err := bcrypt.Cost([]byte(hash))
	return err == nil
}
