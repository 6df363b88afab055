package storage_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"io"
	"os"
	"strings"
	"testing"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/curatore/curatore/internal/storage"
	"github.com/curatore/curatore/internal/storage/storagetest"
)

// s3Config is the test server from CURATORE_TEST_S3_* (.ci/run starts a
// local versitygw and sets them). Without it the S3 tests skip, except
// under CI=true, where a missing server is a failure.
func s3Config(t testing.TB) storage.S3Config {
	t.Helper()
	c := storage.S3Config{
		Endpoint:        os.Getenv("CURATORE_TEST_S3_ENDPOINT"),
		Bucket:          os.Getenv("CURATORE_TEST_S3_BUCKET"),
		Region:          "us-east-1",
		AccessKeyID:     os.Getenv("CURATORE_TEST_S3_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("CURATORE_TEST_S3_SECRET_ACCESS_KEY"),
		UsePathStyle:    true,
		PartSize:        5 << 20,
	}
	if c.Endpoint == "" || c.Bucket == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CURATORE_TEST_S3_ENDPOINT and CURATORE_TEST_S3_BUCKET are not set: CI must run the S3 suite (.ci/run starts versitygw)")
		}
		t.Skip("no S3 test server: set CURATORE_TEST_S3_ENDPOINT, _BUCKET, _ACCESS_KEY_ID, _SECRET_ACCESS_KEY")
	}
	return c
}

// newS3Bench is newS3 for benchmarks.
func newS3Bench(b *testing.B) storage.Store {
	s, _ := newS3With(b)
	return s
}

// newS3 returns a store on the test bucket under a fresh key prefix, and
// removes what the test left there when it ends.
func newS3(t *testing.T) storage.Store {
	t.Helper()
	s, _ := newS3With(t)
	return s
}

// newS3With is newS3 that also returns the store's configuration.
func newS3With(t testing.TB) (*storage.S3, storage.S3Config) {
	t.Helper()
	c := s3Config(t)
	b := make([]byte, 6)
	rand.Read(b)
	c.Prefix = "test-" + hex.EncodeToString(b) + "/"
	s, err := storage.NewS3(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(context.Background()); err != nil {
		t.Fatalf("S3 test server: %v", err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		_ = s.List(ctx, "", func(i storage.Info) error { return s.Delete(ctx, i.Key) })
	})
	return s, c
}

func TestS3Conformance(t *testing.T) {
	storagetest.RunWith(t, newS3, storagetest.Options{BigSize: 24 << 20})
}

// A cancelled multipart upload is aborted: no parts stay on the server.
func TestS3CancelledUploadIsAborted(t *testing.T) {
	s, c := newS3With(t)
	ctx, cancel := context.WithCancel(context.Background())
	r := io.LimitReader(&cancelAfter{n: 12 << 20, cancel: cancel}, 20<<20)
	if _, err := s.Put(ctx, "orgs/o/big", r, -1); err == nil {
		t.Fatal("cancelled Put succeeded")
	}
	client, err := minio.New(strings.TrimPrefix(c.Endpoint, "http://"), &minio.Options{
		Creds:        credentials.NewStaticV4(c.AccessKeyID, c.SecretAccessKey, ""),
		Region:       c.Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatal(err)
	}
	for u := range client.ListIncompleteUploads(context.Background(), c.Bucket, c.Prefix, true) {
		if u.Err != nil {
			t.Fatal(u.Err)
		}
		t.Errorf("incomplete upload left: %s", u.Key)
	}
}

// A store on a bucket that does not exist is reported by Check.
func TestS3CheckMissingBucket(t *testing.T) {
	c := s3Config(t)
	c.Bucket = "curatore-no-such-bucket"
	s, err := storage.NewS3(c)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Check(context.Background()); err == nil {
		t.Error("Check on a missing bucket passed")
	}
	c = s3Config(t)
	c.SecretAccessKey = "wrong-secret"
	s, _ = storage.NewS3(c)
	if err := s.Check(context.Background()); err == nil {
		t.Error("Check with a wrong secret passed")
	}
}

// cancelAfter yields bytes and cancels its context after n of them.
type cancelAfter struct {
	n, read int64
	cancel  context.CancelFunc
}

func (r *cancelAfter) Read(p []byte) (int, error) {
	if r.read >= r.n {
		r.cancel()
	}
	r.read += int64(len(p))
	return len(p), nil
}
