package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/pipeline"
)

// ProcessOptions are the processing options of a request (V1Options plus
// the engine); omitted ones come from the organization's settings.
type ProcessOptions struct {
	AutoOptimize      *bool           `json:"auto_optimize,omitempty"`
	QualityThresholds *job.Thresholds `json:"quality_thresholds,omitempty"`
	ExtractionEngine  string          `json:"extraction_engine,omitempty" doc:"native, docling, default or auto"`
}

func (o ProcessOptions) job() job.Options {
	return job.Options{AutoOptimize: o.AutoOptimize, QualityThresholds: o.QualityThresholds, ExtractionEngine: o.ExtractionEngine}
}

// Enqueued is the 202 answer of a request that queued a job.
type Enqueued struct {
	JobID      string    `json:"job_id"`
	DocumentID string    `json:"document_id"`
	Status     string    `json:"status"`
	EnqueuedAt time.Time `json:"enqueued_at"`
}

// BatchProcessRequest processes several documents with the same options.
type BatchProcessRequest struct {
	DocumentIDs []string        `json:"document_ids"`
	Options     *ProcessOptions `json:"options,omitempty"`
}

// BatchJob is one job a batch request queued.
type BatchJob struct {
	DocumentID string `json:"document_id"`
	JobID      string `json:"job_id"`
	Status     string `json:"status"`
}

// BatchConflict is a document of a batch request that got no job.
type BatchConflict struct {
	DocumentID  string `json:"document_id"`
	Status      string `json:"status"`
	ActiveJobID string `json:"active_job_id,omitempty"`
	Error       string `json:"error,omitempty"`
}

// BatchProcessResponse is what a batch request queued.
type BatchProcessResponse struct {
	BatchID   string          `json:"batch_id"`
	Jobs      []BatchJob      `json:"jobs"`
	Conflicts []BatchConflict `json:"conflicts"`
	Total     int             `json:"total"`
}

// ContentUpdate is an edit of a document's Markdown.
type ContentUpdate struct {
	Content                 string          `json:"content"`
	ImprovementPrompt       string          `json:"improvement_prompt,omitempty"`
	ApplyVectorOptimization bool            `json:"apply_vector_optimization,omitempty"`
	Options                 *ProcessOptions `json:"options,omitempty"`
}

// ContentResponse is a document's current Markdown.
type ContentResponse struct {
	DocumentID string `json:"document_id"`
	Version    int    `json:"version"`
	Kind       string `json:"kind"`
	Content    string `json:"content"`
}

// VersionResponse is one Markdown version.
type VersionResponse struct {
	Number    int       `json:"number"`
	Kind      string    `json:"kind"`
	Size      int64     `json:"size"`
	Pages     int       `json:"pages"`
	JobID     string    `json:"job_id,omitempty"`
	Note      string    `json:"note,omitempty"`
	Rejected  string    `json:"rejected,omitempty"`
	CreatedAt time.Time `json:"created_at"`
	Current   bool      `json:"current"`
	Content   *string   `json:"content,omitempty"`
}

// VersionList is a document's versions, oldest first.
type VersionList struct {
	DocumentID     string            `json:"document_id"`
	CurrentVersion int               `json:"current_version"`
	Versions       []VersionResponse `json:"versions"`
}

// ResultResponse is a stored processing result: the V1ProcessingResult
// fields and what Curatore adds.
type ResultResponse struct {
	ResultID string `json:"result_id"`
	JobID    string `json:"job_id,omitempty"`
	pipeline.Result
}

// ResultList is every processing run of a document, newest first.
type ResultList struct {
	Results []ResultResponse `json:"results"`
	Total   int              `json:"total"`
}

func (s *Server) processingRoutes() []Route {
	if s.deps.Jobs == nil || s.deps.Documents == nil {
		return nil
	}
	const p = "/api/v1/documents"
	return []Route{
		{Method: "POST", Path: p + "/{id}/process", Tag: "processing", Access: Writer, Status: http.StatusAccepted,
			Body: ProcessOptions{}, Resp: Enqueued{}, Handle: s.process,
			Summary: "Queue processing of a document (409 with active_job_id while one is queued or running)"},
		{Method: "POST", Path: p + "/batch/process", Tag: "processing", Access: Writer, Status: http.StatusAccepted,
			Body: BatchProcessRequest{}, Resp: BatchProcessResponse{}, Handle: s.processBatch,
			Summary: "Queue processing of several documents as a batch"},
		{Method: "POST", Path: p + "/{id}/evaluate", Tag: "processing", Access: Writer, Status: http.StatusAccepted,
			Body: ProcessOptions{}, Resp: Enqueued{}, Handle: s.evaluate, Summary: "Queue the LLM review of the current version again"},
		{Method: "GET", Path: p + "/{id}/result", Tag: "processing", Access: Authenticated, Resp: ResultResponse{},
			Summary: "The latest processing result (V1ProcessingResult shape)", Handle: s.result},
		{Method: "GET", Path: p + "/{id}/results", Tag: "processing", Access: Authenticated, Resp: ResultList{},
			Summary: "Every processing result of a document, newest first", Handle: s.results},
		{Method: "GET", Path: p + "/{id}/versions", Tag: "processing", Access: Authenticated, Resp: VersionList{},
			Summary: "The document's Markdown versions (extracted, optimized, edited)", Handle: s.versions},
		{Method: "GET", Path: p + "/{id}/versions/{n}", Tag: "processing", Access: Authenticated, Resp: VersionResponse{},
			Summary: "One version with its Markdown", Handle: s.version},
		{Method: "GET", Path: p + "/{id}/content", Tag: "processing", Access: Authenticated, Resp: ContentResponse{},
			Summary: "The current Markdown", Handle: s.content},
		{Method: "PUT", Path: p + "/{id}/content", Tag: "processing", Access: Writer, Status: http.StatusAccepted,
			Body: ContentUpdate{}, Resp: Enqueued{}, Handle: s.editContent,
			Summary: "Store an edit as a new version and queue its re-scoring"},
	}
}

func enqueued(j job.Job) Enqueued {
	return Enqueued{JobID: j.ID, DocumentID: j.DocumentID, Status: j.Status, EnqueuedAt: j.EnqueuedAt}
}

// optionalBody decodes a JSON body into dst when there is one.
func optionalBody(w http.ResponseWriter, r *http.Request, dst any) error {
	if r.ContentLength == 0 {
		return nil
	}
	return DecodeJSON(w, r, dst)
}

func (s *Server) process(w http.ResponseWriter, r *http.Request) error {
	var in ProcessOptions
	if err := optionalBody(w, r, &in); err != nil {
		return err
	}
	j, err := s.deps.Jobs.Process(r.Context(), callerScope(r), r.PathValue("id"), in.job())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, enqueued(j))
	return nil
}

func (s *Server) evaluate(w http.ResponseWriter, r *http.Request) error {
	var in ProcessOptions
	if err := optionalBody(w, r, &in); err != nil {
		return err
	}
	j, err := s.deps.Jobs.Evaluate(r.Context(), callerScope(r), r.PathValue("id"), in.job())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, enqueued(j))
	return nil
}

func (s *Server) processBatch(w http.ResponseWriter, r *http.Request) error {
	var in BatchProcessRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	var o ProcessOptions
	if in.Options != nil {
		o = *in.Options
	}
	res, err := s.deps.Jobs.ProcessBatch(r.Context(), callerScope(r), in.DocumentIDs, o.job())
	if err != nil {
		return err
	}
	out := BatchProcessResponse{BatchID: res.Batch.ID, Jobs: make([]BatchJob, 0, len(res.Jobs)),
		Conflicts: make([]BatchConflict, 0, len(res.Conflicts))}
	for _, j := range res.Jobs {
		out.Jobs = append(out.Jobs, BatchJob{DocumentID: j.DocumentID, JobID: j.ID, Status: j.Status})
	}
	for _, c := range res.Conflicts {
		bc := BatchConflict{DocumentID: c.DocumentID, Status: "conflict", ActiveJobID: c.ActiveJobID, Error: c.Error}
		if c.Error != "" {
			bc.Status = "not_found"
		}
		out.Conflicts = append(out.Conflicts, bc)
	}
	out.Total = len(out.Jobs) + len(out.Conflicts)
	writeJSON(w, http.StatusAccepted, out)
	return nil
}

func resultResponse(r document.StoredResult) ResultResponse {
	return ResultResponse{ResultID: r.ID, JobID: r.JobID, Result: r.Result}
}

func (s *Server) result(w http.ResponseWriter, r *http.Request) error {
	res, err := s.deps.Documents.Result(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, resultResponse(res))
	return nil
}

func (s *Server) results(w http.ResponseWriter, r *http.Request) error {
	all, err := s.deps.Documents.Results(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	out := ResultList{Results: make([]ResultResponse, 0, len(all)), Total: len(all)}
	for _, res := range all {
		out.Results = append(out.Results, resultResponse(res))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func versionResponse(v document.Version, current int) VersionResponse {
	return VersionResponse{Number: v.Number, Kind: v.Kind, Size: v.Size, Pages: len(v.Pages), JobID: v.JobID,
		Note: v.Note, Rejected: v.Rejected, CreatedAt: v.CreatedAt, Current: v.Number == current}
}

func (s *Server) versions(w http.ResponseWriter, r *http.Request) error {
	sc, id := callerScope(r), r.PathValue("id")
	d, err := s.deps.Documents.Get(r.Context(), sc, id)
	if err != nil {
		return err
	}
	vs, err := s.deps.Documents.Versions(r.Context(), sc, id)
	if err != nil {
		return err
	}
	out := VersionList{DocumentID: id, CurrentVersion: d.CurrentVersion, Versions: make([]VersionResponse, 0, len(vs))}
	for _, v := range vs {
		out.Versions = append(out.Versions, versionResponse(v, d.CurrentVersion))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) version(w http.ResponseWriter, r *http.Request) error {
	n, err := versionParam(r.PathValue("n"))
	if err != nil || n == 0 {
		return apperr.NotFoundf("version")
	}
	d, v, md, err := s.deps.Documents.Markdown(r.Context(), callerScope(r), r.PathValue("id"), n)
	if err != nil {
		return err
	}
	out := versionResponse(v, d.CurrentVersion)
	out.Content = &md
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) content(w http.ResponseWriter, r *http.Request) error {
	_, v, md, err := s.deps.Documents.Markdown(r.Context(), callerScope(r), r.PathValue("id"), 0)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, ContentResponse{DocumentID: v.DocumentID, Version: v.Number, Kind: v.Kind, Content: md})
	return nil
}

// editContent accepts the plain body and the reference's two-part form
// {"request": {...}, "options": {...}}.
func (s *Server) editContent(w http.ResponseWriter, r *http.Request) error {
	var raw map[string]json.RawMessage
	if err := DecodeJSON(w, r, &raw); err != nil {
		return err
	}
	var in ContentUpdate
	body := raw
	if req, ok := raw["request"]; ok {
		if err := json.Unmarshal(req, &body); err != nil {
			return apperr.Field("request", "must be an object")
		}
		if opts, ok := raw["options"]; ok {
			body["options"] = opts
		}
	}
	b, _ := json.Marshal(body)
	if err := json.Unmarshal(b, &in); err != nil {
		return apperr.Field("body", "content must be a string; options an object")
	}
	var o ProcessOptions
	if in.Options != nil {
		o = *in.Options
	}
	jo := o.job()
	jo.ImprovementPrompt = in.ImprovementPrompt
	if jo.AutoOptimize == nil {
		optimize := in.ApplyVectorOptimization
		jo.AutoOptimize = &optimize
	}
	j, err := s.deps.Jobs.Edit(r.Context(), callerScope(r), r.PathValue("id"), in.Content, jo)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, enqueued(j))
	return nil
}
