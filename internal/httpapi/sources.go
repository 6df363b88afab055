package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/source"
)

// SourceRequest creates a source (name and folder_url required) or
// updates one (fields left out stay).
type SourceRequest struct {
	Name               *string         `json:"name,omitempty"`
	FolderURL          *string         `json:"folder_url,omitempty" doc:"a SharePoint folder URL or sharing link"`
	Recursive          *bool           `json:"recursive,omitempty"`
	ProcessAfterImport *bool           `json:"process_after_import,omitempty"`
	Options            *ProcessOptions `json:"options,omitempty" doc:"processing options of the jobs a sync queues"`
}

// LastSync is a source's latest sync.
type LastSync struct {
	JobID      string         `json:"job_id"`
	Status     string         `json:"status"`
	StartedAt  *time.Time     `json:"started_at"`
	FinishedAt *time.Time     `json:"finished_at"`
	Counts     *source.Counts `json:"counts"`
	Error      *string        `json:"error"`
}

// SourceResponse is a source as the API shows it.
type SourceResponse struct {
	ID                 string      `json:"id"`
	Name               string      `json:"name"`
	Kind               string      `json:"kind"`
	FolderURL          string      `json:"folder_url"`
	Recursive          bool        `json:"recursive"`
	ProcessAfterImport bool        `json:"process_after_import"`
	Options            job.Options `json:"options"`
	FolderName         string      `json:"folder_name,omitempty"`
	DriveID            string      `json:"drive_id,omitempty"`
	LastSync           *LastSync   `json:"last_sync"`
	CreatedAt          time.Time   `json:"created_at"`
	UpdatedAt          time.Time   `json:"updated_at"`
}

// SourceList is the organization's sources.
type SourceList struct {
	Sources []SourceResponse `json:"sources"`
	Total   int              `json:"total"`
}

func (s *Server) sourceRoutes() []Route {
	if s.deps.Sources == nil {
		return nil
	}
	const p = "/api/v1/sources"
	return []Route{
		{Method: "GET", Path: p, Tag: "sources", Access: Authenticated, Resp: SourceList{}, Handle: s.listSources,
			Summary: "The organization's SharePoint sources with their last sync"},
		{Method: "POST", Path: p, Tag: "sources", Access: Writer, Body: SourceRequest{}, Resp: SourceResponse{},
			Status: http.StatusCreated, Handle: s.createSource, Summary: "Save a SharePoint folder as a source"},
		{Method: "GET", Path: p + "/{id}", Tag: "sources", Access: Authenticated, Resp: SourceResponse{}, Handle: s.getSource,
			Summary: "A source with its last sync: counts of new, changed, unchanged, deleted, failed"},
		{Method: "PUT", Path: p + "/{id}", Tag: "sources", Access: Writer, Body: SourceRequest{}, Resp: SourceResponse{},
			Handle: s.updateSource, Summary: "Change a source (a new folder or depth starts the next sync over)"},
		{Method: "DELETE", Path: p + "/{id}", Tag: "sources", Access: Writer, Status: http.StatusNoContent, Handle: s.deleteSource,
			Summary: "Delete a source (its documents stay)"},
		{Method: "POST", Path: p + "/{id}/sync", Tag: "sources", Access: Writer, Resp: TaskEnqueued{}, Status: http.StatusAccepted,
			Handle: s.syncSource, Summary: "Sync a source with Graph delta queries (a job: 202, progress at /jobs/{id}/events)"},
	}
}

// sourceResponse shows a source with its latest sync: the job read with
// the source (its status, times and error), the stored counts only while
// that job is the completed sync that wrote them.
func sourceResponse(src source.Source) SourceResponse {
	out := SourceResponse{ID: src.ID, Name: src.Name, Kind: src.Kind, FolderURL: src.FolderURL, Recursive: src.Recursive,
		ProcessAfterImport: src.ProcessAfterImport, Options: src.Options, FolderName: src.FolderName, DriveID: src.DriveID,
		CreatedAt: src.CreatedAt, UpdatedAt: src.UpdatedAt}
	if src.LastSyncJobID == "" {
		return out
	}
	ls := &LastSync{JobID: src.LastSyncJobID, Status: src.LastSyncStatus, Counts: src.LastSync}
	if j := src.LastSyncJob; j != nil {
		ls.Status, ls.StartedAt, ls.FinishedAt = j.Status, j.StartedAt, j.FinishedAt
		if j.Error != "" {
			ls.Error = &j.Error
		}
		if j.Status != job.StatusCompleted {
			ls.Counts = nil // the counts stored are an earlier sync's
		}
	}
	out.LastSync = ls
	return out
}

func (in SourceRequest) input() source.Input {
	out := source.Input{Name: in.Name, FolderURL: in.FolderURL, Recursive: in.Recursive, ProcessAfterImport: in.ProcessAfterImport}
	if in.Options != nil {
		o := in.Options.job()
		out.Options = &o
	}
	return out
}

func (s *Server) listSources(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Sources.List(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	out := SourceList{Sources: make([]SourceResponse, 0, len(list)), Total: len(list)}
	for _, src := range list {
		out.Sources = append(out.Sources, sourceResponse(src))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createSource(w http.ResponseWriter, r *http.Request) error {
	var in SourceRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	src, err := s.deps.Sources.Create(r.Context(), callerScope(r), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, sourceResponse(src))
	return nil
}

func (s *Server) getSource(w http.ResponseWriter, r *http.Request) error {
	src, err := s.deps.Sources.Get(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sourceResponse(src))
	return nil
}

func (s *Server) updateSource(w http.ResponseWriter, r *http.Request) error {
	var in SourceRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	src, err := s.deps.Sources.Update(r.Context(), callerScope(r), r.PathValue("id"), in.input())
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, sourceResponse(src))
	return nil
}

func (s *Server) deleteSource(w http.ResponseWriter, r *http.Request) error {
	if err := s.deps.Sources.Delete(r.Context(), callerScope(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) syncSource(w http.ResponseWriter, r *http.Request) error {
	j, err := s.deps.Sources.Sync(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, TaskEnqueued{JobID: j.ID, Kind: j.Kind, SourceID: j.SourceID, Status: j.Status,
		Events: "/api/v1/jobs/" + j.ID + "/events"})
	return nil
}
