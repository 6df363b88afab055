package secret

import (
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
)

// Options say where the keys come from.
type Options struct {
	Key      string   // CURATORE_SECRET_KEY: the current key
	Previous []string // CURATORE_SECRET_KEY_PREVIOUS: older keys that still open
	KeyFile  string   // CURATORE_SECRET_KEY_FILE: one key per line, first is current
	// DefaultFile is where a key file is generated when nothing is
	// configured (beside the embedded database); "" generates nothing.
	DefaultFile string
	// Required refuses to start without a configured key (ENABLE_AUTH=true:
	// a generated key on local disk is not a production setup).
	Required bool
}

// ErrNoKey is returned when a key is required and none is configured.
var ErrNoKey = errors.New("CURATORE_SECRET_KEY (or CURATORE_SECRET_KEY_FILE) is required when ENABLE_AUTH=true: " +
	"it encrypts connection secrets at rest; generate one with `openssl rand -hex 32`")

// Load builds the keyring that o describes. A generated key file is
// announced once, in the log, when it is created.
func Load(o Options) (*Keyring, error) {
	switch {
	case o.Key != "":
		return fromStrings(append([]string{o.Key}, o.Previous...), "CURATORE_SECRET_KEY")
	case o.KeyFile != "":
		return LoadFile(o.KeyFile)
	case o.Required:
		return nil, ErrNoKey
	case o.DefaultFile == "":
		return nil, errors.New("CURATORE_SECRET_KEY (or CURATORE_SECRET_KEY_FILE) is required with PostgreSQL: " +
			"every replica needs the same key to read connection secrets; generate one with `openssl rand -hex 32`")
	}
	if _, err := os.Stat(o.DefaultFile); errors.Is(err, os.ErrNotExist) {
		if err := createKeyFile(o.DefaultFile); err != nil {
			return nil, err
		}
		slog.Warn("generated a secret key for connection secrets; back it up with the database, or set CURATORE_SECRET_KEY",
			"key_file", o.DefaultFile)
	}
	return LoadFile(o.DefaultFile)
}

// LoadFile reads a key file: one key per line, the first current; blank
// lines and lines starting with # are ignored.
func LoadFile(path string) (*Keyring, error) {
	b, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("secret key file: %w", err)
	}
	var keys []string
	for _, line := range strings.Split(string(b), "\n") {
		if line = strings.TrimSpace(line); line != "" && !strings.HasPrefix(line, "#") {
			keys = append(keys, line)
		}
	}
	if len(keys) == 0 {
		return nil, fmt.Errorf("secret key file %s holds no key", path)
	}
	return fromStrings(keys, path)
}

func fromStrings(keys []string, from string) (*Keyring, error) {
	raw := make([][]byte, 0, len(keys))
	for i, k := range keys {
		b, err := ParseKey(k)
		if err != nil {
			return nil, fmt.Errorf("%s: key %d: %w", from, i+1, err)
		}
		raw = append(raw, b)
	}
	return New(raw[0], raw[1:]...)
}

func createKeyFile(path string) error {
	key, err := GenerateKey()
	if err != nil {
		return err
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("secret key file: %w", err)
	}
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return fmt.Errorf("secret key file: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("secret key file: %w", err)
	}
	return f.Close()
}

// PrependKey adds a new current key at the top of a key file, keeping the
// older ones below it (they still open what they sealed), and returns the
// new key's id. The file is replaced atomically with mode 0600.
func PrependKey(path string) (string, error) {
	old, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("secret key file: %w", err)
	}
	key, err := GenerateKey()
	if err != nil {
		return "", err
	}
	tmp := path + ".new"
	if err := os.WriteFile(tmp, []byte(key+"\n"+string(old)), 0o600); err != nil {
		return "", fmt.Errorf("secret key file: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return "", fmt.Errorf("secret key file: %w", err)
	}
	raw, _ := ParseKey(key)
	return KeyID(raw), nil
}
