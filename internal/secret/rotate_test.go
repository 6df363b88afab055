package secret_test

import (
	"context"
	"crypto/rand"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/secret"
)

// rings are keyrings for a rotation from key A to key B.
type rings struct{ a, ba, b *secret.Keyring }

func newRings(t *testing.T) rings {
	t.Helper()
	a, b := make([]byte, secret.KeySize), make([]byte, secret.KeySize)
	rand.Read(a)
	rand.Read(b)
	var r rings
	var err error
	if r.a, err = secret.New(a); err != nil {
		t.Fatal(err)
	}
	if r.ba, err = secret.New(b, a); err != nil {
		t.Fatal(err)
	}
	if r.b, err = secret.New(b); err != nil {
		t.Fatal(err)
	}
	return r
}

// newOrg inserts an organization and returns an admin scope in it.
func newOrg(t *testing.T, d *db.DB, id string) auth.Scope {
	t.Helper()
	now := time.Now().UTC()
	if _, err := d.Exec(context.Background(), `INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, id, id, id, id, now, now); err != nil {
		t.Fatal(err)
	}
	return auth.Scope{OrgID: id, Role: auth.RoleAdmin}
}

// llmConnection stores an llm connection whose api_key is key.
func llmConnection(t *testing.T, svc *connection.Service, sc auth.Scope, key string) string {
	t.Helper()
	off := false
	c, err := svc.Create(context.Background(), sc, connection.CreateInput{Name: "L", Type: "llm", TestOnSave: &off,
		Config: map[string]any{"model": "m", "api_key": key}})
	if err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func setKey(t *testing.T, svc *connection.Service, sc auth.Scope, id, key string) {
	t.Helper()
	off := false
	if _, err := svc.Update(context.Background(), sc, id, connection.UpdateInput{TestOnSave: &off,
		Config: map[string]any{"model": "m", "api_key": key}}); err != nil {
		t.Fatal(err)
	}
}

func apiKey(t *testing.T, svc *connection.Service, sc auth.Scope, id string) string {
	t.Helper()
	c, err := svc.Get(context.Background(), sc, id)
	if err != nil {
		t.Fatal(err)
	}
	return c.Secret("api_key")
}

func auditCount(t *testing.T, d *db.DB, action, id string) int {
	t.Helper()
	var n int
	if err := d.QueryRow(context.Background(), `SELECT COUNT(*) FROM audit_logs WHERE action = ? AND entity_id = ? AND status = 'success'`,
		action, id).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

// onceAfterRead runs fn the first time a row is read for re-sealing.
func onceAfterRead(t *testing.T, fn func()) {
	done := false
	t.Cleanup(secret.SetAfterRead(func(string, string) {
		if !done {
			done = true
			fn()
		}
	}))
}

// A row re-sealed under the current key by a change made while the
// rotation ran is neither overwritten nor counted nor audited as rotated.
func TestRotateSkipsARowChangedMeanwhile(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		r, sc := newRings(t), newOrg(t, d, "org-a")
		id := llmConnection(t, &connection.Service{DB: d, Keys: r.a}, sc, "sk-old")
		current := &connection.Service{DB: d, Keys: r.ba}
		onceAfterRead(t, func() { setKey(t, current, sc, id, "sk-new") })
		got, err := connection.RotateSecrets(context.Background(), d, r.ba)
		if err != nil || got.Rotated != 0 || got.Skipped != 1 {
			t.Fatalf("rotation = %+v, %v; want 0 rotated, 1 skipped", got, err)
		}
		if n := auditCount(t, d, "connection.secrets_rotate", id); n != 0 {
			t.Errorf("%d rotation audit rows for a row the rotation did not write", n)
		}
		if k := apiKey(t, &connection.Service{DB: d, Keys: r.b}, sc, id); k != "sk-new" {
			t.Errorf("after the rotation, under key B alone: %q, want the change's sk-new", k)
		}
	})
}

// A row changed meanwhile by a replica still sealing under the old key is
// read again and its new value re-sealed, not replaced by the old one.
func TestRotateRetriesARowChangedUnderTheOldKey(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		r, sc := newRings(t), newOrg(t, d, "org-a")
		old := &connection.Service{DB: d, Keys: r.a}
		id := llmConnection(t, old, sc, "sk-old")
		onceAfterRead(t, func() { setKey(t, old, sc, id, "sk-mid") })
		got, err := connection.RotateSecrets(context.Background(), d, r.ba)
		if err != nil || got.Rotated != 1 || got.Skipped != 0 {
			t.Fatalf("rotation = %+v, %v; want 1 rotated", got, err)
		}
		if n := auditCount(t, d, "connection.secrets_rotate", id); n != 1 {
			t.Errorf("%d rotation audit rows, want 1", n)
		}
		if k := apiKey(t, &connection.Service{DB: d, Keys: r.b}, sc, id); k != "sk-mid" {
			t.Errorf("after the rotation, under key B alone: %q, want the change's sk-mid", k)
		}
	})
}
