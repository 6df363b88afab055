package web

import (
	"bytes"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/source"
)

// sourcesFullData are the full view models of the sources pages: a source
// syncing, one whose last sync failed after an earlier completed one, one
// never synced; an inventory with files; a running import's job page.
func sourcesFullData() map[string]any {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	eta := 30
	running := job.Job{ID: "j1", Kind: job.KindSync, SourceID: "s1", Status: job.StatusRunning, Stage: "import", Progress: 40,
		ETASeconds: &eta, EnqueuedAt: now, StartedAt: &now}
	failed := job.Job{ID: "j2", Kind: job.KindSync, SourceID: "s2", Status: job.StatusFailed, Error: "The link does not resolve.",
		EnqueuedAt: now, FinishedAt: &now}
	counts := &source.Counts{New: 6, Changed: 1, Unchanged: 3, Deleted: 2, Failed: 1, Enqueued: 7}
	s1 := source.Source{ID: "s1", Name: "Team <reports>", FolderURL: "https://contoso.sharepoint.com/:f:/s/Team/E1", Recursive: true,
		ProcessAfterImport: true, FolderName: "Reports", LastSyncJobID: "j1", LastSync: counts, LastSyncAt: &now}
	s2 := source.Source{ID: "s2", Name: "Policies", FolderURL: "https://contoso.sharepoint.com/:f:/s/HR/E2", LastSyncJobID: "j2",
		LastSync: &source.Counts{New: 1}, LastSyncAt: &now}
	s3 := source.Source{ID: "s3", Name: "Fresh", FolderURL: "https://contoso.sharepoint.com/:f:/s/X/E3"}
	return map[string]any{
		"sources": &SourcesData{Active: true, Rows: []SourceRow{{Source: s1, Sync: &running, Active: true}, {Source: s2, Sync: &failed},
			{Source: s3}}, Form: &SourceForm{ID: "s1", Name: "Team", FolderURL: s1.FolderURL, Recursive: true, AutoOptimize: "off"},
			New: SourceForm{Name: "n", AutoOptimize: "on"}, RowError: map[string]string{"s2": "A sync of this source is already running."}},
		"inventory": &InventoryData{FolderURL: s1.FolderURL, Recursive: true, Listed: true, Truncated: true, Limit: 2000,
			Folder: source.Folder{Name: "Reports", ID: "f1"}, Items: []source.Item{
				{Index: 1, Name: "a <b>.pdf", Type: "file", FileType: "pdf", Size: 2048, Modified: &now, LastModifiedBy: "Ada", ID: "i1", WebURL: "https://contoso/a"},
				{Index: 2, Name: "f.md", Type: "file", Folder: "Sub", FileType: "md", Size: 10, ID: "i2"}}},
		"job": &JobData{Job: running, ETA: "about 30 s left", Active: true, Source: &s1,
			Logs: []job.Log{{TS: now, Level: "info", Stage: "delta", Message: "6 new or changed files"},
				{TS: now, Level: "warning", Stage: "import", Message: "x.pdf: failed: too large"}}},
	}
}

// TestSourcesPagesShowTheirData checks the sources pages put the counts,
// the live progress hooks and the row errors where they belong.
func TestSourcesPagesShowTheirData(t *testing.T) {
	ps := mustParsePages(mustLoadAssets())
	full := sourcesFullData()
	cases := map[string][]string{
		"sources": {`data-events="/sources/events"`, `data-job="j1"`, "<strong>6</strong> new", "<strong>2</strong> deleted",
			`<li class="bad"><strong>1</strong> failed`, "Team &lt;reports&gt;", "The link does not resolve.",
			"A sync of this source is already running.", `action="/sources/s1/sync"`, `action="/sources/s1"`,
			`<option value="off" selected>No</option>`, "never synced", `aria-label="Progress of the sync of Team &lt;reports&gt;"`},
		"inventory": {`action="/sources/import"`, `name="id" value="i1"`, `<label for="it-1" class="sr-only">Import a &lt;b&gt;.pdf</label>`,
			`name="all" value="1"`, "Import selected", "the first 2000", `data-label="Folder">Sub`},
		"job": {`data-events="/jobs/j1/events" data-reload-on-done`, "Sync of", `class="lvl-warning"`, "x.pdf: failed: too large",
			`action="/jobs/j1/cancel"`},
	}
	for name, want := range cases {
		v := fullFrame(full[name])
		v.Title = "Sync of Team"
		var buf bytes.Buffer
		if err := ps.execute(&buf, name, v); err != nil {
			t.Fatal(err)
		}
		for _, w := range want {
			if !strings.Contains(buf.String(), w) {
				t.Errorf("%s lacks %q", name, w)
			}
		}
	}
}
