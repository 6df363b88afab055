package job

import (
	"context"
	"database/sql"
	"errors"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
)

// MaxBatch is the most documents one batch request may name.
const MaxBatch = 5000

// Conflict is a document of a batch request that got no job.
type Conflict struct {
	DocumentID  string
	ActiveJobID string // set when the document has an active job
	Error       string // "document not found", …
}

// BatchResult is what a batch request enqueued.
type BatchResult struct {
	Batch     Batch
	Jobs      []Job
	Conflicts []Conflict
}

// ProcessBatch enqueues a processing job for each document in one
// transaction; documents that are missing or already have an active job
// are listed as conflicts instead.
func (s *Service) ProcessBatch(ctx context.Context, sc auth.Scope, ids []string, o Options) (BatchResult, error) {
	if len(ids) == 0 || len(ids) > MaxBatch {
		return BatchResult{}, apperr.Field("document_ids", "must list 1 to 5000 ids")
	}
	if err := o.Validate(); err != nil {
		return BatchResult{}, err
	}
	out := BatchResult{Batch: Batch{ID: db.NewID(), OrgID: sc.OrgID, Options: o, CreatedBy: sc.UserID, CreatedAt: db.Now()},
		Conflicts: []Conflict{}}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "batch.process", EntityType: "batch", EntityID: out.Batch.ID}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		ids = document.UniqueIDs(ids)
		docs, err := document.GetMany(ctx, q, sc.OrgID, ids)
		if err != nil {
			return err
		}
		active, err := activeByDocument(ctx, q, sc.OrgID)
		if err != nil {
			return err
		}
		var todo []newJob
		for _, id := range ids {
			switch {
			case docs[id].ID == "":
				out.Conflicts = append(out.Conflicts, Conflict{DocumentID: id, Error: "document not found"})
			case active[id] != "":
				out.Conflicts = append(out.Conflicts, Conflict{DocumentID: id, ActiveJobID: active[id]})
			default:
				todo = append(todo, newJob{OrgID: sc.OrgID, DocumentID: id, BatchID: out.Batch.ID, Kind: KindProcess,
					CreatedBy: sc.UserID, Options: o})
			}
		}
		out.Batch.Total = len(todo)
		if _, err := q.Exec(ctx, `INSERT INTO batches (id, org_id, options, total, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
			out.Batch.ID, sc.OrgID, db.JSON[Options]{V: o}, out.Batch.Total, db.NullString(sc.UserID), out.Batch.CreatedAt); err != nil {
			return err
		}
		if out.Jobs, err = s.createTx(ctx, q, todo); err != nil {
			return err
		}
		e.Details = map[string]any{"jobs": len(out.Jobs), "conflicts": len(out.Conflicts), "options": o}
		return nil
	})
	return out, err
}

// activeByDocument maps each document of orgID with an active job to it.
func activeByDocument(ctx context.Context, q db.Querier, orgID string) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT document_id, id FROM jobs WHERE org_id = ? AND status IN ('queued', 'running')`, orgID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]string{}
	for rows.Next() {
		var doc, id string
		if err := rows.Scan(&doc, &id); err != nil {
			return nil, err
		}
		out[doc] = id
	}
	return out, rows.Err()
}

func scanBatch(row db.Scanner) (Batch, error) {
	var b Batch
	var o db.JSON[Options]
	err := row.Scan(&b.ID, &b.OrgID, &o, &b.Total, &b.CreatedBy, &b.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Batch{}, apperr.NotFoundf("batch")
	}
	b.Options, b.CreatedAt = o.V, b.CreatedAt.UTC()
	return b, err
}

const batchColumns = `id, org_id, options, total, COALESCE(created_by, ''), created_at`

// GetBatch returns one of the caller's batches with its jobs.
func (s *Service) GetBatch(ctx context.Context, sc auth.Scope, id string) (Batch, []Job, error) {
	b, err := scanBatch(s.DB.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches WHERE org_id = ? AND id = ?`, sc.OrgID, id))
	if err != nil {
		return Batch{}, nil, err
	}
	jobs, err := batchJobs(ctx, s.DB, sc.OrgID, id)
	return b, jobs, err
}

// batchJobs returns a batch's jobs, oldest first.
func batchJobs(ctx context.Context, q db.Querier, orgID, batchID string) ([]Job, error) {
	rows, err := q.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE org_id = ? AND batch_id = ? ORDER BY enqueued_at, id`,
		orgID, batchID)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scanJob)
}

// ListBatches returns a page of the caller's batches, newest first, and the total.
func (s *Service) ListBatches(ctx context.Context, sc auth.Scope, skip, limit int) ([]Batch, int, error) {
	var total int
	if err := s.DB.QueryRow(ctx, `SELECT COUNT(*) FROM batches WHERE org_id = ?`, sc.OrgID).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.DB.Query(ctx, `SELECT `+batchColumns+` FROM batches WHERE org_id = ? ORDER BY created_at DESC, id DESC
		LIMIT ? OFFSET ?`, sc.OrgID, limit, skip)
	if err != nil {
		return nil, 0, err
	}
	b, err := db.Collect(rows, scanBatch)
	return b, total, err
}

// BatchCounts counts a batch's latest job per document by status.
func BatchCounts(jobs []Job) map[string]int {
	out := map[string]int{StatusQueued: 0, StatusRunning: 0, StatusCompleted: 0, StatusFailed: 0, StatusCancelled: 0}
	for _, j := range Latest(jobs) {
		out[j.Status]++
	}
	return out
}

// Latest keeps the most recent job of each document (a retried document
// has several), in the order of their first appearance.
func Latest(jobs []Job) []Job {
	idx := map[string]int{}
	var out []Job
	for _, j := range jobs {
		if i, ok := idx[j.DocumentID]; ok {
			out[i] = j
			continue
		}
		idx[j.DocumentID] = len(out)
		out = append(out, j)
	}
	return out
}

// CancelBatch cancels every active job of a batch and returns how many.
func (s *Service) CancelBatch(ctx context.Context, sc auth.Scope, id string) (int, error) {
	var n int
	var cancelled []string
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "batch.cancel", EntityType: "batch", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		if _, err := scanBatch(q.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches WHERE org_id = ? AND id = ?`, sc.OrgID, id)); err != nil {
			return err
		}
		jobs, err := batchJobs(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		for _, j := range jobs {
			if Active(j.Status) {
				if err := s.cancelTx(ctx, q, j, "Cancelled with its batch"); err != nil {
					return err
				}
				cancelled = append(cancelled, j.ID)
			}
		}
		n = len(cancelled)
		e.Details = map[string]any{"cancelled": n}
		return nil
	})
	for _, jid := range cancelled {
		s.stopLocal(jid)
	}
	return n, err
}

// RetryFailed enqueues again every document of a batch whose latest job
// failed or was cancelled, in the same batch.
func (s *Service) RetryFailed(ctx context.Context, sc auth.Scope, id string) ([]Job, error) {
	var out []Job
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "batch.retry_failed", EntityType: "batch", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		b, err := scanBatch(q.QueryRow(ctx, `SELECT `+batchColumns+` FROM batches WHERE org_id = ? AND id = ?`, sc.OrgID, id))
		if err != nil {
			return err
		}
		jobs, err := batchJobs(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		var todo []newJob
		for _, j := range Latest(jobs) {
			if j.Status == StatusFailed || j.Status == StatusCancelled {
				todo = append(todo, newJob{OrgID: sc.OrgID, DocumentID: j.DocumentID, BatchID: b.ID, Kind: j.Kind,
					CreatedBy: sc.UserID, Options: j.Options})
			}
		}
		if out, err = s.createTx(ctx, q, todo); err != nil {
			return err
		}
		e.Details = map[string]any{"retried": len(out)}
		return nil
	})
	return out, err
}
