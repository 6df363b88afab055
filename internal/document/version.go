package document

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/storage"
)

// The version kinds.
const (
	KindExtracted = "extracted"
	KindOptimized = "optimized"
	KindEdited    = "edited"
)

// Version is one stored Markdown version of a document.
type Version struct {
	ID         string
	DocumentID string
	Number     int // 1, 2, … in the order they were made
	Kind       string
	Size       int64
	Pages      []pipeline.PageRef
	JobID      string
	Note       string // e.g. the improvement prompt of an edit
	// Rejected says why a version must not become current (an optimized
	// rewrite that dropped facts: "facts_dropped"); "" for usable ones.
	Rejected  string
	CreatedBy string
	CreatedAt time.Time
	Key       string // storage key
}

const versionColumns = `id, document_id, number, kind, size, pages, COALESCE(job_id, ''), COALESCE(note, ''),
	COALESCE(rejected, ''), COALESCE(created_by, ''), created_at, storage_key`

func scanVersion(row db.Scanner) (Version, error) {
	var v Version
	var pages db.JSON[[]pipeline.PageRef]
	err := row.Scan(&v.ID, &v.DocumentID, &v.Number, &v.Kind, &v.Size, &pages, &v.JobID, &v.Note, &v.Rejected, &v.CreatedBy,
		&v.CreatedAt, &v.Key)
	if errors.Is(err, sql.ErrNoRows) {
		return Version{}, apperr.NotFoundf("version")
	}
	v.Pages, v.CreatedAt = pages.V, v.CreatedAt.UTC()
	return v, err
}

// Versions lists a document's versions, oldest first.
func Versions(ctx context.Context, q db.Querier, orgID, docID string) ([]Version, error) {
	rows, err := q.Query(ctx, `SELECT `+versionColumns+` FROM document_versions WHERE org_id = ? AND document_id = ?
		ORDER BY number`, orgID, docID)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scanVersion)
}

// VersionByNumber returns version n of a document; n = 0 is the current
// one (the latest that is not rejected).
func VersionByNumber(ctx context.Context, q db.Querier, orgID, docID string, n int) (Version, error) {
	if n == 0 {
		return scanVersion(q.QueryRow(ctx, `SELECT `+versionColumns+` FROM document_versions
			WHERE org_id = ? AND document_id = ? AND rejected IS NULL ORDER BY number DESC LIMIT 1`, orgID, docID))
	}
	return scanVersion(q.QueryRow(ctx, `SELECT `+versionColumns+` FROM document_versions
		WHERE org_id = ? AND document_id = ? AND number = ?`, orgID, docID, n))
}

// NewVersion is a Markdown version to store.
type NewVersion struct {
	Kind      string
	Markdown  string
	Pages     []pipeline.PageRef
	JobID     string
	Note      string
	Rejected  string
	CreatedBy string
}

// PutVersionFiles writes the Markdown of each version to the blob store
// under a fresh id and returns the rows to insert with InsertVersions (in
// the transaction that records the run). On error nothing is left behind.
func PutVersionFiles(ctx context.Context, files storage.Store, orgID, docID string, nv []NewVersion) ([]Version, error) {
	out := make([]Version, 0, len(nv))
	for _, n := range nv {
		v := Version{ID: db.NewID(), DocumentID: docID, Kind: n.Kind, Pages: n.Pages, JobID: n.JobID, Note: n.Note,
			Rejected: n.Rejected, CreatedBy: n.CreatedBy, Size: int64(len(n.Markdown))}
		v.Key = storage.OrgKey(orgID, "documents", docID, "versions", v.ID+".md")
		if _, err := files.Put(ctx, v.Key, strings.NewReader(n.Markdown), v.Size); err != nil {
			RemoveFiles(ctx, files, out)
			return nil, fmt.Errorf("store version: %w", err)
		}
		out = append(out, v)
	}
	return out, nil
}

// RemoveFiles deletes the files of versions whose rows were not stored.
func RemoveFiles(ctx context.Context, files storage.Store, vs []Version) {
	for _, v := range vs {
		_ = files.Delete(context.WithoutCancel(ctx), v.Key)
	}
}

// InsertVersions numbers and records versions after the document's last
// one, and makes the last usable one the current version.
func InsertVersions(ctx context.Context, q db.Querier, orgID, docID string, vs []Version) error {
	if len(vs) == 0 {
		return nil
	}
	var cur int
	if err := q.QueryRow(ctx, `SELECT COALESCE(MAX(number), 0) FROM document_versions WHERE org_id = ? AND document_id = ?`,
		orgID, docID).Scan(&cur); err != nil {
		return err
	}
	now := db.Now()
	current := 0
	for i := range vs {
		cur++
		if vs[i].Rejected == "" {
			current = cur
		}
		vs[i].Number, vs[i].CreatedAt = cur, now
		v := vs[i]
		if _, err := q.Exec(ctx, `INSERT INTO document_versions (id, org_id, document_id, number, kind, storage_key, size,
			pages, job_id, note, rejected, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			v.ID, orgID, docID, v.Number, v.Kind, v.Key, v.Size, db.JSON[[]pipeline.PageRef]{V: v.Pages},
			db.NullString(v.JobID), db.NullString(v.Note), db.NullString(v.Rejected), db.NullString(v.CreatedBy), now); err != nil {
			return err
		}
	}
	if current == 0 {
		return nil
	}
	_, err := q.Exec(ctx, `UPDATE documents SET current_version = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		current, now, orgID, docID)
	return err
}

// ReadVersion returns a version's Markdown.
func ReadVersion(ctx context.Context, files storage.Store, v Version) (string, error) {
	rc, err := files.Get(ctx, v.Key)
	if err != nil {
		return "", fmt.Errorf("read version %d: %w", v.Number, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	return string(b), err
}
