package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/storage"
)

func TestStorageCopyUsage(t *testing.T) {
	t.Chdir(t.TempDir())
	for _, args := range [][]string{{"storage"}, {"storage", "move"}, {"storage", "copy"}, {"storage", "copy", "--to", "ftp"}} {
		if code, _, errOut := run(t, args...); code != 2 || !strings.Contains(errOut, "Usage: curatore storage copy") {
			t.Errorf("%v: exit %d, %s", args, code, errOut)
		}
	}
	t.Setenv("S3_ENDPOINT", "")
	if code, _, errOut := run(t, "storage", "copy", "--to", "s3"); code != 1 || !strings.Contains(errOut, "S3_BUCKET") {
		t.Errorf("without S3 settings: exit %d, %s", code, errOut)
	}
}

// TestStorageCopyToS3AndBack moves a deployment's files to the S3 test
// server and back, checking the dry run, the table and the resume.
func TestStorageCopyToS3AndBack(t *testing.T) {
	endpoint := os.Getenv("CURATORE_TEST_S3_ENDPOINT")
	if endpoint == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CURATORE_TEST_S3_ENDPOINT is not set: CI must run the S3 tests (.ci/run starts versitygw)")
		}
		t.Skip("no S3 test server (CURATORE_TEST_S3_*)")
	}
	dir := t.TempDir()
	t.Chdir(dir)
	b := make([]byte, 6)
	rand.Read(b)
	t.Setenv("S3_ENDPOINT", endpoint)
	t.Setenv("S3_BUCKET", os.Getenv("CURATORE_TEST_S3_BUCKET"))
	t.Setenv("S3_ACCESS_KEY_ID", os.Getenv("CURATORE_TEST_S3_ACCESS_KEY_ID"))
	t.Setenv("S3_SECRET_ACCESS_KEY", os.Getenv("CURATORE_TEST_S3_SECRET_ACCESS_KEY"))
	t.Setenv("S3_USE_PATH_STYLE", "true")
	t.Setenv("S3_KEY_PREFIX", "cmdtest-"+hex.EncodeToString(b)+"/")
	t.Setenv("FILES_ROOT", filepath.Join(dir, "files"))
	local, err := storage.NewLocal(filepath.Join(dir, "files"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i, k := range []string{"orgs/o1/d1/original", "orgs/o1/d1/content.md", "orgs/o2/d2/original"} {
		if _, err := local.Put(ctx, k, bytes.NewReader(bytes.Repeat([]byte("x"), 100*(i+1))), -1); err != nil {
			t.Fatal(err)
		}
	}
	code, out, errOut := run(t, "storage", "copy", "--to", "s3", "--dry-run")
	if code != 0 || strings.Count(out, "would") != 3 || !strings.Contains(out, "to copy         3              600") {
		t.Fatalf("dry run: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "storage", "copy", "--to", "s3", "--prefix", "orgs/o1/")
	if code != 0 || strings.Count(out, "copy  ") != 2 || !strings.Contains(out, "orgs/o1/d1/content.md") {
		t.Fatalf("copy o1: exit %d\n%s%s", code, out, errOut)
	}
	code, out, errOut = run(t, "storage", "copy", "--to", "s3")
	if code != 0 || !strings.Contains(out, "copied          1              300") || !strings.Contains(out, "skipped         2") {
		t.Fatalf("resume: exit %d\n%s%s", code, out, errOut)
	}
	// Back to a fresh local folder.
	t.Setenv("FILES_ROOT", filepath.Join(dir, "restored"))
	code, out, errOut = run(t, "storage", "copy", "--to", "local")
	if code != 0 || !strings.Contains(out, "copied          3              600") {
		t.Fatalf("to local: exit %d\n%s%s", code, out, errOut)
	}
	got, err := os.ReadFile(filepath.Join(dir, "restored", "orgs", "o2", "d2", "original"))
	if err != nil || len(got) != 300 {
		t.Fatalf("restored file: %d bytes, %v", len(got), err)
	}
	// Remove what the test put in the bucket.
	s3cfg, _ := storage.ConfigFromEnv(os.Getenv)
	if s3, err := storage.NewS3(s3cfg.S3); err == nil {
		_ = s3.List(ctx, "", func(i storage.Info) error { return s3.Delete(ctx, i.Key) })
	}
}
