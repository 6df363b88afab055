package job

import (
	"context"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/webhook"
)

// The webhook events a job emits, each in the transaction that records the
// change: an event is sent if and only if the change committed.

// jobPayload is the "data" of job.completed and job.failed, for processing
// jobs and tasks alike: kind says which; document_id is null for a task.
type jobPayload struct {
	JobID             string   `json:"job_id"`
	Kind              string   `json:"kind"`
	DocumentID        *string  `json:"document_id"`
	SourceID          string   `json:"source_id,omitempty"`
	BatchID           string   `json:"batch_id,omitempty"`
	Status            string   `json:"status"`
	ResultID          string   `json:"result_id,omitempty"`
	ConversionScore   *float64 `json:"conversion_score,omitempty"`
	PassAllThresholds *bool    `json:"pass_all_thresholds,omitempty"`
	Summary           string   `json:"summary,omitempty"`
	ErrorCode         string   `json:"error_code,omitempty"`
	Error             string   `json:"error,omitempty"`
}

// newJobPayload is the part of jobPayload every job event has.
func newJobPayload(j Job, status string) jobPayload {
	return jobPayload{JobID: j.ID, Kind: j.Kind, DocumentID: j.NullDocumentID(), SourceID: j.SourceID, BatchID: j.BatchID,
		Status: status}
}

// emit queues a webhook event through this service's queue (so it works in
// a request as well as in a worker).
func (s *Service) emit(ctx context.Context, q db.Querier, orgID, event string, data any) error {
	return webhook.Emit(webhook.WithInserter(ctx, s.Queue), q, orgID, event, data)
}

// emitCompleted sends job.completed, document.rag_ready when the result
// passed every threshold, and batch.completed when this was the batch's
// last active job.
func (s *Service) emitCompleted(ctx context.Context, q db.Querier, j Job, resultID string, res *pipeline.Result) error {
	score, pass := res.ConversionScore, res.PassAllThresholds
	p := newJobPayload(j, StatusCompleted)
	p.ResultID, p.ConversionScore, p.PassAllThresholds = resultID, &score, &pass
	if err := s.emit(ctx, q, j.OrgID, webhook.EventJobCompleted, p); err != nil {
		return err
	}
	if pass {
		rag := map[string]any{"document_id": j.DocumentID, "job_id": j.ID, "result_id": resultID,
			"filename": res.Filename, "conversion_score": score, "vector_optimized": res.VectorOptimized}
		if err := s.emit(ctx, q, j.OrgID, webhook.EventDocumentRAGReady, rag); err != nil {
			return err
		}
	}
	return s.emitBatchDone(ctx, q, j)
}

// emitFailed sends job.failed (and batch.completed for a batch's last job).
func (s *Service) emitFailed(ctx context.Context, q db.Querier, j Job, code, msg string) error {
	p := newJobPayload(j, StatusFailed)
	p.ErrorCode, p.Error = code, msg
	if err := s.emit(ctx, q, j.OrgID, webhook.EventJobFailed, p); err != nil {
		return err
	}
	return s.emitBatchDone(ctx, q, j)
}

// emitBatchDone sends batch.completed when j's batch has no queued or
// running job left. The batch row is locked first, so two last jobs ending
// at once on PostgreSQL see each other's change and exactly one sends it.
func (s *Service) emitBatchDone(ctx context.Context, q db.Querier, j Job) error {
	if j.BatchID == "" {
		return nil
	}
	if _, err := q.Exec(ctx, `UPDATE batches SET total = total WHERE org_id = ? AND id = ?`, j.OrgID, j.BatchID); err != nil {
		return err
	}
	counts, err := countByStatus(ctx, q, `SELECT status, COUNT(*) FROM jobs WHERE org_id = ? AND batch_id = ? GROUP BY status`,
		j.OrgID, j.BatchID)
	if err != nil {
		return err
	}
	total := 0
	for _, n := range counts {
		total += n
	}
	if counts[StatusQueued]+counts[StatusRunning] > 0 {
		return nil
	}
	return s.emit(ctx, q, j.OrgID, webhook.EventBatchCompleted, map[string]any{"batch_id": j.BatchID, "jobs": total,
		"completed": counts[StatusCompleted], "failed": counts[StatusFailed], "cancelled": counts[StatusCancelled],
		"completed_at": time.Now().UTC()})
}
