package web

import (
	"net/http"

	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/source"
)

// inventoryLimit is how many items the inventory page lists ("Import all"
// still imports every file of the folder).
const inventoryLimit = 2000

// InventoryData is the inventory page: the folder asked for and, once
// listed, its files to choose from.
type InventoryData struct {
	FolderURL string
	Recursive bool
	Listed    bool // an inventory ran (Items may be empty)
	Folder    source.Folder
	Items     []source.Item
	Truncated bool // the folder has more files than the page lists
	Limit     int
}

// JobData is a task job's page (an import or a sync): live progress, its
// log, and the source it belongs to.
type JobData struct {
	Job    job.Job
	ETA    string
	Logs   []job.Log
	Source *source.Source
	Active bool
}

func (u *UI) inventoryPage(w http.ResponseWriter, r *http.Request, v *View) error {
	d := &InventoryData{FolderURL: trimmed(r, "folder_url"), Recursive: r.URL.Query().Get("recursive") != "off", Limit: inventoryLimit}
	return u.renderInventory(w, r, v, d)
}

func (u *UI) renderInventory(w http.ResponseWriter, r *http.Request, v *View, d *InventoryData) error {
	v.Title, v.Section, v.Data = "Inventory", "sources", d
	u.render(w, r, "inventory", v)
	return nil
}

// runInventory lists a shared folder through Graph and shows its files
// with checkboxes; a link that does not resolve is explained beside the
// field.
func (u *UI) runInventory(w http.ResponseWriter, r *http.Request, v *View) error {
	d := &InventoryData{FolderURL: trimmed(r, "folder_url"), Recursive: r.PostFormValue("recursive") == "on", Limit: inventoryLimit}
	inv, err := u.deps.Sources.Inventory(r.Context(), v.Scope, source.InventoryRequest{FolderURL: d.FolderURL,
		Recursive: d.Recursive, MaxItems: inventoryLimit + 1})
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		if v.Fields["folder_url"] != "" {
			v.Error = "" // the reason beside the field says it; Graph's own text is for the log
		}
		return u.renderInventory(w, r, v, d)
	}
	d.Listed, d.Folder, d.Items = true, inv.Folder, inv.Items
	if len(d.Items) > inventoryLimit {
		d.Items, d.Truncated = d.Items[:inventoryLimit], true
	}
	return u.renderInventory(w, r, v, d)
}

// importFiles queues an import of the chosen files (or all) and shows the
// job's live progress.
func (u *UI) importFiles(w http.ResponseWriter, r *http.Request, v *View) error {
	d := &InventoryData{FolderURL: trimmed(r, "folder_url"), Recursive: r.PostFormValue("recursive") == "on", Limit: inventoryLimit}
	req := source.ImportRequest{FolderURL: d.FolderURL, Recursive: d.Recursive, All: r.PostFormValue("all") == "1"}
	if !req.All {
		req.ItemIDs = selectedIDs(r)
		if len(req.ItemIDs) == 0 {
			v.Error, v.Status = "Select at least one file to import, or choose Import all.", http.StatusUnprocessableEntity
			return u.renderInventory(w, r, v, d)
		}
	}
	j, err := u.deps.Sources.Import(r.Context(), v.Scope, req)
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		if msg := v.Fields["item_ids"]; msg != "" && v.Error == "" {
			v.Error = msg
		}
		return u.renderInventory(w, r, v, d)
	}
	return u.redirect(w, r, "/jobs/"+j.ID, "Import started.")
}

// jobPage shows a job with its log; while it runs, its progress is live.
func (u *UI) jobPage(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	j, err := u.deps.Jobs.Get(r.Context(), v.Scope, id)
	if err != nil {
		return err
	}
	if j.DocumentID != "" {
		return u.redirect(w, r, "/documents/"+j.DocumentID, "")
	}
	d := &JobData{Job: j, ETA: etaText(j), Active: job.Active(j.Status)}
	if d.Logs, err = u.deps.Jobs.Logs(r.Context(), v.Scope, id, 0); err != nil {
		return err
	}
	if j.SourceID != "" {
		if src, err := u.deps.Sources.Get(r.Context(), v.Scope, j.SourceID); err == nil {
			d.Source = &src
		}
	}
	v.Title, v.Section, v.Data = jobTitle(d), "sources", d
	u.render(w, r, "job", v)
	return nil
}

// jobTitle names a task job in words.
func jobTitle(d *JobData) string {
	switch {
	case d.Job.Kind == job.KindSync && d.Source != nil:
		return "Sync of " + d.Source.Name
	case d.Job.Kind == job.KindSync:
		return "Sync"
	case d.Job.Kind == job.KindImport:
		return "Import from SharePoint"
	}
	return "Job"
}

// jobEvents streams one job's progress (see streamJobs).
func (u *UI) jobEvents(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	if _, err := u.deps.Jobs.Get(r.Context(), v.Scope, id); err != nil {
		return err
	}
	return u.streamJobs(w, r, func() ([]JobRow, error) {
		j, err := u.deps.Jobs.Get(r.Context(), v.Scope, id)
		if err != nil {
			return nil, err
		}
		return []JobRow{{Job: j, ETA: etaText(j)}}, nil
	})
}
