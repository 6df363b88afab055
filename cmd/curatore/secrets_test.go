package main

import (
	"bytes"
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/secret"
)

// newConnection starts the app on the configured database, stores one llm
// connection with a secret, and returns its id and organization.
func newConnection(t *testing.T) (orgID, id string) {
	t.Helper()
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	o := org.Organization{Name: "Rot", Slug: "rot", IsActive: true}
	if err := a.DB.InTx(context.Background(), func(q db.Querier) error { return org.Create(context.Background(), q, &o) }); err != nil {
		t.Fatal(err)
	}
	off := false
	c, err := a.Connections.Create(context.Background(), auth.Scope{OrgID: o.ID, Role: auth.RoleAdmin},
		connection.CreateInput{Name: "L", Type: "llm", TestOnSave: &off, Config: map[string]any{"model": "m", "api_key": "sk-rotate-me"}})
	if err != nil {
		t.Fatal(err)
	}
	return o.ID, c.ID
}

// secretNow reopens the app with the current configuration and reads the
// connection's secret and key id.
func secretNow(t *testing.T, orgID, id string) (string, string) {
	t.Helper()
	cfg, _ := config.Load()
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	defer a.Close()
	c, err := a.Connections.Get(context.Background(), auth.Scope{OrgID: orgID}, id)
	if err != nil {
		t.Fatal(err)
	}
	var keyID string
	_ = a.DB.QueryRow(context.Background(), "SELECT secrets_key_id FROM connections WHERE id = ?", id).Scan(&keyID)
	return c.Secret("api_key"), keyID
}

func rotate(t *testing.T, args ...string) string {
	t.Helper()
	var out, errOut bytes.Buffer
	if code := runMain(append([]string{"secrets", "rotate"}, args...), &out, &errOut); code != 0 {
		t.Fatalf("exit %d: %s %s", code, out.String(), errOut.String())
	}
	return out.String()
}

func TestSecretsRotateWithGeneratedKeyFile(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("DATABASE_URL", "sqlite:///"+filepath.Join(dir, "c.db"))
	orgID, id := newConnection(t)
	old, _ := secret.LoadFile(filepath.Join(dir, "curatore.secret.key"))
	out := rotate(t, "--generate")
	ring, err := secret.LoadFile(filepath.Join(dir, "curatore.secret.key"))
	if err != nil || ring.CurrentID() == old.CurrentID() || !strings.Contains(out, "re-encrypted 1 secret(s) under key "+ring.CurrentID()) {
		t.Fatalf("rotate: %s (%v)", out, err)
	}
	if s, keyID := secretNow(t, orgID, id); s != "sk-rotate-me" || keyID != ring.CurrentID() {
		t.Fatalf("after rotation: %q under %s", s, keyID)
	}
	if out := rotate(t); !strings.Contains(out, "re-encrypted 0") {
		t.Fatalf("second run: %s", out)
	}
}

func TestSecretsRotateWithEnvironmentKeys(t *testing.T) {
	t.Setenv("DATABASE_URL", "sqlite:///"+filepath.Join(t.TempDir(), "c.db"))
	oldKey, newKey := strings.Repeat("aa", 32), strings.Repeat("bb", 32)
	t.Setenv("CURATORE_SECRET_KEY", oldKey)
	orgID, id := newConnection(t)
	t.Setenv("CURATORE_SECRET_KEY", newKey)
	t.Setenv("CURATORE_SECRET_KEY_PREVIOUS", oldKey)
	rotate(t)
	t.Setenv("CURATORE_SECRET_KEY_PREVIOUS", "")
	newRaw, _ := secret.ParseKey(newKey)
	if s, keyID := secretNow(t, orgID, id); s != "sk-rotate-me" || keyID != secret.KeyID(newRaw) {
		t.Fatalf("after rotation without the old key: %q under %s", s, keyID)
	}
	var out, errOut bytes.Buffer
	if code := runMain([]string{"secrets", "rotate", "--generate"}, &out, &errOut); code != 2 {
		t.Fatalf("--generate with an environment key: exit %d", code)
	}
}

func TestStartupRefusesAuthWithoutSecretKey(t *testing.T) {
	cfg, err := config.FromMap(map[string]string{"ENABLE_AUTH": "true", "JWT_SECRET_KEY": "3f9a1c0b7e5d2a4f6b8c0e1d3a5f7b9c",
		"DATABASE_URL": "sqlite:///" + filepath.Join(t.TempDir(), "c.db")})
	if err != nil {
		t.Fatal(err)
	}
	_, err = app.New(context.Background(), cfg)
	if err == nil || !strings.Contains(err.Error(), "CURATORE_SECRET_KEY") || !strings.Contains(err.Error(), "ENABLE_AUTH=true") {
		t.Fatalf("err = %v", err)
	}
	// PostgreSQL has no local place for a generated key.
	pg, err := config.FromMap(map[string]string{"ENABLE_AUTH": "false", "DATABASE_URL": "postgresql://u@db.internal/x"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := app.KeyringFor(pg); err == nil || !strings.Contains(err.Error(), "required with PostgreSQL") {
		t.Fatalf("postgres: %v", err)
	}
	// The embedded default generates one.
	def, _ := config.FromMap(map[string]string{"DATABASE_URL": "sqlite:///" + filepath.Join(t.TempDir(), "c.db")})
	if _, err := app.KeyringFor(def); err != nil {
		t.Fatalf("embedded default: %v", err)
	}
}
