// Package source holds an organization's SharePoint sources and the work
// that brings SharePoint files in: the inventory of a shared folder, one-off
// imports, and syncs of a saved source with Graph delta queries (only new
// or changed files are downloaded; files deleted remotely are marked on
// their documents). Imports and syncs are jobs of internal/job (tasks), so
// they have progress, cancel, retry and Server-Sent Events like processing.
// Files stream from Graph into the blob store through internal/document's
// upload path (sniffing, size limit, SHA-256, dedupe).
package source

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/job"
)

// Counts are the outcome of a sync or an import, per file.
type Counts struct {
	New       int `json:"new"`
	Changed   int `json:"changed"`
	Unchanged int `json:"unchanged"`
	Deleted   int `json:"deleted"`
	Failed    int `json:"failed"`
	Duplicate int `json:"duplicate,omitempty"` // imports: same content already in the organization
	Enqueued  int `json:"enqueued"`            // processing jobs queued
}

// Source is a SharePoint folder an organization syncs.
type Source struct {
	ID                 string
	OrgID              string
	Kind               string
	Name               string
	FolderURL          string
	Recursive          bool
	ProcessAfterImport bool
	Options            job.Options
	DriveID            string
	FolderID           string
	FolderName         string
	DeltaLink          string
	FolderIDs          []string
	LastSyncJobID      string
	LastSyncStatus     string
	LastSyncAt         *time.Time
	LastSync           *Counts
	LastSyncError      string
	// LastSyncJob is the job LastSyncJobID names, read with the source in
	// the same query (nil: never synced, or the job is gone). It carries
	// what a list shows — id, kind, status, stage, progress, ETA,
	// attempts, error and times — not the job's options or parameters.
	LastSyncJob *job.Job
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const columns = `s.id, s.org_id, s.kind, s.name, s.folder_url, s.recursive, s.process_after_import, s.options,
	COALESCE(s.drive_id, ''), COALESCE(s.folder_id, ''), COALESCE(s.folder_name, ''), COALESCE(s.delta_link, ''), s.folder_ids,
	COALESCE(s.last_sync_job_id, ''), COALESCE(s.last_sync_status, ''), s.last_sync_at, s.last_sync_counts,
	COALESCE(s.last_sync_error, ''), COALESCE(s.created_by, ''), s.created_at, s.updated_at`

// syncColumns are the latest sync job's, joined on the source's
// last_sync_job_id within its organization: one query for a whole list.
const syncColumns = `COALESCE(j.id, ''), COALESCE(j.source_id, ''), COALESCE(j.kind, ''), COALESCE(j.status, ''),
	COALESCE(j.stage, ''), COALESCE(j.progress, 0), j.eta_seconds, COALESCE(j.attempts, 0), COALESCE(j.error, ''),
	COALESCE(j.error_code, ''), j.enqueued_at, j.started_at, j.finished_at, j.updated_at`

// selectSources reads sources (s) with their latest sync job (j).
const selectSources = `SELECT ` + columns + `, ` + syncColumns +
	` FROM sources s LEFT JOIN jobs j ON j.org_id = s.org_id AND j.id = s.last_sync_job_id`

func scan(row db.Scanner) (Source, error) {
	var s Source
	var opts db.JSON[job.Options]
	var folders db.JSON[[]string]
	var counts db.JSON[*Counts]
	var sj syncJob
	err := row.Scan(append([]any{&s.ID, &s.OrgID, &s.Kind, &s.Name, &s.FolderURL, &s.Recursive, &s.ProcessAfterImport, &opts,
		&s.DriveID, &s.FolderID, &s.FolderName, &s.DeltaLink, &folders, &s.LastSyncJobID, &s.LastSyncStatus,
		db.NullTime{T: &s.LastSyncAt}, &counts, &s.LastSyncError, &s.CreatedBy, &s.CreatedAt, &s.UpdatedAt}, sj.dest()...)...)
	if errors.Is(err, sql.ErrNoRows) {
		return Source{}, apperr.NotFoundf("source")
	}
	s.Options, s.FolderIDs, s.LastSync = opts.V, folders.V, counts.V
	s.CreatedAt, s.UpdatedAt = s.CreatedAt.UTC(), s.UpdatedAt.UTC()
	s.LastSyncJob = sj.job(s)
	return s, err
}

// syncJob receives syncColumns while a source is scanned.
type syncJob struct {
	j                 job.Job
	eta               sql.NullInt64
	enqueued, updated *time.Time
}

func (x *syncJob) dest() []any {
	j := &x.j
	return []any{&j.ID, &j.SourceID, &j.Kind, &j.Status, &j.Stage, &j.Progress, &x.eta, &j.Attempts, &j.Error, &j.ErrorCode,
		db.NullTime{T: &x.enqueued}, db.NullTime{T: &j.StartedAt}, db.NullTime{T: &j.FinishedAt}, db.NullTime{T: &x.updated}}
}

// job is the scanned job of source s, nil when the join found none.
func (x *syncJob) job(s Source) *job.Job {
	if x.j.ID == "" || x.enqueued == nil || x.updated == nil {
		return nil
	}
	j := x.j
	j.OrgID, j.EnqueuedAt, j.UpdatedAt = s.OrgID, *x.enqueued, *x.updated
	if x.eta.Valid {
		n := int(x.eta.Int64)
		j.ETASeconds = &n
	}
	return &j
}

// Get returns source id of orgID.
func Get(ctx context.Context, q db.Querier, orgID, id string) (Source, error) {
	return scan(q.QueryRow(ctx, selectSources+` WHERE s.org_id = ? AND s.id = ?`, orgID, id))
}

// List returns orgID's sources by name, each with its latest sync job.
func List(ctx context.Context, q db.Querier, orgID string) ([]Source, error) {
	rows, err := q.Query(ctx, selectSources+` WHERE s.org_id = ? ORDER BY s.name, s.id`, orgID)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scan)
}

func insert(ctx context.Context, q db.Querier, s Source) error {
	_, err := q.Exec(ctx, `INSERT INTO sources (id, org_id, kind, name, folder_url, recursive, process_after_import, options,
		created_by, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`, s.ID, s.OrgID, s.Kind, s.Name,
		s.FolderURL, s.Recursive, s.ProcessAfterImport, db.JSON[job.Options]{V: s.Options}, db.NullString(s.CreatedBy),
		s.CreatedAt, s.UpdatedAt)
	return err
}

// update saves the editable fields; a new folder or depth forgets the
// resolved folder and the delta link (the next sync starts over).
func update(ctx context.Context, q db.Querier, s Source, reset bool) error {
	query := `UPDATE sources SET name = ?, folder_url = ?, recursive = ?, process_after_import = ?, options = ?, updated_at = ?`
	if reset {
		query += `, drive_id = NULL, folder_id = NULL, folder_name = NULL, delta_link = NULL, folder_ids = NULL`
	}
	_, err := q.Exec(ctx, query+` WHERE org_id = ? AND id = ?`, s.Name, s.FolderURL, s.Recursive, s.ProcessAfterImport,
		db.JSON[job.Options]{V: s.Options}, db.Now(), s.OrgID, s.ID)
	return err
}

// syncState is what a finished sync writes back to its source.
type syncState struct {
	DriveID, FolderID, FolderName, DeltaLink string
	FolderIDs                                []string
}

func saveSync(ctx context.Context, q db.Querier, s Source, st *syncState, jobID, status string, c Counts, errText string) error {
	now := db.Now()
	if st != nil {
		if _, err := q.Exec(ctx, `UPDATE sources SET drive_id = ?, folder_id = ?, folder_name = ?, delta_link = ?, folder_ids = ?
			WHERE org_id = ? AND id = ?`, st.DriveID, st.FolderID, st.FolderName, db.NullString(st.DeltaLink),
			db.JSON[[]string]{V: st.FolderIDs}, s.OrgID, s.ID); err != nil {
			return err
		}
	}
	_, err := q.Exec(ctx, `UPDATE sources SET last_sync_job_id = ?, last_sync_status = ?, last_sync_at = ?, last_sync_counts = ?,
		last_sync_error = ?, updated_at = ? WHERE org_id = ? AND id = ?`, jobID, status, now, db.JSON[Counts]{V: c},
		db.NullString(errText), now, s.OrgID, s.ID)
	return err
}
