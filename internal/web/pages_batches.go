package web

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
)

// JobRow is one document's job on a batch page.
type JobRow struct {
	Job      job.Job
	Filename string
	ETA      string
}

// BatchData is a batch page: its jobs with live progress.
type BatchData struct {
	Batch    job.Batch
	Rows     []JobRow
	Counts   map[string]int
	Progress int // percent of the batch's documents finished
	Active   bool
}

func (u *UI) batchRoutes() {
	u.page("GET /batches/{id}", signedIn, u.batchPage)
	u.page("GET /batches/{id}/events", signedIn, u.batchEvents)
	u.page("POST /batches/{id}/cancel", writer, u.cancelBatch)
	u.page("POST /batches/{id}/retry", writer, u.retryBatch)
	u.page("POST /jobs/{id}/cancel", writer, u.cancelJob)
	u.page("POST /jobs/{id}/retry", writer, u.retryJob)
}

// loadBatch reads a batch, its latest job per document and their files' names.
func (u *UI) loadBatch(r *http.Request, sc auth.Scope, id string) (*BatchData, error) {
	b, jobs, err := u.deps.Jobs.GetBatch(r.Context(), sc, id)
	if err != nil {
		return nil, err
	}
	latest := job.Latest(jobs)
	ids := make([]string, len(latest))
	for i, j := range latest {
		ids[i] = j.DocumentID
	}
	docs, err := document.GetMany(r.Context(), u.deps.DB, sc.OrgID, ids)
	if err != nil {
		return nil, err
	}
	d := &BatchData{Batch: b, Counts: job.BatchCounts(jobs)}
	finished := 0
	for _, j := range latest {
		d.Rows = append(d.Rows, JobRow{Job: j, Filename: docs[j.DocumentID].Filename, ETA: etaText(j)})
		if job.Active(j.Status) {
			d.Active = true
		} else {
			finished++
		}
	}
	if len(latest) > 0 {
		d.Progress = finished * 100 / len(latest)
	}
	return d, nil
}

// etaText says how long a running job has left, roughly.
func etaText(j job.Job) string {
	if j.Status != job.StatusRunning || j.ETASeconds == nil {
		return ""
	}
	s := *j.ETASeconds
	if s < 60 {
		return fmt.Sprintf("about %d s left", s)
	}
	return fmt.Sprintf("about %d min left", (s+59)/60)
}

func (u *UI) batchPage(w http.ResponseWriter, r *http.Request, v *View) error {
	d, err := u.loadBatch(r, v.Scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	v.Title, v.Section, v.Data = "Processing", "documents", d
	u.render(w, r, "batch", v)
	return nil
}

// jobEvent is what the page's script reads from a "job" event.
type jobEvent struct {
	ID       string  `json:"id"`
	Status   string  `json:"status"`
	Progress float64 `json:"progress"` // 0–1
	Stage    string  `json:"stage"`
	ETA      string  `json:"eta"`
}

// batchEvents streams a batch's progress (see streamJobs).
func (u *UI) batchEvents(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	if _, err := u.loadBatch(r, v.Scope, id); err != nil {
		return err
	}
	return u.streamJobs(w, r, func() ([]JobRow, error) {
		d, err := u.loadBatch(r, v.Scope, id)
		if err != nil {
			return nil, err
		}
		return d.Rows, nil
	})
}

// streamJobs sends jobs' progress as Server-Sent Events: a "job" event
// whenever a job's status, stage or percent changes, a "batch" event with
// the share finished, and "done" once no job is active. It wakes on this
// process's job changes and polls every second for other workers'.
func (u *UI) streamJobs(w http.ResponseWriter, r *http.Request, load func() ([]JobRow, error)) error {
	w.Header().Set("Content-Type", "text/event-stream")
	w.Header().Set("Cache-Control", "no-cache")
	w.Header().Set("X-Accel-Buffering", "no")
	rc := http.NewResponseController(w)
	seen := map[string]string{}
	for {
		_ = rc.SetWriteDeadline(time.Now().Add(time.Minute))
		rows, err := load()
		if err != nil {
			return nil // the stream is open: the browser reconnects
		}
		active, finished := false, 0
		for _, row := range rows {
			j := row.Job
			ev := jobEvent{ID: j.ID, Status: j.Status, Progress: float64(j.Progress) / 100, Stage: j.Stage, ETA: row.ETA}
			if j.Status == job.StatusCompleted {
				ev.Progress = 1
			}
			if job.Active(j.Status) {
				active = true
			} else {
				finished++
			}
			if sig := fmt.Sprint(ev); seen[j.ID] != sig {
				seen[j.ID] = sig
				writeEvent(w, "job", ev)
			}
		}
		share := 0.0
		if len(rows) > 0 {
			share = float64(finished) / float64(len(rows))
		}
		writeEvent(w, "batch", map[string]any{"progress": share, "summary": fmt.Sprintf("%d of %d finished", finished, len(rows))})
		if !active {
			writeEvent(w, "done", map[string]any{})
			_ = rc.Flush()
			return nil
		}
		if err := rc.Flush(); err != nil {
			return nil
		}
		select {
		case <-r.Context().Done():
			return nil
		case <-u.deps.Jobs.Changed():
		case <-time.After(time.Second):
		}
	}
}

func writeEvent(w http.ResponseWriter, name string, data any) {
	b, _ := json.Marshal(data)
	fmt.Fprintf(w, "event: %s\ndata: %s\n\n", name, b)
}

func (u *UI) cancelBatch(w http.ResponseWriter, r *http.Request, v *View) error {
	n, err := u.deps.Jobs.CancelBatch(r.Context(), v.Scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/batches/"+r.PathValue("id"), fmt.Sprintf("Cancelled %d job(s).", n))
}

func (u *UI) retryBatch(w http.ResponseWriter, r *http.Request, v *View) error {
	jobs, err := u.deps.Jobs.RetryFailed(r.Context(), v.Scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/batches/"+r.PathValue("id"), fmt.Sprintf("Retrying %d document(s).", len(jobs)))
}

// cancelJob and retryJob act on one job and go back to its document.
func (u *UI) cancelJob(w http.ResponseWriter, r *http.Request, v *View) error {
	j, err := u.deps.Jobs.Cancel(r.Context(), v.Scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(w, r, jobHome(j), "The job is cancelled.")
}

func (u *UI) retryJob(w http.ResponseWriter, r *http.Request, v *View) error {
	j, err := u.deps.Jobs.Retry(r.Context(), v.Scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	if j.DocumentID == "" {
		return u.redirect(w, r, jobHome(j), "The job is queued again.")
	}
	return u.redirect(w, r, jobHome(j), "The document is queued again.")
}

// jobHome is the page of a job: its document's, or its own for a task
// (an import or a sync).
func jobHome(j job.Job) string {
	if j.DocumentID == "" {
		return "/jobs/" + j.ID
	}
	return "/documents/" + j.DocumentID
}
