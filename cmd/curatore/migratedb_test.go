package main

import (
	"regexp"
	"strings"
	"testing"
)

func TestMigrateDBCommand(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("DATABASE_URL", "sqlite:///./data/src.db")
	t.Setenv("ADMIN_PASSWORD", "a-long-admin-password") // seed refuses a missing one
	if code, _, errOut := run(t, "migrate-db", "--help"); code != 0 || !strings.Contains(errOut, "--dry-run") {
		t.Fatalf("help: %d %s", code, errOut)
	}
	if code, _, _ := run(t, "migrate-db"); code != 2 {
		t.Fatalf("no --to: %d", code)
	}
	if code, out, errOut := run(t, "seed", "--create-admin"); code != 0 {
		t.Fatalf("seed: %s %s", out, errOut)
	}
	code, out, errOut := run(t, "migrate-db", "--to", "sqlite:///./data/dst.db", "--dry-run")
	if code != 0 || !strings.Contains(out, "nothing was changed") || !regexp.MustCompile(`organizations\s+1\s`).MatchString(out) {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, "migrate-db", "--to", "sqlite:///./data/dst.db")
	if code != 0 || !strings.Contains(out, "copied and verified") || strings.Contains(out, "MISMATCH") {
		t.Fatalf("copy: %d %s %s", code, out, errOut)
	}
	if code, out, _ = run(t, "migrate-db", "--to", "sqlite:///./data/dst.db"); code != 1 || !strings.Contains(out, "needs --force") {
		t.Fatalf("second copy: %d %s", code, out)
	}
	if code, out, _ = run(t, "migrate-db", "--to", "sqlite:///./data/dst.db", "--force"); code != 0 {
		t.Fatalf("forced copy: %d %s", code, out)
	}
}
