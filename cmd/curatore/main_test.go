package main

import (
	"bytes"
	"context"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
)

func run(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var out, errb bytes.Buffer
	code := runMain(args, &out, &errb)
	return code, out.String(), errb.String()
}

func TestHelpListsCommands(t *testing.T) {
	code, out, _ := run(t, "--help")
	for _, c := range []string{"serve", "migrate", "version", "extract"} {
		if !strings.Contains(out, c) {
			t.Errorf("help lacks %s", c)
		}
	}
	if code != 0 {
		t.Fatalf("exit %d", code)
	}
	if code, _, errOut := run(t, "nonsense"); code != 2 || !strings.Contains(errOut, "unknown command") {
		t.Fatalf("unknown command: %d %s", code, errOut)
	}
}

func TestMigrateStatusUpStatus(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("DATABASE_URL", "sqlite+aiosqlite:///./data/curatore.db")
	code, out, errOut := run(t, "migrate", "status")
	if code != 0 || !strings.Contains(out, "pending") {
		t.Fatalf("status before: %d %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, "migrate", "up")
	if code != 0 || !strings.Contains(out, "applied 0001_init.sql") || !strings.Contains(out, "backup written") {
		t.Fatalf("up: %d %s %s", code, out, errOut)
	}
	backups, _ := filepath.Glob(filepath.Join(dir, "data", "curatore.db.bak-*"))
	if len(backups) != 1 {
		t.Fatalf("backups: %v", backups)
	}
	if code, out, _ = run(t, "migrate", "up"); code != 0 || !strings.Contains(out, "up to date") {
		t.Fatalf("second up: %s", out)
	}
	code, out, _ = run(t, "migrate", "status")
	if code != 0 || !strings.Contains(out, ", 0 pending") {
		t.Fatalf("status after: %s", out)
	}
}

func TestBadConfigurationIsReported(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("DATABASE_URL", "oracle://nope")
	code, _, errOut := run(t, "migrate", "status")
	if code != 2 || !strings.Contains(errOut, "DATABASE_URL") {
		t.Fatalf("%d %s", code, errOut)
	}
}

func TestVersion(t *testing.T) {
	if code, out, _ := run(t, "version"); code != 0 || !strings.HasPrefix(out, "curatore ") {
		t.Fatal(out)
	}
}

func TestSeedThenGrantAndRevokeSystemAdmin(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("DATABASE_URL", "sqlite:///c.db")
	t.Setenv("BCRYPT_ROUNDS", "4")
	t.Setenv("ADMIN_PASSWORD", "a-long-admin-password")
	if code, out, errOut := run(t, "seed", "--create-admin"); code != 0 {
		t.Fatalf("seed: %d %s %s", code, out, errOut)
	}
	if code, out, _ := run(t, "admin", "revoke", "ADMIN@example.com"); code != 0 || !strings.Contains(out, "= false") {
		t.Fatalf("revoke: %d %s", code, out)
	}
	if code, out, _ := run(t, "admin", "grant", "admin@example.com"); code != 0 || !strings.Contains(out, "= true") {
		t.Fatalf("grant: %d %s", code, out)
	}
	if code, _, errOut := run(t, "admin", "grant", "nobody@example.com"); code != 1 || !strings.Contains(errOut, "no user") {
		t.Fatalf("unknown user: %d %s", code, errOut)
	}
	if code, _, _ := run(t, "admin", "promote", "x"); code != 2 {
		t.Fatal("bad subcommand accepted")
	}
}

func TestSeedAgainKeepsARevokedSystemAdminFlag(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("DATABASE_URL", "sqlite:///c.db")
	t.Setenv("BCRYPT_ROUNDS", "4")
	t.Setenv("ADMIN_PASSWORD", "a-long-admin-password")
	run(t, "seed", "--create-admin")
	run(t, "admin", "revoke", "admin@example.com")
	if code, out, errOut := run(t, "seed", "--create-admin"); code != 0 {
		t.Fatalf("seed again: %d %s %s", code, out, errOut)
	}
	d, err := db.Open(context.Background(), config.DatabaseURL{Engine: db.SQLite, Path: "c.db"}, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var flag bool
	if err := d.QueryRow(context.Background(), "SELECT is_system_admin FROM users WHERE email = 'admin@example.com'").Scan(&flag); err != nil || flag {
		t.Fatalf("system admin flag after seeding again: %v %v", flag, err)
	}
}

// TestAdminResetLinkPrintsAWorkingLink: the printed link's token resets
// the password through the API service.
func TestAdminResetLinkPrintsAWorkingLink(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("DATABASE_URL", "sqlite:///c.db")
	t.Setenv("BCRYPT_ROUNDS", "4")
	t.Setenv("ADMIN_PASSWORD", "a-long-admin-password")
	run(t, "seed", "--create-admin")
	code, out, errOut := run(t, "admin", "reset-link", "Admin@Example.com")
	m := regexp.MustCompile(`/reset-password\?token=([A-Za-z0-9_-]+)`).FindStringSubmatch(out)
	if code != 0 || m == nil {
		t.Fatalf("reset-link: %d %q %q", code, out, errOut)
	}
	if code, _, errOut := run(t, "admin", "reset-link", "nobody@example.com"); code != 1 || !strings.Contains(errOut, "no active user") {
		t.Fatalf("unknown user: %d %s", code, errOut)
	}
	d, err := db.Open(context.Background(), config.DatabaseURL{Engine: db.SQLite, Path: "c.db"}, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer d.Close()
	var n int
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM user_tokens WHERE purpose = 'password_reset' AND used_at IS NULL AND token_hash = ?",
		auth.Digest(m[1])).Scan(&n); err != nil || n != 1 {
		t.Fatalf("the printed token matches %d usable reset tokens, %v", n, err)
	}
	if err := d.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action = 'auth.password_reset_link'").Scan(&n); err != nil || n != 1 {
		t.Fatalf("%d audit rows, %v", n, err)
	}
}

// TestServeRefusesUnauthenticatedRemote: ENABLE_AUTH=false on a
// non-loopback address exits before listening.
func TestServeRefusesUnauthenticatedRemote(t *testing.T) {
	t.Chdir(t.TempDir())
	t.Setenv("ENABLE_AUTH", "false")
	code, _, errOut := run(t, "serve", "--addr", "0.0.0.0:0")
	if code != 1 || !strings.Contains(errOut, "ALLOW_UNAUTHENTICATED_REMOTE") {
		t.Fatalf("serve on 0.0.0.0 without auth: %d %s", code, errOut)
	}
}
