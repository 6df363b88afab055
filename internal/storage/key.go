package storage

import (
	"errors"
	"fmt"
	"strings"
)

// ErrInvalidKey is returned for a key (or list prefix) that cannot name an
// object: empty, absolute, with empty, "." or ".." parts, a backslash or a
// control character.
var ErrInvalidKey = errors.New("storage: invalid key")

// tempPrefix starts the name of every temporary file the local backend
// writes; List skips such names and no key part may start with it.
const tempPrefix = ".curatore-tmp-"

// ValidateKey checks that key is a relative, slash-separated name whose
// every part is a plain name. Every backend checks keys the same way, so a
// key that works on local files also works on S3 and back.
func ValidateKey(key string) error {
	if key == "" {
		return fmt.Errorf("%w: empty", ErrInvalidKey)
	}
	return validateParts(key)
}

// validatePrefix checks a List prefix: like a key, but empty is allowed and
// it may end with "/" or in the middle of a part.
func validatePrefix(prefix string) error {
	if prefix == "" {
		return nil
	}
	return validateParts(strings.TrimSuffix(prefix, "/"))
}

func validateParts(key string) error {
	if len(key) > 1024 {
		return fmt.Errorf("%w: longer than 1024 bytes", ErrInvalidKey)
	}
	if strings.HasPrefix(key, "/") {
		return fmt.Errorf("%w: %q is absolute", ErrInvalidKey, key)
	}
	for _, r := range key {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return fmt.Errorf("%w: %q holds a control character or backslash", ErrInvalidKey, key)
		}
	}
	parts := strings.Split(key, "/")
	for _, p := range parts {
		switch {
		case p == "":
			return fmt.Errorf("%w: %q has an empty part", ErrInvalidKey, key)
		case p == "." || p == "..":
			return fmt.Errorf("%w: %q has a %q part", ErrInvalidKey, key, p)
		case strings.HasPrefix(p, tempPrefix):
			return fmt.Errorf("%w: %q uses a reserved name", ErrInvalidKey, key)
		}
	}
	return nil
}
