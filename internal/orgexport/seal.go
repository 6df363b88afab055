package orgexport

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"

	"golang.org/x/crypto/argon2"
)

// Sealing records how secrets were sealed: AES-256-GCM under a key derived
// from a passphrase with Argon2id (memory-hard, so guessing passphrases of
// a stolen export is expensive).
type Sealing struct {
	KDF       string `json:"kdf"` // "argon2id"
	Salt      string `json:"salt"`
	Time      uint32 `json:"time"`
	MemoryKiB uint32 `json:"memory_kib"`
	Threads   uint8  `json:"threads"`
	Cipher    string `json:"cipher"` // "AES-256-GCM"
}

// ErrPassphrase is returned when sealed secrets do not open with the
// passphrase given.
var ErrPassphrase = errors.New("the passphrase does not open the sealed secrets")

// The Argon2id cost of new exports (RFC 9106's second recommended option:
// 64 MiB, 3 passes).
const (
	argonTime    = 3
	argonMemory  = 64 * 1024
	argonThreads = 4
	// The largest costs an import accepts: 1 GiB, 10 passes.
	maxArgonMemory = 1 << 20
	maxArgonTime   = 10
)

// newSealing returns fresh sealing parameters with a random salt.
func newSealing() *Sealing {
	salt := make([]byte, 16)
	rand.Read(salt)
	return &Sealing{KDF: "argon2id", Salt: base64.StdEncoding.EncodeToString(salt), Time: argonTime,
		MemoryKiB: argonMemory, Threads: argonThreads, Cipher: "AES-256-GCM"}
}

// aead derives the key from the passphrase.
func (s *Sealing) aead(passphrase []byte) (cipher.AEAD, error) {
	if s.KDF != "argon2id" || s.Cipher != "AES-256-GCM" {
		return nil, fmt.Errorf("unsupported sealing %s/%s", s.KDF, s.Cipher)
	}
	if len(passphrase) == 0 {
		return nil, errors.New("a passphrase is needed for sealed secrets")
	}
	// An export file is input: costs far above ours (64 MiB, 3 passes)
	// would let a crafted file exhaust the importing machine.
	if s.MemoryKiB > maxArgonMemory || s.Time > maxArgonTime || s.Threads == 0 {
		return nil, errors.New("the export's key derivation parameters are out of range")
	}
	salt, err := base64.StdEncoding.DecodeString(s.Salt)
	if err != nil {
		return nil, fmt.Errorf("sealing salt: %w", err)
	}
	key := argon2.IDKey(passphrase, salt, s.Time, s.MemoryKiB, s.Threads, 32)
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}

// seal encrypts secrets bound to the connection's type and name.
func seal(a cipher.AEAD, c Connection, secrets map[string]string) (string, error) {
	return sealValue(a, aad(c), secrets)
}

// open decrypts a connection's sealed secrets.
func open(a cipher.AEAD, c Connection) (map[string]string, error) {
	var out map[string]string
	if err := openValue(a, aad(c), c.Sealed, &out); err != nil {
		return nil, fmt.Errorf("connection %s: %w", c.Name, err)
	}
	return out, nil
}

func aad(c Connection) []byte { return []byte("curatore-export/" + c.Type + "/" + c.Name) }

// sealValue encrypts v's JSON, bound to aad.
func sealValue(a cipher.AEAD, aad []byte, v any) (string, error) {
	plain, err := json.Marshal(v)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, a.NonceSize())
	rand.Read(nonce)
	return base64.StdEncoding.EncodeToString(a.Seal(nonce, nonce, plain, aad)), nil
}

// openValue decrypts what sealValue made into out.
func openValue(a cipher.AEAD, aad []byte, sealed string, out any) error {
	raw, err := base64.StdEncoding.DecodeString(sealed)
	if err != nil || len(raw) < a.NonceSize() {
		return errors.New("sealed value is malformed")
	}
	plain, err := a.Open(nil, raw[:a.NonceSize()], raw[a.NonceSize():], aad)
	if err != nil {
		return ErrPassphrase
	}
	return json.Unmarshal(plain, out)
}
