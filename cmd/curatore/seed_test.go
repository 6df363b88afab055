package main

import (
	"bytes"
	"context"
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
	t.Setenv("ADMIN_PASSWORD", "changeme")
	for i := 0; i < 2; i++ {
		var out, errOut bytes.Buffer
		if code := runMain([]string{"seed", "--create-admin"}, &out, &errOut); code != 0 {
			t.Fatalf("run %d: exit %d: %s %s", i, code, out.String(), errOut.String())
		}
		all := out.String() + errOut.String()
		if strings.Contains(all, "changeme\n") || strings.Contains(out.String(), "changeme") {
			t.Errorf("run %d printed the password: %s", i, all)
		}
		if !strings.Contains(errOut.String(), "WARNING") {
			t.Errorf("run %d: no warning about the default password", i)
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
