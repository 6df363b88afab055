package secret_test

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/secret"
)

func key(b byte) []byte { return bytes.Repeat([]byte{b}, 32) }

func TestSealOpenAndRotation(t *testing.T) {
	old, err := secret.New(key(1))
	if err != nil {
		t.Fatal(err)
	}
	id, sealed, err := old.Seal([]byte("sk-plain"), []byte("org1/conn1"))
	if err != nil || id != old.CurrentID() || strings.Contains(sealed, "sk-plain") {
		t.Fatalf("Seal = %q %q %v", id, sealed, err)
	}
	rotated, _ := secret.New(key(2), key(1))
	if rotated.CurrentID() == id {
		t.Fatal("new current key has the old id")
	}
	if p, err := rotated.Open(id, sealed, []byte("org1/conn1")); err != nil || string(p) != "sk-plain" {
		t.Fatalf("previous key: %q %v", p, err)
	}
	if _, err := rotated.Open(id, sealed, []byte("org2/conn1")); !errors.Is(err, secret.ErrDecrypt) {
		t.Fatalf("other aad: %v", err)
	}
	fresh, _ := secret.New(key(2))
	if _, err := fresh.Open(id, sealed, []byte("org1/conn1")); !errors.Is(err, secret.ErrUnknownKey) {
		t.Fatalf("dropped key: %v", err)
	}
	if _, err := old.Open(id, sealed[:len(sealed)-2]+"AA", []byte("org1/conn1")); !errors.Is(err, secret.ErrDecrypt) {
		t.Fatalf("tampered: %v", err)
	}
}

func TestParseKey(t *testing.T) {
	hexKey := strings.Repeat("ab", 32)
	if _, err := secret.ParseKey(hexKey); err != nil {
		t.Fatal(err)
	}
	if _, err := secret.ParseKey("c2hvcnQ="); err == nil {
		t.Fatal("a short key was accepted")
	}
}

func TestLoad(t *testing.T) {
	if _, err := secret.Load(secret.Options{Required: true}); !errors.Is(err, secret.ErrNoKey) {
		t.Fatalf("required: %v", err)
	}
	if _, err := secret.Load(secret.Options{Key: "not-a-key"}); err == nil || strings.Contains(err.Error(), "not-a-key") {
		t.Fatalf("bad key: %v", err)
	}
	k, err := secret.Load(secret.Options{Key: strings.Repeat("01", 32), Previous: []string{strings.Repeat("02", 32)}})
	if err != nil || len(k.IDs()) != 2 {
		t.Fatalf("env keys: %v %v", k, err)
	}
	path := filepath.Join(t.TempDir(), "data", "curatore.secret.key")
	k1, err := secret.Load(secret.Options{DefaultFile: path})
	if err != nil {
		t.Fatal(err)
	}
	st, err := os.Stat(path)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	k2, err := secret.Load(secret.Options{DefaultFile: path})
	if err != nil || k2.CurrentID() != k1.CurrentID() {
		t.Fatalf("second load generated another key: %v", err)
	}
	newID, err := secret.PrependKey(path)
	if err != nil {
		t.Fatal(err)
	}
	k3, err := secret.LoadFile(path)
	if err != nil || k3.CurrentID() != newID || len(k3.IDs()) != 2 || k3.IDs()[1] != k1.CurrentID() {
		t.Fatalf("after PrependKey: %v %v", k3.IDs(), err)
	}
}

func BenchmarkSealOpen(b *testing.B) {
	k, _ := secret.New(key(1))
	plain := []byte(`{"api_key":"sk-0123456789abcdef0123456789abcdef"}`)
	aad := []byte("connection:org/id")
	for b.Loop() {
		id, sealed, err := k.Seal(plain, aad)
		if err != nil {
			b.Fatal(err)
		}
		if _, err := k.Open(id, sealed, aad); err != nil {
			b.Fatal(err)
		}
	}
}
