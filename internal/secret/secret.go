// Package secret encrypts the secrets Curatore stores (connection API keys
// and client secrets, webhook signing secrets) with AES-256-GCM. Every ciphertext is stored with the id
// of the key that sealed it, so the key can be rotated: a keyring holds the
// current key, which seals, and any previous ones, which still open.
//
// Keys come from CURATORE_SECRET_KEY (+ CURATORE_SECRET_KEY_PREVIOUS) or a
// key file (CURATORE_SECRET_KEY_FILE: one key per line, the first is
// current). In the embedded default a key file is generated beside the
// SQLite database on first run. Rotate re-seals one kind of stored value
// under the current key; `curatore secrets rotate` runs it for every kind.
package secret

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
)

// KeySize is the key length: AES-256.
const KeySize = 32

// Keyring seals with its current key and opens with any key it holds.
type Keyring struct {
	currentID string
	aeads     map[string]cipher.AEAD
	order     []string // current first
}

// ErrUnknownKey means a ciphertext was sealed under a key the ring lacks.
var ErrUnknownKey = errors.New("secret: sealed under a key that is not configured")

// ErrDecrypt means the ciphertext does not open (wrong key, tampered, or
// moved to another row).
var ErrDecrypt = errors.New("secret: ciphertext does not decrypt")

// New builds a keyring; current seals, previous only open.
func New(current []byte, previous ...[]byte) (*Keyring, error) {
	k := &Keyring{aeads: map[string]cipher.AEAD{}}
	for i, key := range append([][]byte{current}, previous...) {
		if len(key) != KeySize {
			return nil, fmt.Errorf("secret: key %d is %d bytes, want %d", i+1, len(key), KeySize)
		}
		block, err := aes.NewCipher(key)
		if err != nil {
			return nil, err
		}
		aead, err := cipher.NewGCM(block)
		if err != nil {
			return nil, err
		}
		id := KeyID(key)
		if _, dup := k.aeads[id]; dup {
			continue
		}
		k.aeads[id] = aead
		k.order = append(k.order, id)
	}
	k.currentID = k.order[0]
	return k, nil
}

// KeyID names a key without revealing it: the first 8 hex digits of its
// SHA-256.
func KeyID(key []byte) string {
	sum := sha256.Sum256(key)
	return hex.EncodeToString(sum[:4])
}

// CurrentID is the id of the key that seals.
func (k *Keyring) CurrentID() string { return k.currentID }

// IDs lists the ids of every key held, current first.
func (k *Keyring) IDs() []string { return append([]string(nil), k.order...) }

// Seal encrypts plaintext under the current key. aad binds the ciphertext
// to its context (e.g. the organization and row id): it opens only with the
// same aad, so a ciphertext copied into another row is useless.
func (k *Keyring) Seal(plaintext, aad []byte) (keyID, sealed string, err error) {
	aead := k.aeads[k.currentID]
	nonce := make([]byte, aead.NonceSize())
	if _, err := rand.Read(nonce); err != nil {
		return "", "", fmt.Errorf("secret: %w", err)
	}
	out := aead.Seal(nonce, nonce, plaintext, aad)
	return k.currentID, base64.RawStdEncoding.EncodeToString(out), nil
}

// Open decrypts what Seal returned.
func (k *Keyring) Open(keyID, sealed string, aad []byte) ([]byte, error) {
	aead, ok := k.aeads[keyID]
	if !ok {
		return nil, fmt.Errorf("%w (key id %s)", ErrUnknownKey, keyID)
	}
	raw, err := base64.RawStdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < aead.NonceSize() {
		return nil, ErrDecrypt
	}
	plain, err := aead.Open(nil, raw[:aead.NonceSize()], raw[aead.NonceSize():], aad)
	if err != nil {
		return nil, ErrDecrypt
	}
	return plain, nil
}

// ParseKey reads a 32-byte key written as 64 hex digits or base64.
func ParseKey(s string) ([]byte, error) {
	s = strings.TrimSpace(s)
	if b, err := hex.DecodeString(s); err == nil && len(b) == KeySize {
		return b, nil
	}
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.RawStdEncoding, base64.URLEncoding, base64.RawURLEncoding} {
		if b, err := enc.DecodeString(s); err == nil && len(b) == KeySize {
			return b, nil
		}
	}
	return nil, errors.New("a key must be 32 random bytes written as 64 hex digits or base64 (e.g. `openssl rand -hex 32`)")
}

// GenerateKey returns a new random key, hex-encoded.
func GenerateKey() (string, error) {
	b := make([]byte, KeySize)
	if _, err := rand.Read(b); err != nil {
		return "", err
	}
	return hex.EncodeToString(b), nil
}
