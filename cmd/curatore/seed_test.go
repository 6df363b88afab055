package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/user"
)

func TestSeedCreateAdminIdempotentAndSilentAboutPassword(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	t.Setenv("DATABASE_URL", "sqlite:///"+path)
	t.Setenv("BCRYPT_ROUNDS", "4")
	const password = "my-own-admin-password"
	t.Setenv("ADMIN_PASSWORD", password)
	for i := 0; i < 2; i++ {
		var out, errOut bytes.Buffer
		if code := runMain([]string{"seed", "--create-admin"}, &out, &errOut); code != 0 {
			t.Fatalf("run %d: exit %d: %s %s", i, code, out.String(), errOut.String())
		}
		if all := out.String() + errOut.String(); strings.Contains(all, password) {
			t.Errorf("run %d printed the password: %s", i, all)
		}
		want := "created"
		if i == 1 {
			want = "already existed"
		}
		if !strings.Contains(out.String(), "admin admin@example.com (username admin, id ") || !strings.Contains(out.String(), want) {
			t.Errorf("run %d output: %s", i, out.String())
		}
	}
	d, err := db.Open(context.Background(), config.DatabaseURL{Engine: db.SQLite, Path: path}, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	u, err := user.ByEmail(context.Background(), d, "admin@example.com")
	if err != nil || !u.IsSystemAdmin || !u.IsVerified || !u.IsActive {
		t.Fatalf("admin %+v %v", u, err)
	}
	ms, _ := user.Memberships(context.Background(), d, u.ID)
	if len(ms) != 1 || ms[0].Role != "org_admin" || ms[0].OrgSlug != "default" {
		t.Fatalf("memberships %+v", ms)
	}
	var orgs int
	_ = d.QueryRow(context.Background(), "SELECT COUNT(*) FROM organizations").Scan(&orgs)
	if orgs != 1 {
		t.Fatalf("%d organizations", orgs)
	}
	var rows int
	_ = d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action IN ('organization.create', 'user.seed_admin')").Scan(&rows)
	if rows != 2 {
		t.Fatalf("%d audit rows for the seed, want 2 (one per creation)", rows)
	}
}

// TestSeedRefusesTheDefaultPassword: without ADMIN_PASSWORD, or with the
// published "changeme", seed --create-admin exits non-zero with the reason
// and creates no administrator.
func TestSeedRefusesTheDefaultPassword(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.db")
	t.Setenv("DATABASE_URL", "sqlite:///"+path)
	t.Setenv("BCRYPT_ROUNDS", "4")
	for _, pw := range []string{"", "changeme", "ChangeMe", "short"} {
		t.Setenv("ADMIN_PASSWORD", pw)
		var out, errOut bytes.Buffer
		code := runMain([]string{"seed", "--create-admin"}, &out, &errOut)
		if code == 0 || !strings.Contains(errOut.String(), "ADMIN_PASSWORD") {
			t.Errorf("ADMIN_PASSWORD=%q: exit %d, stderr %q", pw, code, errOut.String())
		}
	}
	if _, err := os.Stat(path); err == nil {
		d, err := db.Open(context.Background(), config.DatabaseURL{Engine: db.SQLite, Path: path}, db.Options{})
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if _, err := user.ByEmail(context.Background(), d, "admin@example.com"); err == nil {
			t.Fatal("an administrator was created")
		}
	}
}
