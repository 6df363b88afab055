package app

import (
	"path/filepath"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/netguard"
	"github.com/curatore/curatore/internal/secret"
)

// KeyringFor loads the keyring that seals connection secrets:
// CURATORE_SECRET_KEY or CURATORE_SECRET_KEY_FILE when set. Without either,
// an explicit ENABLE_AUTH=true refuses to start (a deployment that turned
// authentication on manages its key); the embedded default (SQLite, nothing
// configured) generates a key file beside the database; PostgreSQL, whose
// replicas share one database, refuses.
func KeyringFor(cfg *config.Config) (*secret.Keyring, error) {
	c := cfg.Connections
	return secret.Load(secret.Options{Key: c.SecretKey, Previous: c.SecretKeyPrevious, KeyFile: c.SecretKeyFile,
		Required: c.AuthRequested && cfg.EnableAuth, DefaultFile: DefaultKeyFile(cfg)})
}

// DefaultKeyFile is where the embedded default keeps its generated key:
// beside the SQLite database ("" on PostgreSQL, where a file on one
// machine would not be shared by the others).
func DefaultKeyFile(cfg *config.Config) string {
	if cfg.Database.Engine != config.SQLite || cfg.Database.Path == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(cfg.Database.Path), "curatore.secret.key")
}

// buildConnections makes the connection service, its resolver and the
// health reporter.
func (a *App) buildConnections() error {
	keys, err := KeyringFor(a.Config)
	if err != nil {
		return err
	}
	c := a.Config.Connections
	a.Connections = &connection.Service{DB: a.DB, Keys: keys, AutoTest: c.AutoTest,
		Env: connection.TestEnv{Guard: netguard.Policy{AllowPrivate: c.AllowPrivate}}}
	a.ConnectionResolver = &connection.Resolver{Service: a.Connections, Config: a.Config}
	a.ConnectionHealth = &connection.Health{Resolver: a.ConnectionResolver, TTL: c.HealthTTL}
	return nil
}
