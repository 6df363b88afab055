package main

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/webhook"
)

// verifier is a webhook receiver on loopback that checks each request's
// signature with the secret it was given when the endpoint was created.
type verifier struct {
	*httptest.Server
	mu       sync.Mutex
	secret   string
	verified []error
}

func newVerifier(t *testing.T) *verifier {
	v := &verifier{}
	v.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		raw, _ := io.ReadAll(r.Body)
		v.mu.Lock()
		defer v.mu.Unlock()
		err := webhook.Verify(v.secret, r.Header.Get(webhook.SignatureHeader), raw, 5*time.Minute, time.Now())
		v.verified = append(v.verified, err)
		if err != nil {
			w.WriteHeader(http.StatusUnauthorized)
		}
	}))
	t.Cleanup(v.Close)
	return v
}

// openApp starts the app on the current environment.
func openApp(t *testing.T) *app.App {
	t.Helper()
	cfg, err := config.Load()
	if err != nil {
		t.Fatal(err)
	}
	a, err := app.New(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	return a
}

// sealUnderOldKey stores a connection secret and a webhook under the
// current key and returns the admin scope, their ids and the signing secret.
func sealUnderOldKey(t *testing.T, rcvURL string) (sc auth.Scope, connID, hookID, signing string) {
	t.Helper()
	ctx := context.Background()
	a := openApp(t)
	defer a.Close()
	o := org.Organization{Name: "Rot", Slug: "rot", IsActive: true}
	if err := a.DB.InTx(ctx, func(q db.Querier) error { return org.Create(ctx, q, &o) }); err != nil {
		t.Fatal(err)
	}
	sc = auth.Scope{OrgID: o.ID, Role: auth.RoleAdmin}
	off := false
	c, err := a.Connections.Create(ctx, sc, connection.CreateInput{Name: "L", Type: "llm", TestOnSave: &off,
		Config: map[string]any{"model": "m", "api_key": "sk-rotate-me"}})
	if err != nil {
		t.Fatal(err)
	}
	ep, signing, err := a.Webhooks.Create(ctx, sc, webhook.CreateInput{URL: rcvURL, Events: []string{webhook.EventJobCompleted}})
	if err != nil {
		t.Fatal(err)
	}
	return sc, c.ID, ep.ID, signing
}

// TestSecretsRotateCoversWebhooks seals a connection secret and a webhook
// signing secret under key A, rotates to key B with A as previous, drops
// A, and checks that both still open: the connection's secret reads back
// and a delivery is signed so that the receiver verifies it.
func TestSecretsRotateCoversWebhooks(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) { rotateCoversWebhooks(t, engine) })
	}
}

func rotateCoversWebhooks(t *testing.T, engine db.Engine) {
	dir := t.TempDir()
	dbURL := "sqlite:///" + filepath.Join(dir, "c.db")
	if engine == db.Postgres {
		dbURL = dbtest.URL(t, db.Postgres).DSN
	}
	keyA, keyB := strings.Repeat("a1", 32), strings.Repeat("b2", 32)
	t.Setenv("DATABASE_URL", dbURL)
	t.Setenv("FILES_ROOT", filepath.Join(dir, "files"))
	t.Setenv("WEBHOOK_ALLOW_PRIVATE", "true")
	t.Setenv("JWT_SECRET_KEY", strings.Repeat("c3", 32)) // required with PostgreSQL
	t.Setenv("CURATORE_SECRET_KEY", keyA)
	rcv := newVerifier(t)
	sc, connID, hookID, signing := sealUnderOldKey(t, rcv.URL)
	rcv.secret = signing

	t.Setenv("CURATORE_SECRET_KEY", keyB)
	t.Setenv("CURATORE_SECRET_KEY_PREVIOUS", keyA)
	out := rotate(t)
	for _, row := range []string{`(?m)^connection\s+1\s+0$`, `(?m)^webhook\s+1\s+0$`} {
		if !regexp.MustCompile(row).MatchString(out) {
			t.Errorf("the table lacks %s:\n%s", row, out)
		}
	}

	t.Setenv("CURATORE_SECRET_KEY_PREVIOUS", "")
	a := openApp(t)
	defer a.Close()
	ctx := context.Background()
	if c, err := a.Connections.Get(ctx, sc, connID); err != nil || c.Secret("api_key") != "sk-rotate-me" {
		t.Errorf("connection under key B alone: %v", err)
	}
	dl, err := a.Webhooks.Ping(ctx, sc, hookID)
	if err != nil || dl.Status != webhook.StatusSucceeded {
		t.Fatalf("delivery under key B alone: %+v, %v", dl, err)
	}
	rcv.mu.Lock()
	verified := append([]error(nil), rcv.verified...)
	rcv.mu.Unlock()
	if len(verified) != 1 || verified[0] != nil {
		t.Errorf("receiver verification: %v", verified)
	}
	var n int
	if err := a.DB.QueryRow(ctx, `SELECT COUNT(*) FROM audit_logs WHERE action = 'webhook.secrets_rotate' AND entity_id = ?`, hookID).Scan(&n); err != nil || n != 1 {
		t.Errorf("webhook rotation audit rows: %d, %v", n, err)
	}
	if out := rotate(t); !strings.Contains(out, "re-encrypted 0 secret(s)") {
		t.Errorf("second run: %s", out)
	}
}

// TestSealedKindsCoverTheSchema checks that every key-id column in the
// schema (a value sealed with the keyring is stored beside the id of its
// key) belongs to a kind the rotation covers.
func TestSealedKindsCoverTheSchema(t *testing.T) {
	d := dbtest.New(t)
	ctx := context.Background()
	rows, err := d.Query(ctx, `SELECT m.name, p.name FROM sqlite_master m, pragma_table_info(m.name) p
		WHERE m.type = 'table' AND p.name LIKE '%key_id'`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	covered := map[string]bool{}
	for _, col := range sealedKinds {
		covered[col.Table+"."+col.KeyID] = true
	}
	found := 0
	for rows.Next() {
		var table, column string
		if err := rows.Scan(&table, &column); err != nil {
			t.Fatal(err)
		}
		found++
		if !covered[table+"."+column] {
			t.Errorf("%s.%s holds key ids but `secrets rotate` does not re-seal that table", table, column)
		}
	}
	if err := rows.Err(); err != nil || found < len(sealedKinds) {
		t.Fatalf("found %d key-id columns (%v)", found, err)
	}
}
