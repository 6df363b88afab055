package job

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/pipeline"
)

// LLMResolver gives an organization's LLM endpoint; llm.ErrNotConfigured
// when it has none. (The connections module implements it.)
type LLMResolver interface {
	LLMFor(ctx context.Context, orgID string) (*llm.Endpoint, error)
}

// ExtractorResolver gives the extractor an organization's settings and
// extraction connections describe.
type ExtractorResolver interface {
	ExtractorFor(ctx context.Context, orgID string) (*extract.Extractor, error)
}

// DefaultsResolver gives an organization's processing options when a
// request leaves them out (settings, then defaults).
type DefaultsResolver func(ctx context.Context, orgID string) (pipeline.Options, error)

// Worker runs jobs: River calls Work with our job's id and organization.
type Worker struct {
	river.WorkerDefaults[Args]
	Service    *Service
	Runner     pipeline.Runner
	LLM        LLMResolver
	Extractors ExtractorResolver
	Defaults   DefaultsResolver
}

// errCancelled ends a run whose job was cancelled.
var errCancelled = errors.New("job cancelled")

// Work runs one attempt of a job.
func (w *Worker) Work(ctx context.Context, rj *river.Job[Args]) error {
	s := w.Service
	j, err := Get(ctx, s.DB, rj.Args.OrgID, rj.Args.JobID)
	if errors.Is(err, apperr.NotFound) {
		return nil // the document (and its jobs) were deleted
	}
	if err != nil {
		return err
	}
	if !Active(j.Status) {
		return nil // cancelled before it started, or finished before a crash
	}
	runCtx, cancel := context.WithCancel(ctx)
	defer cancel()
	defer s.track(j.ID, cancel)()
	if err := w.start(ctx, &j, rj.Attempt); err != nil {
		return err
	}
	go w.watch(runCtx, j, cancel)
	started := time.Now()
	p := &progress{s: s, job: j, started: started}
	in, err := w.input(runCtx, j, p.report)
	var res *pipeline.Result
	var versions []pipeline.Version
	if err == nil {
		res, versions, err = w.Runner.Run(runCtx, in)
	}
	if err == nil {
		err = w.finish(ctx, j, res, versions)
	}
	if err != nil {
		return w.failed(ctx, j, rj, err, started)
	}
	s.finished(j.Kind, OutcomeCompleted, started)
	s.usedTokens(res.Usage)
	return nil
}

// start marks the job running.
func (w *Worker) start(ctx context.Context, j *Job, attempt int) error {
	d, err := document.Get(ctx, w.Service.DB, j.OrgID, j.DocumentID)
	if err != nil {
		return err
	}
	now := db.Now()
	return w.Service.DB.InTx(ctx, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `UPDATE jobs SET status = ?, stage = 'start', attempts = ?, started_at = COALESCE(started_at, ?),
			updated_at = ? WHERE org_id = ? AND id = ? AND status IN ('queued', 'running')`,
			StatusRunning, attempt, now, now, j.OrgID, j.ID); err != nil {
			return err
		}
		j.Status, j.Attempts, j.Stage = StatusRunning, attempt, "start"
		msg := fmt.Sprintf("Job started for document '%s'", d.Filename)
		if attempt > 1 {
			msg += fmt.Sprintf(" (attempt %d)", attempt)
		}
		if err := addLog(ctx, q, j.OrgID, Log{JobID: j.ID, TS: now, Level: "info", Stage: "start", Status: StatusRunning, Message: msg}); err != nil {
			return err
		}
		w.Service.hub.publish()
		return document.SetStatus(ctx, q, j.OrgID, j.DocumentID, document.StatusProcessing)
	})
}

// watch stops the run when the job is cancelled from another process.
func (w *Worker) watch(ctx context.Context, j Job, cancel context.CancelFunc) {
	t := time.NewTicker(time.Second)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			cur, err := Get(ctx, w.Service.DB, j.OrgID, j.ID)
			if errors.Is(err, apperr.NotFound) || (err == nil && !Active(cur.Status)) {
				cancel()
				return
			}
		}
	}
}

// input loads what a run needs: the source or the current version, the
// organization's options, extractor and LLM endpoint.
func (w *Worker) input(ctx context.Context, j Job, report func(pipeline.Progress)) (pipeline.Input, error) {
	s := w.Service
	d, err := document.Get(ctx, s.DB, j.OrgID, j.DocumentID)
	if err != nil {
		return pipeline.Input{}, err
	}
	opts, err := w.options(ctx, j)
	if err != nil {
		return pipeline.Input{}, err
	}
	in := pipeline.Input{OrgID: j.OrgID, DocumentID: j.DocumentID, Mode: pipeline.Mode(j.Kind), Options: opts,
		Source: pipeline.Source{Filename: d.Filename}, Progress: report}
	if j.Kind == KindProcess {
		rc, err := s.Files.Get(ctx, document.SourceKey(j.OrgID, j.DocumentID))
		if err != nil {
			return pipeline.Input{}, fmt.Errorf("open source: %w", err)
		}
		in.Source.Data, err = io.ReadAll(rc)
		rc.Close()
		if err != nil {
			return pipeline.Input{}, fmt.Errorf("read source: %w", err)
		}
	} else {
		v, err := document.VersionByNumber(ctx, s.DB, j.OrgID, j.DocumentID, 0)
		if err != nil {
			return pipeline.Input{}, permanent("not_processed", "the document has no Markdown version", err)
		}
		if in.Source.Markdown, err = document.ReadVersion(ctx, s.Files, v); err != nil {
			return pipeline.Input{}, err
		}
		in.Source.Pages = v.Pages
	}
	if in.Extractor, err = w.Extractors.ExtractorFor(ctx, j.OrgID); err != nil {
		return pipeline.Input{}, fmt.Errorf("extractor: %w", err)
	}
	in.LLM, err = w.LLM.LLMFor(ctx, j.OrgID)
	switch {
	case errors.Is(err, llm.ErrNotConfigured):
		in.LLM, in.LLMUnavailable = nil, "llm_not_configured"
	case errors.Is(err, llm.ErrBudgetExceeded):
		in.LLM, in.LLMUnavailable, in.LLMUnavailableDetail = nil, pipeline.ReasonBudgetExceeded, err.Error()
	case err != nil:
		return pipeline.Input{}, fmt.Errorf("LLM connection: %w", err)
	}
	return in, nil
}

// options resolves a job's options: the request's, else the defaults.
func (w *Worker) options(ctx context.Context, j Job) (pipeline.Options, error) {
	o, err := w.Defaults(ctx, j.OrgID)
	if err != nil {
		return o, err
	}
	r := j.Options
	if r.AutoOptimize != nil {
		o.AutoOptimize = *r.AutoOptimize
	}
	if r.ExtractionEngine != "" {
		o.ExtractionEngine = r.ExtractionEngine
	}
	if t := r.QualityThresholds; t != nil {
		set := func(dst *float64, v *float64) {
			if v != nil {
				*dst = *v
			}
		}
		set(&o.Thresholds.Conversion, t.Conversion)
		set(&o.Thresholds.Clarity, t.Clarity)
		set(&o.Thresholds.Completeness, t.Completeness)
		set(&o.Thresholds.Relevance, t.Relevance)
		set(&o.Thresholds.Markdown, t.Markdown)
	}
	return o, nil
}

// finish stores a run's versions and result and completes the job, unless
// it was cancelled meanwhile (then nothing is kept).
func (w *Worker) finish(ctx context.Context, j Job, res *pipeline.Result, versions []pipeline.Version) error {
	s := w.Service
	nv := make([]document.NewVersion, 0, len(versions))
	for _, v := range versions {
		nv = append(nv, document.NewVersion{Kind: v.Kind, Markdown: v.Markdown, Pages: v.Pages, JobID: j.ID, Rejected: v.Rejected})
	}
	stored, err := document.PutVersionFiles(ctx, s.Files, j.OrgID, j.DocumentID, nv)
	if err != nil {
		return err
	}
	err = s.DB.InTx(ctx, func(q db.Querier) error {
		cur, err := Get(ctx, q, j.OrgID, j.ID)
		if err != nil {
			return err
		}
		if !Active(cur.Status) {
			return errCancelled
		}
		if err := document.InsertVersions(ctx, q, j.OrgID, j.DocumentID, stored); err != nil {
			return err
		}
		res.DocumentID = j.DocumentID
		resultID, err := document.SaveResult(ctx, q, j.OrgID, j.DocumentID, j.ID, res)
		if err != nil {
			return err
		}
		if err := complete(ctx, q, j, resultID, res); err != nil {
			return err
		}
		return s.emitCompleted(ctx, q, j, resultID, res)
	})
	if err != nil {
		document.RemoveFiles(ctx, s.Files, stored)
		return err
	}
	s.hub.publish()
	return nil
}

// complete marks a job completed with its result.
func complete(ctx context.Context, q db.Querier, j Job, resultID string, res *pipeline.Result) error {
	now := db.Now()
	if _, err := q.Exec(ctx, `UPDATE jobs SET status = ?, stage = 'done', progress = 100, eta_seconds = 0, result_id = ?,
		error = NULL, error_code = NULL, finished_at = ?, updated_at = ? WHERE org_id = ? AND id = ?`,
		StatusCompleted, resultID, now, now, j.OrgID, j.ID); err != nil {
		return err
	}
	msg := "Result stored: not RAG-ready"
	if res.PassAllThresholds {
		msg = "Result stored: RAG-ready"
	}
	return addLog(ctx, q, j.OrgID, Log{JobID: j.ID, TS: now, Level: "success", Stage: "done", Progress: 100,
		Status: StatusCompleted, Message: msg})
}

// failed records a failed attempt. Transient failures with attempts left
// go back to the queue (River retries with backoff); everything else fails
// the job for good. A cancelled job stays cancelled; a run interrupted by
// the worker stopping runs again.
func (w *Worker) failed(ctx context.Context, j Job, rj *river.Job[Args], err error, started time.Time) error {
	return w.Service.recordFailure(ctx, j, failedRun{attempt: rj.Attempt, maxAttempts: rj.MaxAttempts, started: started},
		"Processing error: ", err)
}

// failedRun is the attempt recordFailure records.
type failedRun struct {
	attempt, maxAttempts int
	started              time.Time // when the run began (for the observer)
}

// recordFailure records a job's failed attempt and tells River what to do:
// a job cancelled or deleted meanwhile is left alone; a worker stopping
// leaves it queued to run again; a transient error with attempts left is
// retried; anything else fails the job for good (prefix starts its log
// line).
func (s *Service) recordFailure(ctx context.Context, j Job, run failedRun, prefix string, err error) error {
	wctx := context.WithoutCancel(ctx)
	cur, gerr := Get(wctx, s.DB, j.OrgID, j.ID)
	if errors.Is(gerr, apperr.NotFound) || (gerr == nil && !Active(cur.Status)) {
		s.finished(j.Kind, OutcomeCancelled, run.started)
		return nil // cancelled or deleted: River's record was cancelled with it
	}
	if ctx.Err() != nil && !errors.Is(ctx.Err(), context.DeadlineExceeded) {
		// The worker is stopping: leave the job active; River runs it again.
		_ = s.note(wctx, j, StatusQueued, "warning", "Interrupted (worker stopping); it will run again", "", "")
		return err
	}
	code, msg := classify(ctx, err)
	if code == "" && run.attempt < run.maxAttempts {
		_ = s.note(wctx, j, StatusQueued, "warning", fmt.Sprintf("Attempt %d failed: %s; retrying", run.attempt, msg), "", msg)
		return err
	}
	if code == "" {
		code = "failed"
	}
	if nerr := s.note(wctx, j, StatusFailed, "error", prefix+msg, code, msg); nerr != nil {
		slog.ErrorContext(ctx, "job: failure not recorded", "job_id", j.ID, "kind", j.Kind, "err", nerr)
		return err
	}
	s.finished(j.Kind, OutcomeFailed, run.started)
	return river.JobCancel(err)
}

// note records a status change with a log line.
func (s *Service) note(ctx context.Context, j Job, status, level, message, code, errText string) error {
	now := db.Now()
	err := s.DB.InTx(ctx, func(q db.Querier) error {
		var finished any
		if !Active(status) {
			finished = now
		}
		res, err := q.Exec(ctx, `UPDATE jobs SET status = ?, error = ?, error_code = ?, finished_at = ?, updated_at = ?
			WHERE org_id = ? AND id = ? AND status IN ('queued', 'running')`, status, db.NullString(errText),
			db.NullString(code), finished, now, j.OrgID, j.ID)
		if err != nil {
			return err
		}
		if status == StatusFailed {
			if err := setDocumentStatus(ctx, q, j, document.StatusFailed); err != nil {
				return err
			}
			if n, _ := res.RowsAffected(); n > 0 {
				if err := s.emitFailed(ctx, q, j, code, errText); err != nil {
					return err
				}
			}
		}
		return addLog(ctx, q, j.OrgID, Log{JobID: j.ID, TS: now, Level: level, Stage: j.Stage, Status: status, Message: message})
	})
	s.hub.publish()
	return err
}

// setDocumentStatus sets the status of j's document; a task (an import or
// a sync) has none, and no document is touched.
func setDocumentStatus(ctx context.Context, q db.Querier, j Job, status string) error {
	if j.DocumentID == "" {
		return nil
	}
	return document.SetStatus(ctx, q, j.OrgID, j.DocumentID, status)
}
