// Package job is the durable processing queue: our jobs, job_logs and
// batches tables beside River (github.com/riverqueue/river), which runs
// them on SQLite and PostgreSQL alike. A job is enqueued in the same
// transaction as the request that causes it; the database itself keeps at
// most one queued or running job per document (a unique partial index);
// workers load what a run needs, call pipeline.Runner.Run and store the
// versions and the result; every stage change and progress tick is a
// job_logs row, which the jobs API streams as Server-Sent Events.
package job

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"strconv"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
)

// The job statuses. Queued and running are active.
const (
	StatusQueued    = "queued"
	StatusRunning   = "running"
	StatusCompleted = "completed"
	StatusFailed    = "failed"
	StatusCancelled = "cancelled"
)

// Active reports whether a status is queued or running.
func Active(status string) bool { return status == StatusQueued || status == StatusRunning }

// The job kinds (pipeline modes).
const (
	KindProcess  = string(pipeline.ModeProcess)
	KindEvaluate = string(pipeline.ModeEvaluate)
	KindRescore  = string(pipeline.ModeRescore)
	// KindImport and KindSync are tasks (see Task): a SharePoint import
	// and a source's sync, not about one document.
	KindImport = "import"
	KindSync   = "sync"
)

// Job is one processing run of one document, or one task (see Task).
type Job struct {
	ID         string
	OrgID      string
	DocumentID string // "" for a task
	SourceID   string // a sync's source
	BatchID    string
	Kind       string
	Status     string
	Stage      string
	Progress   int
	ETASeconds *int
	Attempts   int
	Error      string
	ErrorCode  string
	Options    Options
	Params     json.RawMessage // a task's parameters
	RiverJobID int64
	ResultID   string
	CreatedBy  string
	EnqueuedAt time.Time
	StartedAt  *time.Time
	FinishedAt *time.Time
	UpdatedAt  time.Time
}

// NullDocumentID is the job's document id as JSON shows it: nil (null) for
// a task, which is about no document.
func (j Job) NullDocumentID() *string {
	if j.DocumentID == "" {
		return nil
	}
	return &j.DocumentID
}

// Thresholds are requested quality thresholds; nil fields come from the
// organization's settings, then the defaults.
type Thresholds struct {
	Conversion   *float64 `json:"conversion,omitempty"`
	Clarity      *float64 `json:"clarity,omitempty"`
	Completeness *float64 `json:"completeness,omitempty"`
	Relevance    *float64 `json:"relevance,omitempty"`
	Markdown     *float64 `json:"markdown,omitempty"`
}

// Options are the processing options a request gave (V1Options plus the
// engine); what it left out is resolved when the job runs.
type Options struct {
	AutoOptimize      *bool       `json:"auto_optimize,omitempty"`
	QualityThresholds *Thresholds `json:"quality_thresholds,omitempty"`
	ExtractionEngine  string      `json:"extraction_engine,omitempty"`
	// ImprovementPrompt is the note of an edit (rescore jobs).
	ImprovementPrompt string `json:"improvement_prompt,omitempty"`
}

// Log is one entry of a job's log: a stage change, a progress tick or a
// message. ID orders every log row of the database (SSE event ids).
type Log struct {
	ID       int64
	JobID    string
	TS       time.Time
	Level    string
	Stage    string
	Progress int
	Status   string
	Message  string
}

// Batch is a group of jobs enqueued by one request.
type Batch struct {
	ID        string
	OrgID     string
	Options   Options
	Total     int
	CreatedBy string
	CreatedAt time.Time
}

const jobColumns = `id, org_id, COALESCE(document_id, ''), COALESCE(source_id, ''), COALESCE(batch_id, ''), kind, status, stage, progress, eta_seconds, attempts,
	COALESCE(error, ''), COALESCE(error_code, ''), options, params, COALESCE(river_job_id, 0), COALESCE(result_id, ''),
	COALESCE(created_by, ''), enqueued_at, started_at, finished_at, updated_at`

func scanJob(row db.Scanner) (Job, error) {
	var j Job
	var eta sql.NullInt64
	var opts db.JSON[Options]
	var params db.JSON[json.RawMessage]
	err := row.Scan(&j.ID, &j.OrgID, &j.DocumentID, &j.SourceID, &j.BatchID, &j.Kind, &j.Status, &j.Stage, &j.Progress, &eta,
		&j.Attempts, &j.Error, &j.ErrorCode, &opts, &params, &j.RiverJobID, &j.ResultID, &j.CreatedBy, &j.EnqueuedAt,
		db.NullTime{T: &j.StartedAt}, db.NullTime{T: &j.FinishedAt}, &j.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Job{}, apperr.NotFoundf("job")
	}
	if eta.Valid {
		n := int(eta.Int64)
		j.ETASeconds = &n
	}
	j.Options, j.Params, j.EnqueuedAt, j.UpdatedAt = opts.V, params.V, j.EnqueuedAt.UTC(), j.UpdatedAt.UTC()
	return j, err
}

// Get returns job id of orgID.
func Get(ctx context.Context, q db.Querier, orgID, id string) (Job, error) {
	return scanJob(q.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE org_id = ? AND id = ?`, orgID, id))
}

// ActiveFor returns the queued or running job of a document.
func ActiveFor(ctx context.Context, q db.Querier, orgID, docID string) (Job, error) {
	return scanJob(q.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE org_id = ? AND document_id = ?
		AND status IN ('queued', 'running')`, orgID, docID))
}

// LatestFor returns the active job of a document, else its most recent one.
func LatestFor(ctx context.Context, q db.Querier, orgID, docID string) (Job, error) {
	j, err := ActiveFor(ctx, q, orgID, docID)
	if !errors.Is(err, apperr.NotFound) {
		return j, err
	}
	return scanJob(q.QueryRow(ctx, `SELECT `+jobColumns+` FROM jobs WHERE org_id = ? AND document_id = ?
		ORDER BY enqueued_at DESC, id DESC LIMIT 1`, orgID, docID))
}

// Filter selects jobs of one organization.
type Filter struct {
	Status     string
	DocumentID string
	SourceID   string
	BatchID    string
	Kind       string
	Since      *time.Time
	Skip       int
	Limit      int
}

// List returns a page of orgID's jobs, newest first, and the total.
func List(ctx context.Context, q db.Querier, orgID string, f Filter) ([]Job, int, error) {
	where, args := "org_id = ?", []any{orgID}
	for _, c := range []struct{ col, v string }{{"status", f.Status}, {"document_id", f.DocumentID},
		{"batch_id", f.BatchID}, {"kind", f.Kind}, {"source_id", f.SourceID}} {
		if c.v != "" {
			where += " AND " + c.col + " = ?"
			args = append(args, c.v)
		}
	}
	if f.Since != nil {
		where += " AND enqueued_at >= ?"
		args = append(args, f.Since.UTC())
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM jobs WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT `+jobColumns+` FROM jobs WHERE `+where+` ORDER BY enqueued_at DESC, id DESC
		LIMIT ? OFFSET ?`, append(args, f.Limit, f.Skip)...)
	if err != nil {
		return nil, 0, err
	}
	jobs, err := db.Collect(rows, scanJob)
	return jobs, total, err
}

// Logs returns a job's log entries after the given id, oldest first.
func Logs(ctx context.Context, q db.Querier, orgID, jobID string, after int64) ([]Log, error) {
	rows, err := q.Query(ctx, `SELECT id, job_id, ts, level, stage, progress, status, message FROM job_logs
		WHERE org_id = ? AND job_id = ? AND id > ? ORDER BY id`, orgID, jobID, after)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scanLog)
}

// BatchLogs returns the log entries of a batch's jobs after the given id.
func BatchLogs(ctx context.Context, q db.Querier, orgID, batchID string, after int64) ([]Log, error) {
	rows, err := q.Query(ctx, `SELECT l.id, l.job_id, l.ts, l.level, l.stage, l.progress, l.status, l.message
		FROM job_logs l JOIN jobs j ON j.org_id = l.org_id AND j.id = l.job_id
		WHERE l.org_id = ? AND j.batch_id = ? AND l.id > ? ORDER BY l.id LIMIT 1000`, orgID, batchID, after)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scanLog)
}

func scanLog(row db.Scanner) (Log, error) {
	var l Log
	err := row.Scan(&l.ID, &l.JobID, &l.TS, &l.Level, &l.Stage, &l.Progress, &l.Status, &l.Message)
	l.TS = l.TS.UTC()
	return l, err
}

// addLog appends an entry to a job's log.
func addLog(ctx context.Context, q db.Querier, orgID string, l Log) error {
	if l.TS.IsZero() {
		l.TS = db.Now()
	}
	_, err := q.Exec(ctx, `INSERT INTO job_logs (org_id, job_id, ts, level, stage, progress, status, message)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, orgID, l.JobID, l.TS, l.Level, l.Stage, l.Progress, l.Status, truncate(l.Message, 2000))
	return err
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n]
}

func fmtFloat(v float64) string { return strconv.FormatFloat(v, 'f', -1, 64) }
