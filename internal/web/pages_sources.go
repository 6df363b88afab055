package web

import (
	"net/http"
	"strings"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/source"
)

// SourceRow is one source on the sources page with its latest sync: the
// sync job (its status, live while it runs) and the counts of the last
// completed sync.
type SourceRow struct {
	Source source.Source
	Sync   *job.Job // the latest sync job (nil: never synced)
	Active bool     // that job is queued or running
}

// SourceForm is the create or edit form of a source.
type SourceForm struct {
	ID                 string // "" when creating
	Name               string
	FolderURL          string
	Recursive          bool
	ProcessAfterImport bool
	AutoOptimize       string // "", "on" or "off": the organization's setting, yes, no
}

// SourcesData is the sources page.
type SourcesData struct {
	Rows     []SourceRow
	Form     *SourceForm // the edit form (nil: the create form, empty)
	New      SourceForm  // the create form's values
	Active   bool        // a sync is running: the page listens for progress
	RowError map[string]string
}

func (u *UI) sourceRoutes() {
	if u.deps.Sources == nil || u.deps.Jobs == nil {
		return
	}
	u.page("GET /sources", signedIn, u.sourcesPage)
	u.page("GET /sources/events", signedIn, u.sourcesEvents)
	u.page("POST /sources", writer, u.saveSource)
	u.page("POST /sources/{id}", writer, u.saveSource)
	u.page("POST /sources/{id}/delete", writer, u.deleteSource)
	u.page("POST /sources/{id}/sync", writer, u.syncSource)
	u.page("GET /sources/inventory", writer, u.inventoryPage)
	u.page("POST /sources/inventory", writer, u.runInventory)
	u.page("POST /sources/import", writer, u.importFiles)
	u.page("GET /jobs/{id}", signedIn, u.jobPage)
	u.page("GET /jobs/{id}/events", signedIn, u.jobEvents)
}

func (u *UI) sourcesPage(w http.ResponseWriter, r *http.Request, v *View) error {
	d := &SourcesData{New: SourceForm{Recursive: true}}
	if id := r.URL.Query().Get("edit"); id != "" && v.CanWrite() {
		src, err := u.deps.Sources.Get(r.Context(), v.Scope, id)
		if err != nil {
			return err
		}
		d.Form = formOfSource(src)
	}
	return u.renderSources(w, r, v, d)
}

// formOfSource fills the edit form from a stored source.
func formOfSource(src source.Source) *SourceForm {
	f := &SourceForm{ID: src.ID, Name: src.Name, FolderURL: src.FolderURL, Recursive: src.Recursive,
		ProcessAfterImport: src.ProcessAfterImport}
	if a := src.Options.AutoOptimize; a != nil {
		f.AutoOptimize = map[bool]string{true: "on", false: "off"}[*a]
	}
	return f
}

// loadSources reads the organization's sources, each with its latest sync
// job (one query).
func (u *UI) loadSources(r *http.Request, sc auth.Scope) ([]SourceRow, error) {
	list, err := u.deps.Sources.List(r.Context(), sc)
	if err != nil {
		return nil, err
	}
	rows := make([]SourceRow, 0, len(list))
	for _, src := range list {
		row := SourceRow{Source: src, Sync: src.LastSyncJob}
		row.Active = row.Sync != nil && job.Active(row.Sync.Status)
		rows = append(rows, row)
	}
	return rows, nil
}

func (u *UI) renderSources(w http.ResponseWriter, r *http.Request, v *View, d *SourcesData) error {
	rows, err := u.loadSources(r, v.Scope)
	if err != nil {
		return err
	}
	d.Rows = rows
	for _, row := range rows {
		d.Active = d.Active || row.Active
	}
	v.Title, v.Section, v.Data = "Sources", "sources", d
	u.render(w, r, "sources", v)
	return nil
}

// sourcesEvents streams the progress of the sources' running syncs.
func (u *UI) sourcesEvents(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.streamJobs(w, r, func() ([]JobRow, error) {
		rows, err := u.loadSources(r, v.Scope)
		if err != nil {
			return nil, err
		}
		var out []JobRow
		for _, row := range rows {
			if row.Sync != nil {
				out = append(out, JobRow{Job: *row.Sync, Filename: row.Source.Name, ETA: etaText(*row.Sync)})
			}
		}
		return out, nil
	})
}

// sourceFormValues reads the source form as submitted.
func sourceFormValues(r *http.Request, id string) (SourceForm, source.Input) {
	f := SourceForm{ID: id, Name: r.PostFormValue("name"), FolderURL: r.PostFormValue("folder_url"),
		Recursive: r.PostFormValue("recursive") == "on", ProcessAfterImport: r.PostFormValue("process_after_import") == "on",
		AutoOptimize: r.PostFormValue("auto_optimize")}
	in := source.Input{Name: &f.Name, FolderURL: &f.FolderURL, Recursive: &f.Recursive, ProcessAfterImport: &f.ProcessAfterImport,
		Options: &job.Options{}}
	switch f.AutoOptimize {
	case "on", "off":
		on := f.AutoOptimize == "on"
		in.Options.AutoOptimize = &on
	default:
		f.AutoOptimize = ""
	}
	return f, in
}

// saveSource creates a source (POST /sources) or changes one (POST
// /sources/{id}); a refused save shows the form again with each field's
// reason beside it.
func (u *UI) saveSource(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	f, in := sourceFormValues(r, id)
	var src source.Source
	var err error
	if id == "" {
		src, err = u.deps.Sources.Create(r.Context(), v.Scope, in)
	} else {
		src, err = u.deps.Sources.Update(r.Context(), v.Scope, id, in)
	}
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError || v.Status == http.StatusNotFound {
			return err
		}
		d := &SourcesData{New: f}
		if id != "" {
			d.Form = &f
		}
		return u.renderSources(w, r, v, d)
	}
	return u.redirect(w, r, "/sources#s-"+src.ID, "Saved "+src.Name+".")
}

func (u *UI) deleteSource(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.rowAction(w, r, v, func(id string) (string, error) {
		return "The source is deleted; its documents stay.", u.deps.Sources.Delete(r.Context(), v.Scope, id)
	})
}

// syncSource queues a sync and shows its live progress on the list.
func (u *UI) syncSource(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.rowAction(w, r, v, func(id string) (string, error) {
		_, err := u.deps.Sources.Sync(r.Context(), v.Scope, id)
		return "Sync started.", err
	})
}

// rowAction runs an action on one source: success goes back to the list
// with a message, a refusal is shown in words beside the source's row.
func (u *UI) rowAction(w http.ResponseWriter, r *http.Request, v *View, act func(id string) (string, error)) error {
	id := r.PathValue("id")
	msg, err := act(id)
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError || v.Status == http.StatusNotFound {
			return err
		}
		msg, v.Error = v.Error, ""
		return u.renderSources(w, r, v, &SourcesData{New: SourceForm{Recursive: true}, RowError: map[string]string{id: msg}})
	}
	return u.redirect(w, r, "/sources#s-"+id, msg)
}

// trimmed is a form value without surrounding spaces.
func trimmed(r *http.Request, name string) string { return strings.TrimSpace(r.FormValue(name)) }
