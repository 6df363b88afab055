// Package document holds an organization's documents: the uploaded file
// (streamed to the blob store, type sniffed, SHA-256 recorded, duplicates
// found), its Markdown versions (extracted, optimized, edited) and every
// processing result. Files live in the storage.Store under keys made from
// ids; rows live in the documents, document_versions and
// processing_results tables, each scoped by org_id.
package document

import (
	"context"
	"database/sql"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/storage"
)

// The document statuses.
const (
	StatusUploaded   = "uploaded"
	StatusQueued     = "queued"
	StatusProcessing = "processing"
	StatusCompleted  = "completed"
	StatusFailed     = "failed"
	StatusCancelled  = "cancelled"
)

// Document is an uploaded file and the summary of its latest processing.
type Document struct {
	ID                string
	OrgID             string
	Filename          string
	ContentType       string
	Kind              string // the sniffed type: pdf, docx, …, image
	FileSize          int64
	SHA256            string
	Status            string
	RAGReady          bool  // the effective value (override, else the latest result)
	RAGOverride       *bool // an org admin's decision, nil when none
	RAGOverrideReason string
	RAGOverrideBy     string
	ConversionScore   *float64
	LLMStatus         string
	CurrentVersion    int
	LatestResultID    string
	UploadedBy        string
	UploadedAt        time.Time
	ProcessedAt       *time.Time
	UpdatedAt         time.Time
	// SourceURL is where the file came from (its SharePoint URL); "" for
	// an upload.
	SourceURL string
	// RemoteDeletedAt is when the remote file was seen deleted by a sync.
	RemoteDeletedAt *time.Time
	// DuplicateOf is set on an upload answered with an existing document.
	DuplicateOf string
}

// SourceKey is where a document's original file is stored.
func SourceKey(orgID, docID string) string {
	return storage.OrgKey(orgID, "documents", docID, "source")
}

// VersionKey is where a Markdown version is stored.
func VersionKey(orgID, docID string, n int) string {
	return storage.OrgKey(orgID, "documents", docID, "versions", strconv.Itoa(n)+".md")
}

const columns = `id, org_id, filename, content_type, kind, file_size, sha256, status, rag_ready, rag_override,
	COALESCE(rag_override_reason, ''), COALESCE(rag_override_by, ''), conversion_score, COALESCE(llm_status, ''),
	current_version, COALESCE(latest_result_id, ''), COALESCE(uploaded_by, ''), uploaded_at, processed_at, updated_at,
	COALESCE(source_url, ''), remote_deleted_at`

func scan(row db.Scanner) (Document, error) {
	var d Document
	var override sql.NullBool
	var score sql.NullFloat64
	err := row.Scan(&d.ID, &d.OrgID, &d.Filename, &d.ContentType, &d.Kind, &d.FileSize, &d.SHA256, &d.Status,
		&d.RAGReady, &override, &d.RAGOverrideReason, &d.RAGOverrideBy, &score, &d.LLMStatus, &d.CurrentVersion,
		&d.LatestResultID, &d.UploadedBy, &d.UploadedAt, db.NullTime{T: &d.ProcessedAt}, &d.UpdatedAt, &d.SourceURL,
		db.NullTime{T: &d.RemoteDeletedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Document{}, apperr.NotFoundf("document")
	}
	if override.Valid {
		d.RAGOverride = &override.Bool
	}
	if score.Valid {
		d.ConversionScore = &score.Float64
	}
	d.UploadedAt, d.UpdatedAt = d.UploadedAt.UTC(), d.UpdatedAt.UTC()
	return d, err
}

// Get returns the document id of orgID.
func Get(ctx context.Context, q db.Querier, orgID, id string) (Document, error) {
	return scan(q.QueryRow(ctx, `SELECT `+columns+` FROM documents WHERE org_id = ? AND id = ?`, orgID, id))
}

// GetMany returns the documents of orgID among ids (missing ones are left out).
func GetMany(ctx context.Context, q db.Querier, orgID string, ids []string) (map[string]Document, error) {
	out := map[string]Document{}
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(len(ids), start+500)]
		args := []any{orgID}
		for _, id := range chunk {
			args = append(args, id)
		}
		rows, err := q.Query(ctx, `SELECT `+columns+` FROM documents WHERE org_id = ? AND id IN (`+placeholders(len(chunk))+`)`, args...)
		if err != nil {
			return nil, err
		}
		docs, err := db.Collect(rows, scan)
		if err != nil {
			return nil, err
		}
		for _, d := range docs {
			out[d.ID] = d
		}
	}
	return out, nil
}

// BySHA returns the oldest document of orgID with the digest.
func BySHA(ctx context.Context, q db.Querier, orgID, sha string) (Document, error) {
	return scan(q.QueryRow(ctx, `SELECT `+columns+` FROM documents WHERE org_id = ? AND sha256 = ?
		ORDER BY uploaded_at, id LIMIT 1`, orgID, sha))
}

func insert(ctx context.Context, q db.Querier, d *Document) error {
	_, err := q.Exec(ctx, `INSERT INTO documents (id, org_id, filename, content_type, kind, file_size, sha256, status,
		rag_ready, current_version, uploaded_by, uploaded_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, 0, ?, ?, ?)`,
		d.ID, d.OrgID, d.Filename, d.ContentType, d.Kind, d.FileSize, d.SHA256, d.Status, false,
		db.NullString(d.UploadedBy), d.UploadedAt, d.UpdatedAt)
	return err
}

// SetStatus records a document's processing status.
func SetStatus(ctx context.Context, q db.Querier, orgID, id, status string) error {
	_, err := q.Exec(ctx, `UPDATE documents SET status = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		status, db.Now(), orgID, id)
	return err
}

func placeholders(n int) string {
	return strings.TrimSuffix(strings.Repeat("?, ", n), ", ")
}
