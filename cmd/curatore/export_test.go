package main

import (
	"os"
	"strings"
	"testing"
)

func TestExportImportCommands(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	t.Setenv("DATABASE_URL", "sqlite:///./a.db")
	t.Setenv("ADMIN_PASSWORD", "a-long-admin-password")
	for _, c := range []string{"export", "import"} {
		if code, _, errOut := run(t, c, "--help"); code != 0 || !strings.Contains(errOut, "--dry-run") {
			t.Fatalf("%s help: %d %s", c, code, errOut)
		}
	}
	if code, out, errOut := run(t, "seed", "--create-admin"); code != 0 {
		t.Fatalf("seed: %s %s", out, errOut)
	}
	os.WriteFile("pass", []byte("short\n"), 0o600)
	if code, _, errOut := run(t, "export", "--org", "default", "--include-secrets", "--passphrase-file", "pass"); code != 2 || !strings.Contains(errOut, "12 characters") {
		t.Fatalf("short passphrase: %d %s", code, errOut)
	}
	code, out, errOut := run(t, "export", "--org", "default", "--out", "org.json")
	if code != 0 || !strings.Contains(errOut, "users         1") {
		t.Fatalf("export: %d %s %s", code, out, errOut)
	}
	t.Setenv("DATABASE_URL", "sqlite:///./b.db")
	run(t, "migrate", "up")
	code, out, errOut = run(t, "import", "--dry-run", "org.json")
	if code != 0 || !strings.Contains(out, "dry run, nothing changed: 3 created") {
		t.Fatalf("import dry run: %d %s %s", code, out, errOut)
	}
	if code, out, errOut = run(t, "import", "org.json"); code != 0 || !strings.Contains(out, "done: 3 created") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	if code, out, _ = run(t, "import", "org.json"); code != 0 || !strings.Contains(out, "done: 0 created, 3 unchanged, 0 conflicts") {
		t.Fatalf("second import: %d %s", code, out)
	}
}
