package storage

import (
	"context"
	"fmt"
	"os"
)

// Checker is implemented by backends that can report their own health
// (the "storage" component of the health report).
type Checker interface {
	// Check returns nil when the store can be written.
	Check(ctx context.Context) error
	// Describe names the backend and where it stores, with no secrets.
	Describe() map[string]any
}

// Check reports whether the root directory is writable, by creating and
// removing a probe file in it.
func (l *Local) Check(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	f, err := os.CreateTemp(l.root, tempPrefix+"probe-*")
	if err != nil {
		return fmt.Errorf("files root %s is not writable: %w", l.root, err)
	}
	f.Close()
	return os.Remove(f.Name())
}

// Describe implements Checker.
func (l *Local) Describe() map[string]any {
	return map[string]any{"backend": BackendLocal, "files_root": l.root}
}

// Describe implements Checker; credentials are never included.
func (s *S3) Describe() map[string]any {
	d := map[string]any{"backend": BackendS3, "endpoint": s.endpoint, "bucket": s.bucket}
	if s.prefix != "" {
		d["key_prefix"] = s.prefix
	}
	return d
}
