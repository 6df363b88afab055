// Package storage is the blob store behind every stored file (uploads,
// extracted and edited Markdown): one small interface, streamed in and out,
// with a local-files backend and an S3-compatible one. Keys are made by the
// code (organization id, document id, a fixed name), never taken from user
// input.
package storage

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound is returned by Get and Stat for a key that does not exist.
var ErrNotFound = errors.New("storage: object not found")

// Info describes a stored object.
type Info struct {
	Key      string
	Size     int64
	Modified time.Time
}

// Store is a blob store. Implementations are safe for concurrent use.
type Store interface {
	// Put streams r to key, replacing what was there. It writes to a
	// temporary name first (or a multipart upload) so that a failed or
	// cancelled Put leaves nothing behind and never a half-written object.
	// size is the length when known, -1 otherwise.
	Put(ctx context.Context, key string, r io.Reader, size int64) (Info, error)
	// Get opens key for reading; the caller closes it.
	Get(ctx context.Context, key string) (io.ReadCloser, error)
	// Stat returns key's size and modification time.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes key; deleting a missing key is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every key under prefix, in no particular order
	// (used by storage copy and backups).
	List(ctx context.Context, prefix string, fn func(Info) error) error
}

// OrgKey builds a key under an organization's prefix: "orgs/<orgID>/<parts…>".
// Every part comes from ids the code generated, never from a filename.
func OrgKey(orgID string, parts ...string) string {
	k := "orgs/" + orgID
	for _, p := range parts {
		k += "/" + p
	}
	return k
}
