package job

import (
	"context"
	"errors"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
)

// Cancel cancels one of the caller's queued or running jobs: our record and
// River's job change in one transaction, and a run in this process stops at
// once (one in another process at its next progress check).
func (s *Service) Cancel(ctx context.Context, sc auth.Scope, id string) (Job, error) {
	var out Job
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "job.cancel", EntityType: "job", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		j, err := Get(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		if !Active(j.Status) {
			return apperr.New(apperr.Conflict, "job_not_active", "the job is "+j.Status+"; only queued or running jobs can be cancelled")
		}
		if err := s.cancelTx(ctx, q, j, "Cancelled by user"); err != nil {
			return err
		}
		e.Details = map[string]any{"document_id": j.DocumentID, "from": j.Status}
		out, err = Get(ctx, q, sc.OrgID, id)
		return err
	})
	if err == nil {
		s.stopLocal(id)
	}
	return out, err
}

// cancelTx marks j cancelled and cancels its River job.
func (s *Service) cancelTx(ctx context.Context, q db.Querier, j Job, why string) error {
	now := db.Now()
	res, err := q.Exec(ctx, `UPDATE jobs SET status = ?, finished_at = ?, eta_seconds = NULL, updated_at = ?
		WHERE org_id = ? AND id = ? AND status IN ('queued', 'running')`, StatusCancelled, now, now, j.OrgID, j.ID)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return nil
	}
	if err := addLog(ctx, q, j.OrgID, Log{JobID: j.ID, TS: now, Level: "warning", Stage: j.Stage, Progress: j.Progress,
		Status: StatusCancelled, Message: why}); err != nil {
		return err
	}
	if err := setDocumentStatus(ctx, q, j, document.StatusCancelled); err != nil {
		return err
	}
	s.hub.publish()
	if err := s.Queue.cancelTx(ctx, q, j.RiverJobID); err != nil {
		return err
	}
	return s.emitBatchDone(ctx, q, j)
}

// CancelActiveTx cancels a document's active job in q's transaction (a
// document being deleted) and returns its id, "" when there was none.
func (s *Service) CancelActiveTx(ctx context.Context, q db.Querier, orgID, docID, reason string) (string, error) {
	j, err := ActiveFor(ctx, q, orgID, docID)
	if errors.Is(err, apperr.NotFound) {
		return "", nil
	}
	if err != nil {
		return "", err
	}
	if err := s.cancelTx(ctx, q, j, "Cancelled: "+reason); err != nil {
		return "", err
	}
	s.stopLocal(j.ID)
	return j.ID, nil
}

// Retry enqueues a failed or cancelled job again as a new job with the same
// document, kind, options and batch (a task: kind, source and parameters,
// with what its Enqueuer records, e.g. the source's latest sync); the old
// one stays as history.
func (s *Service) Retry(ctx context.Context, sc auth.Scope, id string) (Job, error) {
	var out Job
	var docID string
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "job.retry", EntityType: "job", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		j, err := Get(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		docID = j.DocumentID
		if j.Status != StatusFailed && j.Status != StatusCancelled {
			return apperr.New(apperr.Conflict, "job_not_retryable", "the job is "+j.Status+"; only failed or cancelled jobs can be retried")
		}
		if j.DocumentID == "" {
			out, err = s.retryTaskTx(ctx, q, j, sc.UserID)
			e.Details = map[string]any{"new_job_id": out.ID, "kind": j.Kind}
			return err
		}
		jobs, err := s.createTx(ctx, q, []newJob{{OrgID: j.OrgID, DocumentID: j.DocumentID, BatchID: j.BatchID,
			Kind: j.Kind, CreatedBy: sc.UserID, Options: j.Options}})
		if err != nil {
			return err
		}
		out = jobs[0]
		e.Details = map[string]any{"new_job_id": out.ID, "document_id": j.DocumentID}
		return nil
	})
	return out, s.nameActive(ctx, sc.OrgID, docID, err)
}

// stopLocal cancels the run of a job if it runs in this process.
func (s *Service) stopLocal(jobID string) {
	s.mu.Lock()
	cancel := s.running[jobID]
	s.mu.Unlock()
	if cancel != nil {
		cancel()
	}
}

func (s *Service) track(jobID string, cancel context.CancelFunc) func() {
	s.mu.Lock()
	if s.running == nil {
		s.running = map[string]context.CancelFunc{}
	}
	s.running[jobID] = cancel
	s.mu.Unlock()
	return func() {
		s.mu.Lock()
		delete(s.running, jobID)
		s.mu.Unlock()
	}
}
