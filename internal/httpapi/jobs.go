package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/job"
)

// JobLog is one entry of a job's log.
type JobLog struct {
	TS       time.Time `json:"ts"`
	Level    string    `json:"level"`
	Stage    string    `json:"stage"`
	Progress int       `json:"progress"`
	Message  string    `json:"message"`
}

// JobResponse is a job as the API shows it.
type JobResponse struct {
	JobID      string      `json:"job_id"`
	DocumentID *string     `json:"document_id" doc:"the document's id; null for a task (kind import or sync)"`
	SourceID   string      `json:"source_id,omitempty"` // a sync's source
	BatchID    *string     `json:"batch_id"`
	Kind       string      `json:"kind"`
	Status     string      `json:"status"`
	Stage      string      `json:"stage"`
	Progress   int         `json:"progress"`
	ETASeconds *int        `json:"eta_seconds"`
	EnqueuedAt time.Time   `json:"enqueued_at"`
	StartedAt  *time.Time  `json:"started_at"`
	FinishedAt *time.Time  `json:"finished_at"`
	Attempts   int         `json:"attempts"`
	Retries    int         `json:"retries"`
	Error      *string     `json:"error"`
	ErrorCode  string      `json:"error_code,omitempty"`
	ResultID   string      `json:"result_id,omitempty"`
	Options    job.Options `json:"options"`
	Logs       []JobLog    `json:"logs,omitempty"`
}

// JobList is a page of jobs.
type JobList struct {
	Jobs  []JobResponse `json:"jobs"`
	Total int           `json:"total"`
}

func (s *Server) jobRoutes() []Route {
	if s.deps.Jobs == nil {
		return nil
	}
	const p = "/api/v1/jobs"
	return []Route{
		{Method: "GET", Path: p, Tag: "jobs", Access: Authenticated, Resp: JobList{}, Handle: s.listJobs,
			Summary: "List jobs: status, document_id, batch_id, kind, source_id, since, skip, limit"},
		{Method: "GET", Path: p + "/{id}", Tag: "jobs", Access: Authenticated, Resp: JobResponse{}, Handle: s.getJob,
			Summary: "A job with its stage, progress, ETA and logs"},
		{Method: "GET", Path: p + "/by-document/{id}", Tag: "jobs", Access: Authenticated, Resp: JobResponse{},
			Summary: "A document's active job, else its latest", Handle: s.jobByDocument},
		{Method: "POST", Path: p + "/{id}/cancel", Tag: "jobs", Access: Writer, Resp: JobResponse{}, Handle: s.cancelJob,
			Summary: "Cancel a queued or running job"},
		{Method: "POST", Path: p + "/{id}/retry", Tag: "jobs", Access: Writer, Status: http.StatusAccepted, Resp: JobResponse{},
			Summary: "Queue a failed or cancelled job again (a new job)", Handle: s.retryJob},
		// GET /jobs/{id}/events and GET /jobs/by-document/{id} overlap at
		// /jobs/by-document/events, which the mux refuses; the wider
		// pattern /jobs/{id}/{view} is less specific than by-document's.
		{Method: "GET", Path: p + "/{id}/events", Pattern: p + "/{id}/{view}", Tag: "jobs", Access: Authenticated, Handle: s.jobEvents,
			Summary: "Server-Sent Events: every stage change and progress tick until the job ends (Last-Event-ID resumes)"},
	}
}

func jobResponse(j job.Job, logs []job.Log) JobResponse {
	out := JobResponse{JobID: j.ID, DocumentID: j.NullDocumentID(), SourceID: j.SourceID, Kind: j.Kind, Status: j.Status, Stage: j.Stage,
		Progress: j.Progress, ETASeconds: j.ETASeconds, EnqueuedAt: j.EnqueuedAt, StartedAt: j.StartedAt,
		FinishedAt: j.FinishedAt, Attempts: j.Attempts, Retries: max(j.Attempts-1, 0), ErrorCode: j.ErrorCode,
		ResultID: j.ResultID, Options: j.Options}
	if j.BatchID != "" {
		out.BatchID = &j.BatchID
	}
	if j.Error != "" {
		out.Error = &j.Error
	}
	if logs != nil {
		out.Logs = make([]JobLog, 0, len(logs))
		for _, l := range logs {
			out.Logs = append(out.Logs, JobLog{TS: l.TS, Level: l.Level, Stage: l.Stage, Progress: l.Progress, Message: l.Message})
		}
	}
	return out
}

func (s *Server) listJobs(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	skip, limit := p.page()
	f := job.Filter{Status: p.str("status"), DocumentID: p.str("document_id"), BatchID: p.str("batch_id"),
		Kind: p.str("kind"), SourceID: p.str("source_id"), Since: p.time("since"), Skip: skip, Limit: limit}
	if err := p.err(); err != nil {
		return err
	}
	jobs, total, err := s.deps.Jobs.List(r.Context(), callerScope(r), f)
	if err != nil {
		return err
	}
	out := JobList{Jobs: make([]JobResponse, 0, len(jobs)), Total: total}
	for _, j := range jobs {
		out.Jobs = append(out.Jobs, jobResponse(j, nil))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) writeJob(w http.ResponseWriter, r *http.Request, j job.Job, status int) error {
	logs, err := s.deps.Jobs.Logs(r.Context(), callerScope(r), j.ID, 0)
	if err != nil {
		return err
	}
	writeJSON(w, status, jobResponse(j, logs))
	return nil
}

func (s *Server) getJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.deps.Jobs.Get(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJob(w, r, j, http.StatusOK)
}

func (s *Server) jobByDocument(w http.ResponseWriter, r *http.Request) error {
	j, err := s.deps.Jobs.ByDocument(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJob(w, r, j, http.StatusOK)
}

func (s *Server) cancelJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.deps.Jobs.Cancel(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJob(w, r, j, http.StatusOK)
}

func (s *Server) retryJob(w http.ResponseWriter, r *http.Request) error {
	j, err := s.deps.Jobs.Retry(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	return s.writeJob(w, r, j, http.StatusAccepted)
}
