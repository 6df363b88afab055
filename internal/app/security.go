package app

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io/fs"
	"log/slog"
	"net"
	"os"
	"path/filepath"
	"strings"

	"github.com/curatore/curatore/internal/config"
)

// LoadJWTKey fills in JWT_SECRET_KEY, when it is not set, from the key file
// beside the SQLite database (data/jwt.key), generating a random key there
// (mode 0600) on first use. Tokens then survive restarts without any
// configuration. PostgreSQL installations set JWT_SECRET_KEY (config
// validation requires it when authentication is on).
func LoadJWTKey(cfg *config.Config) error {
	path := cfg.JWTKeyFile()
	if cfg.JWTSecretKey != "" || path == "" {
		return nil
	}
	b, err := os.ReadFile(path)
	if err == nil {
		key := strings.TrimSpace(string(b))
		if len(key) < 32 {
			return fmt.Errorf("JWT key file %s: shorter than 32 bytes; delete it to generate a new one", path)
		}
		if fi, err := os.Stat(path); err == nil && fi.Mode().Perm()&0o077 != 0 {
			slog.Warn("JWT key file is readable by other users; chmod 600 it", "file", path)
		}
		cfg.JWTSecretKey = key
		return nil
	}
	if !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("JWT key file: %w", err)
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return fmt.Errorf("JWT key file: %w", err)
	}
	raw := make([]byte, 32)
	_, _ = rand.Read(raw)
	key := hex.EncodeToString(raw)
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if errors.Is(err, fs.ErrExist) { // another process made it just now
		return LoadJWTKey(cfg)
	}
	if err != nil {
		return fmt.Errorf("JWT key file: %w", err)
	}
	if _, err := f.WriteString(key + "\n"); err != nil {
		f.Close()
		return fmt.Errorf("JWT key file: %w", err)
	}
	if err := f.Close(); err != nil {
		return fmt.Errorf("JWT key file: %w", err)
	}
	slog.Info("generated a JWT signing key (JWT_SECRET_KEY is not set); keep this file private", "file", path)
	cfg.JWTSecretKey = key
	return nil
}

// CheckListenAddr refuses to serve without authentication on an address
// other machines can reach, unless ALLOW_UNAUTHENTICATED_REMOTE=true.
func CheckListenAddr(cfg *config.Config, addr string) error {
	if cfg.EnableAuth || cfg.AllowUnauthenticatedRemote || loopbackAddr(addr) {
		return nil
	}
	return fmt.Errorf("refusing to listen on %s with ENABLE_AUTH=false: anyone who can reach it would administer the default organization; "+
		"listen on 127.0.0.1, turn authentication on, or set ALLOW_UNAUTHENTICATED_REMOTE=true", addr)
}

// loopbackAddr reports whether a listen address is reachable only from
// this machine ("" and 0.0.0.0 are every interface).
func loopbackAddr(addr string) bool {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		host = addr
	}
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(strings.Trim(host, "[]"))
	return ip != nil && ip.IsLoopback()
}

// announceSetup logs, once per start while the server has no user, the
// one-time link that creates the first administrator.
func (a *App) announceSetup(ctx context.Context) error {
	need, err := a.Auth.NeedsSetup(ctx)
	if err != nil || !need {
		return err
	}
	tok, err := a.Auth.NewSetupToken(ctx)
	if err != nil {
		return err
	}
	slog.Warn("no user exists yet: open this one-time link to create the first administrator "+
		"(valid for 1 hour or until used; or run `curatore seed --create-admin`)",
		"setup_url", a.Auth.SetupLink(tok))
	return nil
}
