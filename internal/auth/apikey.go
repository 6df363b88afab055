package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/hex"
	"strings"
)

// apiKeyRandomBytes is the entropy of a key: 32 bytes, 64 hex characters.
const apiKeyRandomBytes = 32

// NewAPIKey returns a new key (prefix + 64 hex characters), its display
// prefix (the first len(prefix)+8 characters) and the digest to store.
func NewAPIKey(prefix string) (key, display, digest string) {
	b := make([]byte, apiKeyRandomBytes)
	_, _ = rand.Read(b)
	key = prefix + hex.EncodeToString(b)
	return key, key[:len(prefix)+8], Digest(key)
}

// LooksLikeAPIKey reports whether s has the shape of a key made by NewAPIKey.
func LooksLikeAPIKey(prefix, s string) bool {
	if !strings.HasPrefix(s, prefix) || len(s) != len(prefix)+2*apiKeyRandomBytes {
		return false
	}
	for _, c := range s[len(prefix):] {
		if (c < '0' || c > '9') && (c < 'a' || c > 'f') {
			return false
		}
	}
	return true
}

// DigestEqual compares two digests in constant time.
func DigestEqual(a, b string) bool {
	return subtle.ConstantTimeCompare([]byte(a), []byte(b)) == 1
}
