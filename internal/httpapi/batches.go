package httpapi

import (
	"net/http"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/job"
)

// BatchDocument is one document of a batch with its latest job.
type BatchDocument struct {
	DocumentID string `json:"document_id"`
	JobID      string `json:"job_id"`
	Status     string `json:"status"`
	Stage      string `json:"stage"`
	Progress   int    `json:"progress"`
	Error      string `json:"error,omitempty"`
}

// BatchResponse is a batch with counts per status and its documents.
type BatchResponse struct {
	BatchID   string          `json:"batch_id"`
	Status    string          `json:"status" doc:"running while any job is queued or running, else completed"`
	Total     int             `json:"total"`
	Counts    map[string]int  `json:"counts"`
	Progress  int             `json:"progress" doc:"mean progress of the documents, 0–100"`
	Options   job.Options     `json:"options"`
	CreatedAt time.Time       `json:"created_at"`
	Documents []BatchDocument `json:"documents,omitempty"`
}

// BatchList is a page of batches.
type BatchList struct {
	Batches []BatchResponse `json:"batches"`
	Total   int             `json:"total"`
}

// BatchCancelResponse says how many jobs a batch cancel stopped.
type BatchCancelResponse struct {
	BatchID   string `json:"batch_id"`
	Cancelled int    `json:"cancelled"`
}

// BatchRetryResponse lists the jobs a retry-failed queued.
type BatchRetryResponse struct {
	BatchID string     `json:"batch_id"`
	Jobs    []BatchJob `json:"jobs"`
}

func (s *Server) batchRoutes() []Route {
	if s.deps.Jobs == nil {
		return nil
	}
	const p = "/api/v1/batches"
	return []Route{
		{Method: "GET", Path: p, Tag: "batches", Access: Authenticated, Resp: BatchList{}, Handle: s.listBatches,
			Summary: "List batches, newest first, with counts per status"},
		{Method: "GET", Path: p + "/{id}", Tag: "batches", Access: Authenticated, Resp: BatchResponse{}, Handle: s.getBatch,
			Summary: "A batch: counts per status and each document's status and progress"},
		{Method: "POST", Path: p + "/{id}/cancel", Tag: "batches", Access: Writer, Resp: BatchCancelResponse{}, Handle: s.cancelBatch,
			Summary: "Cancel every queued or running job of a batch"},
		{Method: "POST", Path: p + "/{id}/retry-failed", Tag: "batches", Access: Writer, Status: http.StatusAccepted,
			Resp: BatchRetryResponse{}, Handle: s.retryBatch, Summary: "Queue again every failed or cancelled document of a batch"},
		{Method: "GET", Path: p + "/{id}/events", Tag: "batches", Access: Authenticated, Handle: s.batchEvents,
			Summary: "Server-Sent Events of every job of the batch until all have ended (Last-Event-ID resumes)"},
	}
}

func batchResponse(b job.Batch, jobs []job.Job, withDocs bool) BatchResponse {
	out := BatchResponse{BatchID: b.ID, Total: b.Total, Counts: job.BatchCounts(jobs), Options: b.Options,
		CreatedAt: b.CreatedAt, Status: "completed"}
	if out.Counts[job.StatusQueued]+out.Counts[job.StatusRunning] > 0 {
		out.Status = "running"
	}
	latest := job.Latest(jobs)
	sum := 0
	for _, j := range latest {
		sum += j.Progress
		if withDocs {
			out.Documents = append(out.Documents, BatchDocument{DocumentID: j.DocumentID, JobID: j.ID, Status: j.Status,
				Stage: j.Stage, Progress: j.Progress, Error: j.Error})
		}
	}
	if len(latest) > 0 {
		out.Progress = sum / len(latest)
	}
	return out
}

func (s *Server) listBatches(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	skip, limit := p.page()
	if err := p.err(); err != nil {
		return err
	}
	sc := callerScope(r)
	batches, total, err := s.deps.Jobs.ListBatches(r.Context(), sc, skip, limit)
	if err != nil {
		return err
	}
	out := BatchList{Batches: make([]BatchResponse, 0, len(batches)), Total: total}
	for _, b := range batches {
		_, jobs, err := s.deps.Jobs.GetBatch(r.Context(), sc, b.ID)
		if err != nil {
			return err
		}
		out.Batches = append(out.Batches, batchResponse(b, jobs, false))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) getBatch(w http.ResponseWriter, r *http.Request) error {
	b, jobs, err := s.deps.Jobs.GetBatch(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, batchResponse(b, jobs, true))
	return nil
}

func (s *Server) cancelBatch(w http.ResponseWriter, r *http.Request) error {
	n, err := s.deps.Jobs.CancelBatch(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, BatchCancelResponse{BatchID: r.PathValue("id"), Cancelled: n})
	return nil
}

func (s *Server) retryBatch(w http.ResponseWriter, r *http.Request) error {
	jobs, err := s.deps.Jobs.RetryFailed(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := BatchRetryResponse{BatchID: r.PathValue("id"), Jobs: make([]BatchJob, 0, len(jobs))}
	for _, j := range jobs {
		out.Jobs = append(out.Jobs, BatchJob{DocumentID: j.DocumentID, JobID: j.ID, Status: j.Status})
	}
	writeJSON(w, http.StatusAccepted, out)
	return nil
}

// QueueStatus keeps the reference's /system/queues fields, for the caller's
// organization.
type QueueStatus struct {
	Enabled       bool   `json:"enabled"`
	Broker        string `json:"broker"`
	ResultBackend string `json:"result_backend"`
	Queue         string `json:"queue"`
	RedisOK       bool   `json:"redis_ok" doc:"kept for compatibility: true when the queue's database answers"`
	Pending       int    `json:"pending"`
	Workers       int    `json:"workers"`
	Running       int    `json:"running"`
	Processed     int    `json:"processed"`
	Failed        int    `json:"failed"`
	Cancelled     int    `json:"cancelled"`
	Total         int    `json:"total"`
}

// QueueSummary counts a batch's or a list of jobs' states (reference fields).
type QueueSummary struct {
	BatchID   string `json:"batch_id,omitempty"`
	Requested int    `json:"requested"`
	Queued    int    `json:"queued"`
	Running   int    `json:"running"`
	Done      int    `json:"done"`
	Failed    int    `json:"failed"`
	Cancelled int    `json:"cancelled"`
	Total     int    `json:"total"`
}

func (s *Server) queueRoutes() []Route {
	if s.deps.Jobs == nil {
		return nil
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/system/queues", Tag: "jobs", Access: Authenticated, Resp: QueueStatus{},
			Summary: "Queue counts of the caller's organization", Handle: s.queues},
		{Method: "GET", Path: "/api/v1/system/queues/summary", Tag: "jobs", Access: Authenticated, Resp: QueueSummary{},
			Summary: "Counts for ?batch_id= or ?job_ids=a,b,c", Handle: s.queueSummary},
	}
}

func (s *Server) queues(w http.ResponseWriter, r *http.Request) error {
	c, err := s.deps.Jobs.Counts(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	out := QueueStatus{Enabled: true, Broker: "river", ResultBackend: string(s.deps.DB.Engine()), Queue: "default",
		RedisOK: true, Pending: c[job.StatusQueued], Workers: s.deps.Jobs.Workers, Running: c[job.StatusRunning],
		Processed: c[job.StatusCompleted], Failed: c[job.StatusFailed], Cancelled: c[job.StatusCancelled]}
	out.Total = out.Pending + out.Running + out.Processed + out.Failed + out.Cancelled
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) queueSummary(w http.ResponseWriter, r *http.Request) error {
	batchID, ids := r.URL.Query().Get("batch_id"), r.URL.Query().Get("job_ids")
	if batchID == "" && ids == "" {
		return apperr.Field("batch_id", "give batch_id or job_ids")
	}
	sc := callerScope(r)
	var jobs []job.Job
	requested := 0
	if batchID != "" {
		_, all, err := s.deps.Jobs.GetBatch(r.Context(), sc, batchID)
		if err != nil {
			return err
		}
		jobs = job.Latest(all)
		requested = len(jobs)
	} else {
		for _, id := range strings.Split(ids, ",") {
			if id = strings.TrimSpace(id); id == "" {
				continue
			}
			requested++
			if j, err := s.deps.Jobs.Get(r.Context(), sc, id); err == nil {
				jobs = append(jobs, j)
			}
		}
	}
	out := QueueSummary{BatchID: batchID, Requested: requested}
	for _, j := range jobs {
		switch j.Status {
		case job.StatusQueued:
			out.Queued++
		case job.StatusRunning:
			out.Running++
		case job.StatusCompleted:
			out.Done++
		case job.StatusFailed:
			out.Failed++
		case job.StatusCancelled:
			out.Cancelled++
		}
	}
	out.Total = len(jobs)
	writeJSON(w, http.StatusOK, out)
	return nil
}
