package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestImportEnvCommand runs import-env on the reference system's .env
// twice: the second run changes nothing.
func TestImportEnvCommand(t *testing.T) {
	env, err := os.ReadFile(filepath.Join("..", "..", "internal", "envimport", "testdata", "reference.env"))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	t.Chdir(dir)
	if err := os.WriteFile(".env", env, 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DATABASE_URL", "sqlite:///./data/curatore.db") // the file's /app paths are the container's
	t.Setenv("FILES_ROOT", "./data/files")
	if code, _, errOut := run(t, "import-env", "--help"); code != 0 || !strings.Contains(errOut, "EXTRACTION_PRIORITY") {
		t.Fatalf("help: %d %s", code, errOut)
	}
	run(t, "migrate", "up")
	code, out, errOut := run(t, "import-env", "--dry-run")
	if code != 0 || !strings.Contains(out, "dry run, nothing changed: 13 created") {
		t.Fatalf("dry run: %d %s %s", code, out, errOut)
	}
	code, out, errOut = run(t, "import-env")
	if code != 0 || !strings.Contains(out, "done: 13 created, 0 unchanged, 0 conflicts, 0 skipped") ||
		!strings.Contains(out, "OpenAI (from ENV)") || strings.Contains(out, "sk-reference") {
		t.Fatalf("import: %d %s %s", code, out, errOut)
	}
	if code, out, _ = run(t, "import-env"); code != 0 || !strings.Contains(out, "done: 0 created, 13 unchanged, 0 conflicts") {
		t.Fatalf("second run: %d %s", code, out)
	}
	t.Log(out)
}
