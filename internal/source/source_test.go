package source

import (
	"context"
	"database/sql"
	"errors"
	"reflect"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/job"
)

// countingQuerier counts the queries run through it.
type countingQuerier struct {
	db.Querier
	n int
}

func (c *countingQuerier) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	c.n++
	return c.Querier.Query(ctx, query, args...)
}

func (c *countingQuerier) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	c.n++
	return c.Querier.QueryRow(ctx, query, args...)
}

// syncRun is a sync job of a source: finished ones are saved back to the
// source as a sync's end does, others are only named as its latest.
type syncRun struct {
	org, source, status, stage, err string
	progress                        int
	eta                             *int
	at                              time.Time
	counts                          Counts
}

// seedSyncs stores the organizations, the named sources and the sync jobs
// in order; it returns the sources' ids by name and the jobs' ids.
func seedSyncs(t *testing.T, d *db.DB, orgs map[string][]string, runs []syncRun) (map[string]string, []string) {
	t.Helper()
	ctx, now := context.Background(), db.Now()
	ids := map[string]string{}
	for org, names := range orgs {
		if _, err := d.Exec(ctx, `INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?)`, org, org, org, org, now, now); err != nil {
			t.Fatal(err)
		}
		for _, name := range names {
			src := Source{ID: db.NewID(), OrgID: org, Kind: "sharepoint", Name: name, FolderURL: "https://x/" + name,
				CreatedAt: now, UpdatedAt: now}
			if err := insert(ctx, d, src); err != nil {
				t.Fatal(err)
			}
			ids[org+"/"+name] = src.ID
		}
	}
	var jobs []string
	for _, r := range runs {
		jobs = append(jobs, addSync(t, d, ids[r.org+"/"+r.source], r))
	}
	return ids, jobs
}

// addSync stores one sync job of source srcID and makes it the source's latest.
func addSync(t *testing.T, d *db.DB, srcID string, r syncRun) string {
	t.Helper()
	ctx, id := context.Background(), db.NewID()
	var started, finished *time.Time
	if r.status != job.StatusQueued {
		started = &r.at
	}
	if !job.Active(r.status) {
		end := r.at.Add(time.Minute)
		finished = &end
	}
	if _, err := d.Exec(ctx, `INSERT INTO jobs (id, org_id, source_id, kind, status, stage, progress, eta_seconds, attempts, error,
		enqueued_at, started_at, finished_at, updated_at) VALUES (?, ?, ?, 'sync', ?, ?, ?, ?, 1, ?, ?, ?, ?, ?)`,
		id, r.org, srcID, r.status, r.stage, r.progress, r.eta, db.NullString(r.err), r.at, started, finished, r.at); err != nil {
		t.Fatal(err)
	}
	src := Source{ID: srcID, OrgID: r.org}
	if r.status == job.StatusCompleted {
		if err := saveSync(ctx, d, src, nil, id, r.status, r.counts, ""); err != nil {
			t.Fatal(err)
		}
		return id
	}
	if _, err := d.Exec(ctx, `UPDATE sources SET last_sync_job_id = ?, last_sync_status = ? WHERE org_id = ? AND id = ?`,
		id, r.status, r.org, srcID); err != nil {
		t.Fatal(err)
	}
	return id
}

// TestListReadsEachSourcesLatestSync: List returns the organization's
// sources by name, each with the sync job its last_sync_job_id names —
// the same job job.Get reads — in one query however many sources there
// are; a job id of another organization or of a job gone reads as none,
// and another organization's sources are not listed.
func TestListReadsEachSourcesLatestSync(t *testing.T) {
	at := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	eta := 30
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		ids, jobs := seedSyncs(t, d, map[string][]string{"o": {"Gamma", "Alpha", "Beta", "Delta", "Epsilon"}, "p": {"Beta"}},
			[]syncRun{
				{org: "o", source: "Beta", status: job.StatusCompleted, at: at, counts: Counts{New: 3, Enqueued: 3}},
				{org: "o", source: "Beta", status: job.StatusRunning, stage: "import", progress: 40, eta: &eta, at: at.Add(time.Hour)},
				{org: "o", source: "Gamma", status: job.StatusFailed, err: "Graph said no", at: at},
				{org: "p", source: "Beta", status: job.StatusQueued, at: at},
				{org: "o", source: "Epsilon", status: job.StatusCancelled, at: at},
			})
		// Delta names p's job; Epsilon's job is gone.
		for _, c := range []struct{ name, jobID string }{{"Delta", jobs[3]}, {"Epsilon", db.NewID()}} {
			if _, err := d.Exec(ctx, `UPDATE sources SET last_sync_job_id = ? WHERE id = ?`, c.jobID, ids["o/"+c.name]); err != nil {
				t.Fatal(err)
			}
		}
		for _, c := range []struct {
			org   string
			names []string
			jobs  []string // the latest sync's job id by name, "" for none
		}{
			{"o", []string{"Alpha", "Beta", "Delta", "Epsilon", "Gamma"}, []string{"", jobs[1], "", "", jobs[2]}},
			{"p", []string{"Beta"}, []string{jobs[3]}},
			{"q", []string{}, []string{}},
		} {
			cq := &countingQuerier{Querier: d}
			list, err := List(ctx, cq, c.org)
			if err != nil || cq.n != 1 {
				t.Fatalf("%s: %v after %d queries, want one", c.org, err, cq.n)
			}
			if got := names(list); !reflect.DeepEqual(got, c.names) {
				t.Fatalf("%s: sources %v, want %v", c.org, got, c.names)
			}
			for i, src := range list {
				checkLatestSync(t, d, src, c.jobs[i])
			}
		}
		beta, err := Get(ctx, d, "o", ids["o/Beta"])
		if err != nil || beta.LastSyncJob == nil || beta.LastSyncJob.Progress != 40 || *beta.LastSyncJob.ETASeconds != 30 ||
			beta.LastSync == nil || beta.LastSync.New != 3 {
			t.Errorf("Get: %+v (job %+v), %v", beta, beta.LastSyncJob, err)
		}
		if _, err := Get(ctx, d, "p", ids["o/Beta"]); !errors.Is(err, apperr.NotFound) {
			t.Errorf("another organization's source: %v, want not found", err)
		}
	})
}

func names(list []Source) []string {
	out := []string{}
	for _, s := range list {
		out = append(out, s.Name)
	}
	return out
}

// checkLatestSync compares the source's sync job with what job.Get reads
// of the job wantID (none when "").
func checkLatestSync(t *testing.T, d *db.DB, src Source, wantID string) {
	t.Helper()
	if wantID == "" {
		if src.LastSyncJob != nil {
			t.Errorf("%s/%s: latest sync %+v, want none", src.OrgID, src.Name, src.LastSyncJob)
		}
		return
	}
	want, err := job.Get(context.Background(), d, src.OrgID, wantID)
	if err != nil {
		t.Fatal(err)
	}
	want.Options, want.Params = job.Options{}, nil // not read with the source
	if src.LastSyncJob == nil || !reflect.DeepEqual(*src.LastSyncJob, want) {
		t.Errorf("%s/%s: latest sync %+v, want %+v", src.OrgID, src.Name, src.LastSyncJob, want)
	}
}
