package source

import (
	"context"
	"errors"
	"fmt"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/sharepoint"
	"github.com/curatore/curatore/internal/webhook"
)

// syncTask runs sync jobs.
type syncTask struct{ s *Service }

// Enqueued makes a sync its source's latest in the transaction that
// enqueues it, whether Sync started it or POST /jobs/{id}/retry ran a failed
// or cancelled one again: the sources list shows it from then on, not the
// sync it replaces. (The end of a sync stores its counts by source id, see
// finishSync.) A sync whose source was deleted is not enqueued again.
func (t syncTask) Enqueued(ctx context.Context, q db.Querier, j job.Job) error {
	res, err := q.Exec(ctx, `UPDATE sources SET last_sync_job_id = ?, last_sync_status = ?, updated_at = ?
		WHERE org_id = ? AND id = ?`, j.ID, j.Status, db.Now(), j.OrgID, j.SourceID)
	if err != nil {
		return err
	}
	n, err := res.RowsAffected()
	if err == nil && n == 0 {
		err = apperr.New(apperr.Conflict, "source_deleted", "the source of this sync was deleted")
	}
	return err
}

// reported is what one delta run reported inside a source's folder.
type reported struct {
	files   []sharepoint.DriveItem // new or changed files in scope, in order
	gone    []string               // item ids deleted, or moved out of the folder
	seen    map[string]bool        // files in scope (a full enumeration's complete list)
	full    bool                   // the run started without a delta link
	folders map[string]bool        // the folders in scope afterwards
}

// Run syncs a source: a delta query from the stored link (the drive root's
// delta, kept to the source's folder by parent ids, since Graph does not
// give paths in delta answers), then new and changed files imported,
// deleted ones marked, processing queued when the source says so, and the
// new delta link stored with the counts.
func (t syncTask) Run(ctx context.Context, j job.Job, report func(pipeline.Progress)) (string, error) {
	s := t.s
	src, err := Get(ctx, s.DB, j.OrgID, j.SourceID)
	if err != nil {
		return "", permanentIf(err)
	}
	c, st, err := s.syncClient(ctx, src)
	if err != nil {
		return "", permanentIf(err)
	}
	ch, err := s.delta(ctx, c, &st, src.Recursive)
	if err != nil {
		return "", permanentIf(err) // throttling stays transient: River retries later
	}
	report(pipeline.Progress{Stage: "delta", Percent: 5, Message: fmt.Sprintf("%d new or changed files, %d deletions reported",
		len(ch.files), len(ch.gone))})
	sc := workScope(j.OrgID, j.CreatedBy)
	var n Counts
	var process []string
	transient := false
	for i, it := range ch.files {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		res := s.importItem(ctx, sc, c, it, src.ID, true)
		n.add(res)
		if res.kind == "new" || res.kind == "changed" {
			process = append(process, res.docID)
		}
		if res.err != nil && !isPermanent(res.err) {
			transient = true
		}
		report(pipeline.Progress{Stage: "import", Percent: 5 + 85*(i+1)/len(ch.files), Level: res.level(), Message: res.message(it)})
	}
	if n.Deleted, err = s.markGone(ctx, sc.OrgID, src.ID, st.DriveID, ch); err != nil {
		return "", err
	}
	if src.ProcessAfterImport {
		n.Enqueued = s.enqueueProcessing(ctx, sc, process, src.Options, report)
	}
	if transient {
		// Keep the old link: the next sync sees the failed files again.
		st.DeltaLink = src.DeltaLink
	}
	if err := s.finishSync(ctx, j, src, st, n); err != nil {
		return "", err
	}
	return fmt.Sprintf("Synced %q: %d new, %d changed, %d unchanged, %d deleted, %d failed; %d processing jobs queued",
		src.Name, n.New, n.Changed, n.Unchanged, n.Deleted, n.Failed, n.Enqueued), nil
}

// syncClient builds the Graph client and, on a source's first sync (or
// after its folder changed), resolves the folder link.
func (s *Service) syncClient(ctx context.Context, src Source) (*sharepoint.Client, syncState, error) {
	st := syncState{DriveID: src.DriveID, FolderID: src.FolderID, FolderName: src.FolderName, DeltaLink: src.DeltaLink,
		FolderIDs: src.FolderIDs}
	if st.FolderID != "" && st.DriveID != "" {
		c, _, err := s.Graph.SharePointFor(ctx, src.OrgID)
		if err != nil {
			_, _, err = s.resolve(ctx, src.OrgID, src.FolderURL) // the same error, mapped
		}
		return c, st, err
	}
	c, root, err := s.resolve(ctx, src.OrgID, src.FolderURL)
	if err != nil {
		return nil, st, err
	}
	st = syncState{DriveID: root.ParentReference.DriveID, FolderID: root.ID, FolderName: root.Name, FolderIDs: []string{root.ID}}
	return c, st, nil
}

// delta runs the delta query, starting over when Graph says the link
// expired, and keeps what is inside the source's folder.
func (s *Service) delta(ctx context.Context, c *sharepoint.Client, st *syncState, recursive bool) (*reported, error) {
	for {
		ch := &reported{seen: map[string]bool{}, full: st.DeltaLink == "", folders: map[string]bool{}}
		for _, id := range st.FolderIDs {
			ch.folders[id] = true
		}
		ch.folders[st.FolderID] = true
		if ch.full {
			ch.folders = map[string]bool{st.FolderID: true}
		}
		byID := map[string]int{}
		link, err := c.Delta(ctx, st.DriveID, st.DeltaLink, func(it sharepoint.DriveItem) error {
			ch.take(it, st.FolderID, recursive, byID)
			return nil
		})
		if errors.Is(err, sharepoint.ErrResyncRequired) && st.DeltaLink != "" {
			st.DeltaLink = ""
			continue
		}
		if err != nil {
			return nil, graphErr(err)
		}
		st.DeltaLink = link
		st.FolderIDs = nil
		for id := range ch.folders {
			st.FolderIDs = append(st.FolderIDs, id)
		}
		return ch, nil
	}
}

// take files one delta item: folders in scope widen the scope (recursive
// sources), files in scope are to import, deletions and files that left
// the folder are gone.
func (ch *reported) take(it sharepoint.DriveItem, root string, recursive bool, byID map[string]int) {
	parent := it.ParentReference.ID
	switch {
	case it.IsDeleted():
		delete(ch.folders, it.ID)
		ch.gone = append(ch.gone, it.ID)
		ch.drop(it.ID, byID)
	case it.ID == root:
	case it.IsFolder():
		if recursive && ch.folders[parent] {
			ch.folders[it.ID] = true
		} else {
			delete(ch.folders, it.ID)
		}
	case it.IsFile() && ch.folders[parent]:
		ch.seen[it.ID] = true
		if i, ok := byID[it.ID]; ok {
			ch.files[i] = it // reported twice: the later state wins
			return
		}
		byID[it.ID] = len(ch.files)
		ch.files = append(ch.files, it)
	case it.IsFile():
		ch.gone = append(ch.gone, it.ID) // moved out (if it was ours)
		ch.drop(it.ID, byID)
	}
}

func (ch *reported) drop(id string, byID map[string]int) {
	if i, ok := byID[id]; ok {
		ch.files = append(ch.files[:i], ch.files[i+1:]...)
		delete(byID, id)
		for k, v := range byID {
			if v > i {
				byID[k] = v - 1
			}
		}
		delete(ch.seen, id)
	}
}

// markGone marks the source's documents whose files were deleted or left
// the folder; after a full enumeration, every document of the source whose
// file was not listed.
func (s *Service) markGone(ctx context.Context, orgID, sourceID, driveID string, ch *reported) (int, error) {
	var ids []string
	if ch.full {
		tracked, err := document.SourceItems(ctx, s.DB, orgID, sourceID)
		if err != nil {
			return 0, err
		}
		for docID, itemID := range tracked {
			if !ch.seen[itemID] {
				ids = append(ids, docID)
			}
		}
	} else {
		for _, itemID := range ch.gone {
			d, err := document.ByRemoteItem(ctx, s.DB, orgID, driveID, itemID)
			if errors.Is(err, apperr.NotFound) {
				continue
			}
			if err != nil {
				return 0, err
			}
			if d.SourceID == sourceID && d.DeletedAt == nil {
				ids = append(ids, d.ID)
			}
		}
	}
	if len(ids) == 0 {
		return 0, nil
	}
	var n int
	err := s.DB.InTx(ctx, func(q db.Querier) error {
		var err error
		n, err = document.MarkRemoteDeleted(ctx, q, orgID, ids, db.Now())
		return err
	})
	return n, err
}

// enqueueProcessing queues processing of the new and changed documents; a
// document already being processed is skipped with a warning.
func (s *Service) enqueueProcessing(ctx context.Context, sc auth.Scope, ids []string, o job.Options, report func(pipeline.Progress)) int {
	n := 0
	for _, id := range ids {
		if _, err := s.Jobs.Process(ctx, sc, id, o); err != nil {
			report(pipeline.Progress{Stage: "process", Percent: 95, Level: "warning",
				Message: fmt.Sprintf("document %s: processing not queued: %v", id, err)})
			continue
		}
		n++
	}
	return n
}

// finishSync stores the delta link and the counts, with the audit row.
func (s *Service) finishSync(ctx context.Context, j job.Job, src Source, st syncState, n Counts) error {
	entry := audit.Entry{OrgID: j.OrgID, UserID: j.CreatedBy, Action: "source.synced", EntityType: "source", EntityID: src.ID,
		Details: map[string]any{"job_id": j.ID, "new": n.New, "changed": n.Changed, "unchanged": n.Unchanged,
			"deleted": n.Deleted, "failed": n.Failed, "enqueued": n.Enqueued}}
	return audit.Do(ctx, s.DB, entry, func(q db.Querier, _ *audit.Entry) error {
		if _, err := Get(ctx, q, src.OrgID, src.ID); err != nil {
			return err // deleted meanwhile
		}
		if err := saveSync(ctx, q, src, &st, j.ID, job.StatusCompleted, n, ""); err != nil {
			return err
		}
		// source.synced goes out if and only if these counts are stored.
		return webhook.Emit(webhook.WithInserter(ctx, s.Jobs.Queue), q, src.OrgID, webhook.EventSourceSynced, map[string]any{
			"source_id": src.ID, "name": src.Name, "job_id": j.ID, "folder_url": src.FolderURL, "counts": n,
			"synced_at": db.Now()})
	})
}

// isPermanent reports a file failure another run will not fix (its type
// is not accepted, it is too large, it is invalid).
func isPermanent(err error) bool {
	return errors.Is(err, apperr.Unsupported) || errors.Is(err, apperr.TooLarge) || errors.Is(err, apperr.Invalid)
}
