package source

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/sharepoint"
)

func item(id, parent string, kind string) sharepoint.DriveItem {
	var it sharepoint.DriveItem
	it.ID, it.Name, it.ETag = id, id, id+"-etag"
	it.ParentReference.ID = parent
	switch kind {
	case "folder":
		it.Folder = &struct {
			ChildCount int `json:"childCount"`
		}{}
	case "file":
		it.File = &struct {
			MimeType string `json:"mimeType"`
		}{}
	case "deleted":
		it.Deleted = &struct {
			State string `json:"state"`
		}{State: "deleted"}
	}
	return it
}

// TestDeltaScope: delta answers carry no paths, so scope is kept by parent
// ids — subfolders join it only for recursive sources, a file reported
// twice keeps its last state, and deleted or moved-out files are gone.
func TestDeltaScope(t *testing.T) {
	feed := []sharepoint.DriveItem{
		item("root", "", "folder"), item("F", "root", "folder"), item("outside", "root", "file"),
		item("a", "F", "file"), item("S", "F", "folder"), item("s1", "S", "file"),
		item("b", "F", "file"), item("b", "F", "file"), item("a", "F", "deleted"), item("m", "root", "file"),
	}
	feed[7].ETag = "b-etag-2"
	for _, tc := range []struct {
		recursive       bool
		files, gone, in string
	}{
		{false, "b@b-etag-2", "outside s1 a m", "F"}, // s1 is outside a non-recursive source
		{true, "s1 b@b-etag-2", "outside a m", "F S"},
	} {
		ch := &reported{seen: map[string]bool{}, folders: map[string]bool{"F": true}}
		byID := map[string]int{}
		for _, it := range feed {
			ch.take(it, "F", tc.recursive, byID)
		}
		var files []string
		for _, f := range ch.files {
			s := f.ID
			if f.ETag != f.ID+"-etag" {
				s += "@" + f.ETag
			}
			files = append(files, s)
		}
		var folders []string
		for _, id := range []string{"F", "S"} {
			if ch.folders[id] {
				folders = append(folders, id)
			}
		}
		if got := strings.Join(files, " "); got != tc.files {
			t.Errorf("recursive=%v: files %q, want %q", tc.recursive, got, tc.files)
		}
		if got := strings.Join(ch.gone, " "); got != tc.gone {
			t.Errorf("recursive=%v: gone %q, want %q", tc.recursive, got, tc.gone)
		}
		if got := strings.Join(folders, " "); got != tc.in {
			t.Errorf("recursive=%v: folders %q, want %q", tc.recursive, got, tc.in)
		}
		if ch.seen["a"] || !ch.seen["b"] {
			t.Errorf("seen: %v", ch.seen)
		}
	}
}

// newJobs builds an insert-only job service on d (no workers: a job stays
// as it was enqueued) and a source service whose tasks are registered on it.
func newJobs(t *testing.T, d *db.DB) *Service {
	t.Helper()
	ctx := context.Background()
	if _, err := job.Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	jobs, err := job.New(ctx, job.Setup{DB: d})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = jobs.Stop(ctx)
	})
	s := &Service{DB: d, Jobs: jobs}
	s.Register()
	return s
}

// TestRetriedSyncIsTheLatest: a failed or cancelled sync retried (what
// POST /jobs/{id}/retry does) is its source's latest sync, queued, from the
// transaction that enqueues it — not the sync it replaces — and its end
// stores its counts on the source as any sync's end does. Another
// organization cannot retry it (not found, nothing changes), and a sync
// whose source was deleted is not enqueued again.
func TestRetriedSyncIsTheLatest(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		s := newJobs(t, d)
		ids, runs := seedSyncs(t, d, map[string][]string{"o": {"Failed", "Cancelled", "Gone"}, "p": {"Other"}}, []syncRun{
			{org: "o", source: "Failed", status: job.StatusCompleted, at: at.Add(-time.Hour), counts: Counts{New: 5}},
			{org: "o", source: "Failed", status: job.StatusFailed, err: "Graph said no", at: at},
			{org: "o", source: "Cancelled", status: job.StatusCancelled, at: at},
			{org: "o", source: "Gone", status: job.StatusFailed, err: "Graph said no", at: at},
		})
		if _, err := d.Exec(ctx, `DELETE FROM sources WHERE org_id = 'o' AND id = ?`, ids["o/Gone"]); err != nil {
			t.Fatal(err)
		}
		for _, tc := range []struct {
			name, org, source string
			retry             string // the job retried
			code              string // the code of the error Retry returns, "": it enqueues
			latest            string // the source's latest sync after the retry, "new": the one enqueued
		}{
			{"another organization's", "p", "o/Failed", runs[1], "not_found", runs[1]},
			{"failed", "o", "o/Failed", runs[1], "", "new"},
			{"cancelled", "o", "o/Cancelled", runs[2], "", "new"},
			{"source deleted", "o", "", runs[3], "source_deleted", ""},
		} {
			out, err := s.Jobs.Retry(ctx, auth.Scope{OrgID: tc.org, Role: auth.RoleAdmin}, tc.retry)
			if e, _ := apperr.As(err); (tc.code == "") != (err == nil) || (err != nil && (e == nil || e.Code != tc.code)) {
				t.Fatalf("%s: retry: %v, want %q", tc.name, err, tc.code)
			}
			if tc.source == "" {
				continue
			}
			srcID := ids[tc.source]
			want, status := tc.latest, job.StatusFailed
			if want == "new" {
				want, status = out.ID, job.StatusQueued
				if out.Kind != job.KindSync || out.SourceID != srcID || out.ID == tc.retry {
					t.Fatalf("%s: retried as %+v", tc.name, out)
				}
			}
			src, err := Get(ctx, d, "o", srcID)
			if err != nil {
				t.Fatal(err)
			}
			if src.LastSyncJobID != want || src.LastSyncJob == nil || src.LastSyncJob.ID != want ||
				src.LastSyncJob.Status != status || (want == out.ID && src.LastSyncStatus != job.StatusQueued) {
				t.Fatalf("%s: latest sync %s (%s, joined %v), want %s %s", tc.name, src.LastSyncJobID, src.LastSyncStatus,
					src.LastSyncJob != nil, want, status)
			}
			if want != out.ID {
				continue
			}
			// The retried sync's end stores its counts, as any sync's does.
			if err := s.finishSync(ctx, out, src, syncState{DriveID: "d", FolderID: "f"}, Counts{New: 1, Unchanged: 4}); err != nil {
				t.Fatal(err)
			}
			if src, err = Get(ctx, d, "o", srcID); err != nil {
				t.Fatal(err)
			}
			if src.LastSyncJobID != out.ID || src.LastSyncStatus != job.StatusCompleted || src.LastSyncAt == nil ||
				src.LastSync == nil || *src.LastSync != (Counts{New: 1, Unchanged: 4}) {
				t.Errorf("%s: after the retried sync's end: %s %s %v %+v", tc.name, src.LastSyncJobID, src.LastSyncStatus,
					src.LastSyncAt, src.LastSync)
			}
		}
	})
}
