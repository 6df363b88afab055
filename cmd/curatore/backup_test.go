package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

func TestBackupAndRestoreCommands(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("DATABASE_URL", "sqlite:///./a/curatore.db")
	t.Setenv("FILES_ROOT", "./a/files")
	t.Setenv("ADMIN_PASSWORD", "a-long-admin-password")
	if code, _, errOut := run(t, "backup", "--help"); code != 0 || !strings.Contains(errOut, "VACUUM INTO") {
		t.Fatalf("backup help: %d %s", code, errOut)
	}
	if code, _, errOut := run(t, "restore", "--help"); code != 0 || !strings.Contains(errOut, "must be empty") {
		t.Fatalf("restore help: %d %s", code, errOut)
	}
	if code, out, errOut := run(t, "seed", "--create-admin"); code != 0 {
		t.Fatalf("seed: %s %s", out, errOut)
	}
	os.MkdirAll(filepath.Join("a", "files", "orgs", "x"), 0o750)
	os.WriteFile(filepath.Join("a", "files", "orgs", "x", "doc.md"), []byte("# stored"), 0o600)
	code, out, errOut := run(t, "backup", "--dry-run", "--out", "b.tar.gz")
	if code != 0 || !strings.Contains(out, "1 stored files (8 bytes)") {
		t.Fatalf("backup dry run: %d %s %s", code, out, errOut)
	}
	if _, err := os.Stat("b.tar.gz"); !os.IsNotExist(err) {
		t.Fatal("dry run wrote the archive")
	}
	if code, out, errOut = run(t, "backup", "--out", "b.tar.gz"); code != 0 || !strings.Contains(out, "backup written to") {
		t.Fatalf("backup: %d %s %s", code, out, errOut)
	}
	// Into a second, empty deployment.
	t.Setenv("DATABASE_URL", "sqlite:///./b/curatore.db")
	t.Setenv("FILES_ROOT", "./b/files")
	if code, out, errOut = run(t, "restore", "--dry-run", "b.tar.gz"); code != 0 || !strings.Contains(out, "would restore") {
		t.Fatalf("restore dry run: %d %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, "restore", "b.tar.gz")
	if code != 0 || strings.Contains(out, "MISMATCH") || !regexp.MustCompile(`organizations\s+1\s+1\s+ok`).MatchString(out) {
		t.Fatalf("restore: %d %s %s", code, out, errOut)
	}
	if b, err := os.ReadFile(filepath.Join("b", "files", "orgs", "x", "doc.md")); err != nil || string(b) != "# stored" {
		t.Fatalf("restored file: %q %v", b, err)
	}
	if code, _, errOut = run(t, "restore", "b.tar.gz"); code != 1 || !strings.Contains(errOut, "not empty") {
		t.Fatalf("restore again: %d %s", code, errOut)
	}
}
