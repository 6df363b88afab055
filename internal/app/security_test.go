package app

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/config"
)

// lockedBuffer is a log destination safe for concurrent writers.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

func captureLog(t *testing.T) *lockedBuffer {
	buf := &lockedBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(buf, nil)))
	t.Cleanup(func() { slog.SetDefault(prev) })
	return buf
}

// TestSecureByDefault: with no configuration at all, authentication is on,
// a private signing key is generated beside the database (and reused at
// the next start), and the first start with no users logs a one-time setup
// link; with a user, nothing is logged.
func TestSecureByDefault(t *testing.T) {
	logs := captureLog(t)
	dir := t.TempDir()
	vars := map[string]string{"DATABASE_URL": "sqlite:///" + dir + "/c.db", "BCRYPT_ROUNDS": "4"}
	cfg, err := config.FromMap(vars)
	if err != nil {
		t.Fatal(err)
	}
	if !cfg.EnableAuth {
		t.Fatal("authentication is off by default")
	}
	a, err := New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	keyFile := filepath.Join(dir, "jwt.key")
	fi, err := os.Stat(keyFile)
	if err != nil || fi.Mode().Perm() != 0o600 || len(cfg.JWTSecretKey) < 32 {
		t.Fatalf("key file: %v %v, key %d bytes", fi, err, len(cfg.JWTSecretKey))
	}
	m := regexp.MustCompile(`setup_url="?\S+/setup\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(logs.String())
	if m == nil || strings.Count(logs.String(), "setup_url=") != 1 {
		t.Fatalf("no single setup link in the log:\n%s", logs.String())
	}
	st, err := a.Auth.SetupStatus(context.Background(), m[1])
	if err != nil || !st.Required || !st.TokenValid {
		t.Fatalf("setup status %+v %v", st, err)
	}
	a.Close()
	// Restart: the same key; the earlier link is replaced by a new one.
	cfg2, _ := config.FromMap(vars)
	a2, err := New(context.Background(), cfg2)
	if err != nil {
		t.Fatal(err)
	}
	defer a2.Close()
	if cfg2.JWTSecretKey != cfg.JWTSecretKey {
		t.Fatal("the key changed at restart")
	}
	if st, _ := a2.Auth.SetupStatus(context.Background(), m[1]); st.TokenValid {
		t.Fatal("the first start's link still works after a restart")
	}
}

func TestUnauthenticatedModeStaysOnLoopback(t *testing.T) {
	off, _ := config.FromMap(map[string]string{"ENABLE_AUTH": "false"})
	for addr, ok := range map[string]bool{"127.0.0.1:8000": true, "localhost:8000": true, "[::1]:80": true,
		"0.0.0.0:8000": false, ":8000": false, "192.0.2.10:8000": false} {
		if err := CheckListenAddr(off, addr); (err == nil) != ok {
			t.Errorf("ENABLE_AUTH=false on %s: %v", addr, err)
		}
	}
	remote, _ := config.FromMap(map[string]string{"ENABLE_AUTH": "false", "ALLOW_UNAUTHENTICATED_REMOTE": "true"})
	on, _ := config.FromMap(nil)
	for _, c := range []*config.Config{remote, on} {
		if err := CheckListenAddr(c, "0.0.0.0:8000"); err != nil {
			t.Errorf("%v", err)
		}
	}
}
