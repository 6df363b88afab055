package job

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/riverqueue/river"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/webhook"
)

// Task is work that is not one document's processing (a SharePoint import,
// a source's sync) but runs as a job all the same: a jobs row with its
// stage, progress, log, cancel, retry and Server-Sent Events, run by River.
// Run reports progress with report and returns the line logged at the end;
// it stops when ctx is cancelled (the job was cancelled). An error wrapped
// with Permanent fails the job at once; others are retried like a
// processing job's transient failures.
type Task interface {
	Run(ctx context.Context, j Job, report func(pipeline.Progress)) (summary string, err error)
}

// Permanent marks a task failure that running again will not fix.
func Permanent(code string, err error) error { return permanent(code, err.Error(), err) }

// TaskArgs are a task's River arguments.
type TaskArgs struct {
	JobID string `json:"job_id"`
	OrgID string `json:"org_id"`
}

// Kind names the River job kind.
func (TaskArgs) Kind() string { return "curatore.task" }

// Enqueuer is a Task that records something of its own in the
// transaction that enqueues one of its jobs, however it is enqueued (first
// or by Retry): a source names a sync as its latest. It is how package job
// reaches another domain's tables without importing it (that package
// imports job).
type Enqueuer interface {
	Enqueued(ctx context.Context, q db.Querier, j Job) error
}

// NewTask is a task to enqueue.
type NewTask struct {
	OrgID, Kind, SourceID, CreatedBy string
	Params                           any // stored as JSON, handed back in Job.Params
}

// RegisterTask names the Task that runs jobs of kind; call it before Start,
// in every process that enqueues or retries such jobs too (an Enqueuer's
// hook runs where the job is enqueued).
func (s *Service) RegisterTask(kind string, t Task) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.tasks == nil {
		s.tasks = map[string]Task{}
	}
	s.tasks[kind] = t
}

func (s *Service) task(kind string) Task {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tasks[kind]
}

// EnqueueTaskTx records a task's job and enqueues it in the transaction
// behind q, with what the kind's Task records when it is an Enqueuer. A
// source with an active task already is a conflict (a unique index holds
// it).
func (s *Service) EnqueueTaskTx(ctx context.Context, q db.Querier, t NewTask) (Job, error) {
	raw, err := json.Marshal(t.Params)
	if err != nil {
		return Job{}, err
	}
	now := db.Now()
	j := Job{ID: db.NewID(), OrgID: t.OrgID, SourceID: t.SourceID, Kind: t.Kind, Status: StatusQueued, Stage: "queued",
		Params: raw, CreatedBy: t.CreatedBy, EnqueuedAt: now, UpdatedAt: now}
	_, err = q.Exec(ctx, `INSERT INTO jobs (id, org_id, source_id, kind, status, stage, progress, attempts, options, params,
		created_by, enqueued_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 0, 0, ?, ?, ?, ?, ?)`,
		j.ID, j.OrgID, db.NullString(j.SourceID), j.Kind, j.Status, j.Stage, db.JSON[Options]{}, db.JSON[json.RawMessage]{V: raw},
		db.NullString(j.CreatedBy), now, now)
	if errors.Is(err, apperr.Conflict) {
		return Job{}, apperr.New(apperr.Conflict, "job_active", "a "+t.Kind+" of this source is already queued or running")
	}
	if err != nil {
		return Job{}, err
	}
	if err := addLog(ctx, q, j.OrgID, Log{JobID: j.ID, TS: now, Level: "info", Stage: "queued", Status: StatusQueued,
		Message: "Queued: " + j.ID}); err != nil {
		return Job{}, err
	}
	ids, err := s.Queue.insertArgsTx(ctx, q, TaskArgs{JobID: j.ID, OrgID: j.OrgID})
	if err != nil {
		return Job{}, err
	}
	j.RiverJobID = ids
	if _, err := q.Exec(ctx, `UPDATE jobs SET river_job_id = ? WHERE org_id = ? AND id = ?`, ids, j.OrgID, j.ID); err != nil {
		return Job{}, err
	}
	if e, ok := s.task(j.Kind).(Enqueuer); ok {
		if err := e.Enqueued(ctx, q, j); err != nil {
			return Job{}, err
		}
	}
	s.hub.publish()
	return j, nil
}

// TaskWorker runs tasks: River calls Work with our job's id.
type TaskWorker struct {
	river.WorkerDefaults[TaskArgs]
	Service *Service
}

// Work runs one attempt of a task.
func (w *TaskWorker) Work(ctx context.Context, rj *river.Job[TaskArgs]) error {
	s := w.Service
	j, err := Get(ctx, s.DB, rj.Args.OrgID, rj.Args.JobID)
	if errors.Is(err, apperr.NotFound) || (err == nil && !Active(j.Status)) {
		return nil
	}
	if err != nil {
		return err
	}
	t := s.task(j.Kind)
	if t == nil {
		return w.fail(ctx, j, rj, permanent("no_task", "this server cannot run "+j.Kind+" jobs", nil), time.Now())
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer s.track(j.ID, cancel)()
	if err := w.start(ctx, &j, rj.Attempt); err != nil {
		return err
	}
	go (&Worker{Service: s}).watch(runCtx, j, cancel)
	started := time.Now()
	p := &progress{s: s, job: j, started: started}
	summary, err := t.Run(runCtx, j, p.report)
	if err == nil && runCtx.Err() != nil {
		err = runCtx.Err()
	}
	if err != nil {
		return w.fail(ctx, j, rj, err, started)
	}
	return w.complete(ctx, j, summary, started)
}

func (w *TaskWorker) start(ctx context.Context, j *Job, attempt int) error {
	now := db.Now()
	err := w.Service.DB.InTx(ctx, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `UPDATE jobs SET status = ?, stage = 'start', attempts = ?, started_at = COALESCE(started_at, ?),
			updated_at = ? WHERE org_id = ? AND id = ? AND status IN ('queued', 'running')`,
			StatusRunning, attempt, now, now, j.OrgID, j.ID); err != nil {
			return err
		}
		j.Status, j.Attempts, j.Stage = StatusRunning, attempt, "start"
		msg := fmt.Sprintf("Job started: %s", j.Kind)
		if attempt > 1 {
			msg += fmt.Sprintf(" (attempt %d)", attempt)
		}
		return addLog(ctx, q, j.OrgID, Log{JobID: j.ID, TS: now, Level: "info", Stage: "start", Status: StatusRunning, Message: msg})
	})
	w.Service.hub.publish()
	return err
}

// complete marks a task's job completed, unless it was cancelled meanwhile.
func (w *TaskWorker) complete(ctx context.Context, j Job, summary string, started time.Time) error {
	now := db.Now()
	outcome := OutcomeCancelled
	err := w.Service.DB.InTx(ctx, func(q db.Querier) error {
		res, err := q.Exec(ctx, `UPDATE jobs SET status = ?, stage = 'done', progress = 100, eta_seconds = 0, error = NULL,
			error_code = NULL, finished_at = ?, updated_at = ? WHERE org_id = ? AND id = ? AND status IN ('queued', 'running')`,
			StatusCompleted, now, now, j.OrgID, j.ID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n == 0 {
			return nil
		}
		outcome = OutcomeCompleted
		if summary == "" {
			summary = "Completed"
		}
		if err := addLog(ctx, q, j.OrgID, Log{JobID: j.ID, TS: now, Level: "success", Stage: "done", Progress: 100,
			Status: StatusCompleted, Message: summary}); err != nil {
			return err
		}
		p := newJobPayload(j, StatusCompleted)
		p.Summary = summary
		return w.Service.emit(ctx, q, j.OrgID, webhook.EventJobCompleted, p)
	})
	w.Service.hub.publish()
	if err == nil {
		w.Service.finished(j.Kind, outcome, started)
	}
	return err
}

// fail records a failed attempt: transient failures with attempts left go
// back to River (retried with backoff), the rest fail the job.
func (w *TaskWorker) fail(ctx context.Context, j Job, rj *river.Job[TaskArgs], err error, started time.Time) error {
	return w.Service.recordFailure(ctx, j, failedRun{attempt: rj.Attempt, maxAttempts: rj.MaxAttempts, started: started}, "Error: ", err)
}

// retryTaskTx enqueues a failed or cancelled task again.
func (s *Service) retryTaskTx(ctx context.Context, q db.Querier, j Job, by string) (Job, error) {
	return s.EnqueueTaskTx(ctx, q, NewTask{OrgID: j.OrgID, Kind: j.Kind, SourceID: j.SourceID, CreatedBy: by,
		Params: j.Params})
}
