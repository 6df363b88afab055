package health_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/storage"
)

func TestStorageCheck(t *testing.T) {
	root := filepath.Join(t.TempDir(), "files")
	s, err := storage.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	check := health.Storage(s)
	r := check(context.Background())
	if r.Status != health.Healthy || r.Details["backend"] != "local" || r.Details["files_root"] != root {
		t.Fatalf("report = %+v, want healthy local at %s", r, root)
	}
	// The folder gone and a file in its place: nothing can be written.
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(root, []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	if r := check(context.Background()); r.Status != health.Unhealthy {
		t.Errorf("report = %+v, want unhealthy", r)
	}
}
