package document

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/storage"
)

// ActiveJobCanceller cancels a document's queued or running job inside the
// transaction that deletes the document (the job queue implements it).
type ActiveJobCanceller interface {
	CancelActiveTx(ctx context.Context, q db.Querier, orgID, docID, reason string) (jobID string, err error)
}

// Service holds the rules for documents. Every method takes the caller's
// scope first; the organization comes from the scope only.
type Service struct {
	DB          *db.DB
	Files       storage.Store
	MaxFileSize int64
	// SizeLimit, when set, gives an organization's upload limit (its
	// max_file_size setting); MaxFileSize otherwise.
	SizeLimit func(ctx context.Context, orgID string) (int64, error)
	Jobs      ActiveJobCanceller // may be nil (no queue)
}

// limit returns the upload size limit of orgID.
func (s *Service) limit(ctx context.Context, orgID string) (int64, error) {
	if s.SizeLimit == nil {
		return s.MaxFileSize, nil
	}
	n, err := s.SizeLimit(ctx, orgID)
	if err != nil || n <= 0 {
		return s.MaxFileSize, err
	}
	return n, nil
}

// Get returns one of the caller's documents.
func (s *Service) Get(ctx context.Context, sc auth.Scope, id string) (Document, error) {
	return Get(ctx, s.DB, sc.OrgID, id)
}

// List returns a page of the caller's documents.
func (s *Service) List(ctx context.Context, sc auth.Scope, f Filter) (Page, error) {
	return List(ctx, s.DB, sc.OrgID, f)
}

// LatestResults returns the latest result of each document that has one.
func (s *Service) LatestResults(ctx context.Context, sc auth.Scope, docs []Document) (map[string]StoredResult, error) {
	out := map[string]StoredResult{}
	for _, d := range docs {
		if d.LatestResultID == "" {
			continue
		}
		r, err := scanResult(s.DB.QueryRow(ctx, `SELECT `+resultColumns+` FROM processing_results WHERE org_id = ? AND id = ?`,
			sc.OrgID, d.LatestResultID))
		if err != nil && !errors.Is(err, apperr.NotFound) {
			return nil, err
		}
		if err == nil {
			out[d.ID] = r
		}
	}
	return out, nil
}

// OpenSource opens the original file of a document.
func (s *Service) OpenSource(ctx context.Context, sc auth.Scope, id string) (Document, io.ReadCloser, error) {
	d, err := Get(ctx, s.DB, sc.OrgID, id)
	if err != nil {
		return Document{}, nil, err
	}
	rc, err := s.Files.Get(ctx, SourceKey(sc.OrgID, id))
	if errors.Is(err, storage.ErrNotFound) {
		return Document{}, nil, apperr.New(apperr.NotFound, "file_not_found", "the document's file is missing from storage")
	}
	return d, rc, err
}

// Versions lists a document's versions.
func (s *Service) Versions(ctx context.Context, sc auth.Scope, id string) ([]Version, error) {
	if _, err := Get(ctx, s.DB, sc.OrgID, id); err != nil {
		return nil, err
	}
	return Versions(ctx, s.DB, sc.OrgID, id)
}

// Markdown returns version n of a document (0: the current one) and its text.
func (s *Service) Markdown(ctx context.Context, sc auth.Scope, id string, n int) (Document, Version, string, error) {
	d, err := Get(ctx, s.DB, sc.OrgID, id)
	if err != nil {
		return Document{}, Version{}, "", err
	}
	v, err := VersionByNumber(ctx, s.DB, sc.OrgID, id, n)
	if errors.Is(err, apperr.NotFound) && n == 0 {
		return Document{}, Version{}, "", apperr.New(apperr.NotFound, "content_not_found",
			"the document has no Markdown yet; process it first")
	}
	if err != nil {
		return Document{}, Version{}, "", err
	}
	md, err := ReadVersion(ctx, s.Files, v)
	return d, v, md, err
}

// Result returns the latest processing result of a document.
func (s *Service) Result(ctx context.Context, sc auth.Scope, id string) (StoredResult, error) {
	if _, err := Get(ctx, s.DB, sc.OrgID, id); err != nil {
		return StoredResult{}, err
	}
	return LatestResult(ctx, s.DB, sc.OrgID, id)
}

// Results returns every processing result of a document, newest first.
func (s *Service) Results(ctx context.Context, sc auth.Scope, id string) ([]StoredResult, error) {
	if _, err := Get(ctx, s.DB, sc.OrgID, id); err != nil {
		return nil, err
	}
	return Results(ctx, s.DB, sc.OrgID, id)
}

// Delete removes a document: its active job is cancelled, its rows (versions,
// results, jobs and their logs) are deleted with it, then its files by key.
func (s *Service) Delete(ctx context.Context, sc auth.Scope, id string) error {
	var keys []string
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "document.delete", EntityType: "document", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		var err error
		keys, e.Details, err = s.deleteTx(ctx, q, sc.OrgID, id)
		return err
	})
	if err != nil {
		return err
	}
	s.removeKeys(ctx, keys)
	return nil
}

// BulkResult is the outcome of a bulk delete.
type BulkResult struct {
	Deleted  []string
	NotFound []string
}

// DeleteMany removes several documents in one transaction (one audit row).
func (s *Service) DeleteMany(ctx context.Context, sc auth.Scope, ids []string) (BulkResult, error) {
	if len(ids) == 0 || len(ids) > 1000 {
		return BulkResult{}, apperr.Field("document_ids", "must list 1 to 1000 ids")
	}
	var keys []string
	out := BulkResult{Deleted: []string{}, NotFound: []string{}}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "document.bulk_delete", EntityType: "document"}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		for _, id := range UniqueIDs(ids) {
			k, _, err := s.deleteTx(ctx, q, sc.OrgID, id)
			if errors.Is(err, apperr.NotFound) {
				out.NotFound = append(out.NotFound, id)
				continue
			}
			if err != nil {
				return err
			}
			keys = append(keys, k...)
			out.Deleted = append(out.Deleted, id)
		}
		e.Details = map[string]any{"deleted": out.Deleted, "not_found": len(out.NotFound)}
		return nil
	})
	if err != nil {
		return BulkResult{}, err
	}
	s.removeKeys(ctx, keys)
	return out, nil
}

// deleteTx deletes one document's rows and returns the storage keys to remove.
func (s *Service) deleteTx(ctx context.Context, q db.Querier, orgID, id string) ([]string, map[string]any, error) {
	d, err := Get(ctx, q, orgID, id)
	if err != nil {
		return nil, nil, err
	}
	details := map[string]any{"filename": d.Filename}
	if s.Jobs != nil {
		jobID, err := s.Jobs.CancelActiveTx(ctx, q, orgID, id, "document deleted")
		if err != nil {
			return nil, nil, err
		}
		if jobID != "" {
			details["cancelled_job_id"] = jobID
		}
	}
	vs, err := Versions(ctx, q, orgID, id)
	if err != nil {
		return nil, nil, err
	}
	keys := []string{SourceKey(orgID, id)}
	for _, v := range vs {
		keys = append(keys, v.Key)
	}
	if _, err := q.Exec(ctx, `DELETE FROM documents WHERE org_id = ? AND id = ?`, orgID, id); err != nil {
		return nil, nil, err
	}
	details["versions"] = len(vs)
	return keys, details, nil
}

func (s *Service) removeKeys(ctx context.Context, keys []string) {
	for _, k := range keys {
		if err := s.Files.Delete(context.WithoutCancel(ctx), k); err != nil {
			slog.ErrorContext(ctx, "document: file not removed", "key", k, "err", err)
		}
	}
}

// SetRAGOverride records an org admin's RAG-ready decision with its reason;
// a nil ready removes the override (undo), so the latest result decides again.
func (s *Service) SetRAGOverride(ctx context.Context, sc auth.Scope, id string, ready *bool, reason string) (Document, error) {
	reason = strings.TrimSpace(reason)
	if ready != nil && (reason == "" || len(reason) > 1000) {
		return Document{}, apperr.Field("reason", "a reason of 1 to 1000 characters is required")
	}
	action := "document.rag_override"
	if ready == nil {
		action = "document.rag_override_undo"
	}
	var d Document
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: action, EntityType: "document", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		var err error
		if d, err = Get(ctx, q, sc.OrgID, id); err != nil {
			return err
		}
		e.Details = map[string]any{"from": d.RAGReady, "reason": reason}
		if ready == nil {
			_, err = q.Exec(ctx, `UPDATE documents SET rag_override = NULL, rag_override_reason = NULL, rag_override_by = NULL,
				rag_ready = COALESCE((SELECT rag_ready FROM processing_results WHERE org_id = ? AND id = documents.latest_result_id), ?),
				updated_at = ? WHERE org_id = ? AND id = ?`, sc.OrgID, false, db.Now(), sc.OrgID, id)
		} else {
			e.Details["to"] = *ready
			_, err = q.Exec(ctx, `UPDATE documents SET rag_override = ?, rag_override_reason = ?, rag_override_by = ?,
				rag_ready = ?, updated_at = ? WHERE org_id = ? AND id = ?`, *ready, reason, sc.UserID, *ready, db.Now(), sc.OrgID, id)
		}
		if err != nil {
			return err
		}
		d, err = Get(ctx, q, sc.OrgID, id)
		return err
	})
	return d, err
}

// UniqueIDs returns ids without repeats, in first-seen order.
func UniqueIDs(ids []string) []string {
	seen := map[string]bool{}
	out := make([]string, 0, len(ids))
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			out = append(out, id)
		}
	}
	return out
}
