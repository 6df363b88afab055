package document

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// Remote is where a document came from outside Curatore: a SharePoint
// drive item, its URL, eTag and modified time, and the sync source that
// tracks it (empty for a one-off import).
type Remote struct {
	URL      string
	ETag     string
	Modified time.Time
	DriveID  string
	ItemID   string
	SourceID string
}

// RemoteDoc is a document known by its remote item.
type RemoteDoc struct {
	ID        string
	ETag      string
	SourceID  string
	DeletedAt *time.Time // when the remote file was seen deleted
}

// setRemote records where d came from (nothing when r is nil).
func setRemote(ctx context.Context, q db.Querier, d *Document, r *Remote, details map[string]any) error {
	if r == nil {
		return nil
	}
	d.SourceURL = r.URL
	details["source_url"] = r.URL
	if r.SourceID != "" {
		details["source_id"] = r.SourceID
	}
	_, err := q.Exec(ctx, `UPDATE documents SET source_url = ?, source_etag = ?, source_modified_at = ?, source_drive_id = ?,
		source_item_id = ?, source_id = ?, remote_deleted_at = NULL WHERE org_id = ? AND id = ?`,
		db.NullString(r.URL), db.NullString(r.ETag), nullTime(r.Modified), db.NullString(r.DriveID), db.NullString(r.ItemID),
		db.NullString(r.SourceID), d.OrgID, d.ID)
	return err
}

func nullTime(t time.Time) any {
	if t.IsZero() {
		return nil
	}
	return t.UTC()
}

// ByRemoteItem returns orgID's document of a drive item (the most
// recently updated when several); apperr.NotFound when none.
func ByRemoteItem(ctx context.Context, q db.Querier, orgID, driveID, itemID string) (RemoteDoc, error) {
	var r RemoteDoc
	var etag, source sql.NullString
	err := q.QueryRow(ctx, `SELECT id, source_etag, source_id, remote_deleted_at FROM documents
		WHERE org_id = ? AND source_drive_id = ? AND source_item_id = ? ORDER BY updated_at DESC, id DESC LIMIT 1`,
		orgID, driveID, itemID).Scan(&r.ID, &etag, &source, db.NullTime{T: &r.DeletedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return RemoteDoc{}, apperr.NotFoundf("document")
	}
	r.ETag, r.SourceID = etag.String, source.String
	return r, err
}

// Replace stores a new content of a document's remote file (a changed
// SharePoint item): the file is streamed, sniffed, size-limited and hashed
// like an upload, then the row takes the new name, size, digest, eTag and
// modified time and is "uploaded" again (to be processed anew); its
// versions and results stay as history.
func (s *Service) Replace(ctx context.Context, sc auth.Scope, id string, up Upload) (Document, error) {
	if _, err := Get(ctx, s.DB, sc.OrgID, id); err != nil {
		return Document{}, err
	}
	nd, err := s.receive(ctx, sc.OrgID, id, up)
	if err != nil {
		return Document{}, err
	}
	var d Document
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "document.reimport", EntityType: "document", EntityID: id}
	err = audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		e.Details = map[string]any{"filename": nd.Filename, "file_size": nd.FileSize, "sha256": nd.SHA256}
		if s.Jobs != nil {
			// A run on the old content would store a result for a file that is gone.
			jobID, err := s.Jobs.CancelActiveTx(ctx, q, sc.OrgID, id, "the remote file changed")
			if err != nil {
				return err
			}
			if jobID != "" {
				e.Details["cancelled_job_id"] = jobID
			}
		}
		if _, err := q.Exec(ctx, `UPDATE documents SET filename = ?, content_type = ?, kind = ?, file_size = ?, sha256 = ?,
			status = ?, updated_at = ? WHERE org_id = ? AND id = ?`, nd.Filename, nd.ContentType, nd.Kind, nd.FileSize,
			nd.SHA256, StatusUploaded, db.Now(), sc.OrgID, id); err != nil {
			return err
		}
		nd.OrgID = sc.OrgID
		if err := setRemote(ctx, q, &nd, up.Remote, e.Details); err != nil {
			return err
		}
		var err error
		d, err = Get(ctx, q, sc.OrgID, id)
		return err
	})
	return d, err
}

// MarkRemoteDeleted records, in q's transaction, that the remote files of
// orgID's documents ids were deleted at at (documents already marked keep
// their first date). It returns how many were marked.
func MarkRemoteDeleted(ctx context.Context, q db.Querier, orgID string, ids []string, at time.Time) (int, error) {
	n := 0
	for _, id := range ids {
		res, err := q.Exec(ctx, `UPDATE documents SET remote_deleted_at = ?, updated_at = ? WHERE org_id = ? AND id = ?
			AND remote_deleted_at IS NULL`, at.UTC(), db.Now(), orgID, id)
		if err != nil {
			return n, err
		}
		k, _ := res.RowsAffected()
		n += int(k)
	}
	return n, nil
}

// DetachSource clears the source of orgID's documents synced by sourceID
// (the source is being deleted; the documents stay).
func DetachSource(ctx context.Context, q db.Querier, orgID, sourceID string) (int, error) {
	res, err := q.Exec(ctx, `UPDATE documents SET source_id = NULL WHERE org_id = ? AND source_id = ?`, orgID, sourceID)
	if err != nil {
		return 0, err
	}
	n, _ := res.RowsAffected()
	return int(n), nil
}

// AttachSource makes sourceID the source that tracks orgID's document id
// (a file imported before the source existed).
func AttachSource(ctx context.Context, q db.Querier, orgID, id, sourceID string) error {
	_, err := q.Exec(ctx, `UPDATE documents SET source_id = ? WHERE org_id = ? AND id = ?`, sourceID, orgID, id)
	return err
}

// SourceItems returns the drive item ids of orgID's documents that
// sourceID tracks and whose remote file is not marked deleted, by document id.
func SourceItems(ctx context.Context, q db.Querier, orgID, sourceID string) (map[string]string, error) {
	rows, err := q.Query(ctx, `SELECT id, COALESCE(source_item_id, '') FROM documents WHERE org_id = ? AND source_id = ?
		AND remote_deleted_at IS NULL`, orgID, sourceID)
	if err != nil {
		return nil, err
	}
	pairs, err := db.Collect(rows, func(r db.Scanner) ([2]string, error) {
		var p [2]string
		return p, r.Scan(&p[0], &p[1])
	})
	out := map[string]string{}
	for _, p := range pairs {
		out[p[0]] = p[1]
	}
	return out, err
}
