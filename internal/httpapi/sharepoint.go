package httpapi

import (
	"net/http"

	"github.com/curatore/curatore/internal/source"
)

// InventoryRequest is POST /sharepoint/inventory (the reference's shape).
type InventoryRequest struct {
	FolderURL      string `json:"folder_url" doc:"a SharePoint folder URL or sharing link"`
	Recursive      bool   `json:"recursive,omitempty"`
	IncludeFolders bool   `json:"include_folders,omitempty"`
	PageSize       int    `json:"page_size,omitempty" doc:"1–2000, default 200 (Graph pages hold at most 999)"`
	MaxItems       *int   `json:"max_items,omitempty" doc:"at least 1; no limit when left out"`
}

// ImportRequest is POST /sharepoint/import.
type ImportRequest struct {
	FolderURL string   `json:"folder_url"`
	ItemIDs   []string `json:"item_ids,omitempty" doc:"drive item ids from an inventory (its items' id)"`
	All       bool     `json:"all,omitempty" doc:"import every file instead of item_ids"`
	Recursive bool     `json:"recursive,omitempty"`
}

// TaskEnqueued is the 202 answer of a request that queued an import or a sync.
type TaskEnqueued struct {
	JobID    string `json:"job_id"`
	Kind     string `json:"kind"`
	SourceID string `json:"source_id,omitempty"`
	Status   string `json:"status"`
	// Events is where the job's progress streams (Server-Sent Events).
	Events string `json:"events"`
}

func (s *Server) sharePointRoutes() []Route {
	if s.deps.Sources == nil {
		return nil
	}
	const p = "/api/v1/sharepoint"
	return []Route{
		{Method: "POST", Path: p + "/inventory", Tag: "sharepoint", Access: Writer, Body: InventoryRequest{}, Resp: source.Inventory{},
			Handle: s.inventory, Summary: "List a shared folder's files (and folders) through the organization's sharepoint connection"},
		{Method: "POST", Path: p + "/import", Tag: "sharepoint", Access: Writer, Body: ImportRequest{}, Resp: TaskEnqueued{},
			Status: http.StatusAccepted, Handle: s.importSharePoint,
			Summary: "Import files of a shared folder as documents (a job: 202, progress at /jobs/{id}/events)"},
	}
}

func (s *Server) inventory(w http.ResponseWriter, r *http.Request) error {
	var in InventoryRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	req := source.InventoryRequest{FolderURL: in.FolderURL, Recursive: in.Recursive, IncludeFolders: in.IncludeFolders,
		PageSize: in.PageSize}
	if in.MaxItems != nil {
		req.MaxItems = *in.MaxItems
		if req.MaxItems < 1 {
			req.MaxItems = -1 // refused by the service with the field named
		}
	}
	inv, err := s.deps.Sources.Inventory(r.Context(), callerScope(r), req)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, inv)
	return nil
}

func (s *Server) importSharePoint(w http.ResponseWriter, r *http.Request) error {
	var in ImportRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	j, err := s.deps.Sources.Import(r.Context(), callerScope(r), source.ImportRequest{FolderURL: in.FolderURL,
		ItemIDs: in.ItemIDs, All: in.All, Recursive: in.Recursive})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusAccepted, TaskEnqueued{JobID: j.ID, Kind: j.Kind, Status: j.Status, Events: "/api/v1/jobs/" + j.ID + "/events"})
	return nil
}
