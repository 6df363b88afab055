package storage_test

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/storage"
	"github.com/curatore/curatore/internal/storage/storagetest"
)

func newLocal(t *testing.T) storage.Store {
	s, err := storage.NewLocal(filepath.Join(t.TempDir(), "files"))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func TestLocalConformance(t *testing.T) {
	storagetest.Run(t, newLocal)
}

// A Put that fails leaves no temporary file in the folder, and a Delete
// prunes the folders it emptied.
func TestLocalLeavesNoFiles(t *testing.T) {
	root := filepath.Join(t.TempDir(), "files")
	s, err := storage.NewLocal(root)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := s.Put(ctx, "orgs/o/d/x", strings.NewReader("abc"), 3); !errors.Is(err, context.Canceled) {
		t.Fatalf("Put = %v, want context.Canceled", err)
	}
	if _, err := s.Put(context.Background(), "orgs/o/d/x", strings.NewReader("ab"), 3); err == nil {
		t.Fatal("short Put succeeded")
	}
	if _, err := s.Put(context.Background(), "orgs/o/d/y", strings.NewReader("abc"), 3); err != nil {
		t.Fatal(err)
	}
	if err := s.Delete(context.Background(), "orgs/o/d/y"); err != nil {
		t.Fatal(err)
	}
	var left []string
	filepath.WalkDir(root, func(p string, d os.DirEntry, err error) error {
		if p != root {
			left = append(left, p)
		}
		return err
	})
	if len(left) != 0 {
		t.Errorf("left behind: %v", left)
	}
}

// Keys never reach outside the root, even through a symlink-free path
// that looks like one.
func TestLocalKeysStayUnderRoot(t *testing.T) {
	dir := t.TempDir()
	s, err := storage.NewLocal(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	for _, k := range []string{"../outside", "orgs/../../outside", "/tmp/outside"} {
		if _, err := s.Put(context.Background(), k, strings.NewReader("x"), 1); !errors.Is(err, storage.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v", k, err)
		}
	}
	if _, err := os.Stat(filepath.Join(dir, "outside")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("a file was written outside the root")
	}
}

func TestOpen(t *testing.T) {
	root := filepath.Join(t.TempDir(), "f")
	cfg, err := storage.ConfigFromEnv(func(n string) string {
		return map[string]string{"FILES_ROOT": root}[n]
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := storage.Open(cfg)
	if err != nil {
		t.Fatal(err)
	}
	if l, ok := s.(*storage.Local); !ok || l.Root() != root {
		t.Errorf("Open = %T %v, want local at %s", s, s, root)
	}
	_, err = storage.ConfigFromEnv(func(n string) string {
		return map[string]string{"STORAGE_BACKEND": "s3", "S3_USE_PATH_STYLE": "maybe", "S3_ENDPOINT": "ftp://x"}[n]
	})
	for _, name := range []string{"S3_USE_PATH_STYLE", "S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY_ID", "S3_SECRET_ACCESS_KEY"} {
		if err == nil || !strings.Contains(err.Error(), name) {
			t.Errorf("error %v does not name %s", err, name)
		}
	}
	legacy, err := storage.ConfigFromEnv(func(n string) string {
		return map[string]string{"STORAGE_BACKEND": "redis"}[n]
	})
	if err != nil || legacy.Backend != storage.BackendLocal || legacy.Legacy != "redis" {
		t.Errorf("STORAGE_BACKEND=redis = %+v, %v; want local", legacy, err)
	}
	if _, err := storage.ConfigFromEnv(func(n string) string {
		return map[string]string{"STORAGE_BACKEND": "floppy"}[n]
	}); err == nil || !strings.Contains(err.Error(), "STORAGE_BACKEND") {
		t.Errorf("unknown backend: %v", err)
	}
}
