package job

import (
	"context"
	"errors"
	"fmt"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
)

// newJob is a job to create for one document.
type newJob struct {
	OrgID, DocumentID, BatchID, Kind, CreatedBy string
	Options                                     Options
}

// conflict is the 409 of a document that already has an active job.
func conflict(docID, activeID string) error {
	return &apperr.Error{Kind: apperr.Conflict, Code: "job_active",
		Detail: "another job is already queued or running for this document",
		Extra:  map[string]any{"active_job_id": activeID, "document_id": docID, "status": "conflict"}}
}

// createTx records jobs and enqueues their River jobs in the transaction
// behind q. A document with an active job is a conflict (the unique index
// is the guarantee; the lookup before only names the active job).
func (s *Service) createTx(ctx context.Context, q db.Querier, jobs []newJob) ([]Job, error) {
	out := make([]Job, 0, len(jobs))
	now := db.Now()
	for _, n := range jobs {
		if active, err := ActiveFor(ctx, q, n.OrgID, n.DocumentID); err == nil {
			return nil, conflict(n.DocumentID, active.ID)
		} else if !errors.Is(err, apperr.NotFound) {
			return nil, err
		}
		j := Job{ID: db.NewID(), OrgID: n.OrgID, DocumentID: n.DocumentID, BatchID: n.BatchID, Kind: n.Kind,
			Status: StatusQueued, Stage: "queued", Options: n.Options, CreatedBy: n.CreatedBy, EnqueuedAt: now, UpdatedAt: now}
		_, err := q.Exec(ctx, `INSERT INTO jobs (id, org_id, document_id, batch_id, kind, status, stage, progress, attempts,
			options, created_by, enqueued_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?)`,
			j.ID, j.OrgID, j.DocumentID, db.NullString(j.BatchID), j.Kind, j.Status, j.Stage, db.JSON[Options]{V: j.Options},
			db.NullString(j.CreatedBy), now, now)
		if errors.Is(err, apperr.Conflict) {
			return nil, conflict(n.DocumentID, "")
		}
		if err != nil {
			return nil, err
		}
		if err := addLog(ctx, q, j.OrgID, Log{JobID: j.ID, TS: now, Level: "info", Stage: "queued", Status: StatusQueued,
			Message: "Queued: " + j.ID}); err != nil {
			return nil, err
		}
		if err := document.SetStatus(ctx, q, j.OrgID, j.DocumentID, document.StatusQueued); err != nil {
			return nil, err
		}
		out = append(out, j)
	}
	return out, s.enqueueTx(ctx, q, out)
}

// enqueueTx inserts the River jobs of jobs and records their ids.
func (s *Service) enqueueTx(ctx context.Context, q db.Querier, jobs []Job) error {
	if len(jobs) == 0 {
		return nil
	}
	args := make([]Args, len(jobs))
	for i, j := range jobs {
		args[i] = Args{JobID: j.ID, OrgID: j.OrgID}
	}
	ids, err := s.Queue.insertTx(ctx, q, args)
	if err != nil {
		return err
	}
	if len(ids) != len(jobs) {
		return fmt.Errorf("enqueue: %d River jobs for %d jobs", len(ids), len(jobs))
	}
	for i := range jobs {
		jobs[i].RiverJobID = ids[i]
		if _, err := q.Exec(ctx, `UPDATE jobs SET river_job_id = ? WHERE org_id = ? AND id = ?`,
			ids[i], jobs[i].OrgID, jobs[i].ID); err != nil {
			return err
		}
	}
	s.hub.publish()
	return nil
}
