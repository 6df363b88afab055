package source

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/sharepoint"
)

// ImportRequest is POST /sharepoint/import: the files of a shared folder
// to import, by drive item id (from an inventory) or all of them.
type ImportRequest struct {
	FolderURL string   `json:"folder_url"`
	ItemIDs   []string `json:"item_ids,omitempty"`
	All       bool     `json:"all,omitempty"`
	Recursive bool     `json:"recursive,omitempty"`
}

func (r *ImportRequest) check() error {
	var f apperr.Fields
	r.FolderURL = strings.TrimSpace(r.FolderURL)
	if reason := checkFolderURL(r.FolderURL); reason != "" {
		f.Add("folder_url", reason)
	}
	switch {
	case r.All && len(r.ItemIDs) > 0:
		f.Add("item_ids", "give item_ids or all, not both")
	case !r.All && len(r.ItemIDs) == 0:
		f.Add("item_ids", "item_ids is required when all is false")
	case len(r.ItemIDs) > 10000:
		f.Add("item_ids", "must list at most 10000 ids")
	}
	for _, id := range r.ItemIDs {
		if id == "" || len(id) > 256 {
			f.Add("item_ids", "every id must be 1 to 256 characters")
			break
		}
	}
	return f.Err()
}

// Import enqueues an import of a shared folder's files (202): a job of
// kind "import" whose log names each file's document.
func (s *Service) Import(ctx context.Context, sc auth.Scope, r ImportRequest) (job.Job, error) {
	if err := r.check(); err != nil {
		return job.Job{}, err
	}
	var out job.Job
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "sharepoint.import", EntityType: "job"}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		var err error
		out, err = s.Jobs.EnqueueTaskTx(ctx, q, job.NewTask{OrgID: sc.OrgID, Kind: job.KindImport, CreatedBy: sc.UserID, Params: r})
		e.EntityID = out.ID
		e.Details = map[string]any{"folder_url": r.FolderURL, "all": r.All, "items": len(r.ItemIDs), "recursive": r.Recursive}
		return err
	})
	return out, err
}

// workScope is the explicitly named scope a background import or sync acts
// with: the organization, and the user who asked for the work (who is
// named in the audit rows it writes).
func workScope(orgID, userID string) auth.Scope {
	return auth.Scope{OrgID: orgID, UserID: userID, Role: auth.RoleMember}
}

// importTask runs import jobs.
type importTask struct{ s *Service }

// Run lists the folder, then imports the chosen files one by one.
func (t importTask) Run(ctx context.Context, j job.Job, report func(pipeline.Progress)) (string, error) {
	var r ImportRequest
	if err := json.Unmarshal(j.Params, &r); err != nil {
		return "", job.Permanent("invalid", err)
	}
	c, root, err := t.s.resolve(ctx, j.OrgID, r.FolderURL)
	if err != nil {
		return "", permanentIf(err)
	}
	want := map[string]bool{}
	for _, id := range r.ItemIDs {
		want[id] = true
	}
	var files []sharepoint.DriveItem
	err = c.Walk(ctx, *root, r.Recursive, 999, func(it sharepoint.DriveItem, _ string) error {
		if it.IsFile() && (r.All || want[it.ID]) {
			files = append(files, it)
		}
		return nil
	})
	if err != nil {
		return "", permanentIf(graphErr(err))
	}
	report(pipeline.Progress{Stage: "list", Percent: 5, Message: fmt.Sprintf("%d files to import from %q", len(files), root.Name)})
	sc := workScope(j.OrgID, j.CreatedBy)
	var n Counts
	for i, it := range files {
		if err := ctx.Err(); err != nil {
			return "", err
		}
		res := t.s.importItem(ctx, sc, c, it, "", false)
		n.add(res)
		report(pipeline.Progress{Stage: "import", Percent: 5 + 95*(i+1)/len(files), Level: res.level(), Message: res.message(it)})
	}
	missing := len(want) - len(files)
	summary := fmt.Sprintf("Imported %d files: %d new, %d changed, %d unchanged, %d duplicates, %d failed",
		len(files), n.New, n.Changed, n.Unchanged, n.Duplicate, n.Failed)
	if !r.All && missing > 0 {
		summary += fmt.Sprintf("; %d requested ids were not found in the folder", missing)
	}
	return summary, nil
}

// permanentIf fails a job at once for errors retrying will not fix.
func permanentIf(err error) error {
	if errors.Is(err, apperr.Invalid) || errors.Is(err, apperr.NotFound) {
		return job.Permanent("invalid", err)
	}
	return err
}

// outcome is what happened to one file.
type outcome struct {
	kind  string // new, changed, unchanged, duplicate, failed
	docID string
	err   error
}

func (o outcome) level() string {
	if o.kind == "failed" {
		return "warning"
	}
	return "info"
}

func (o outcome) message(it sharepoint.DriveItem) string {
	if o.err != nil {
		return fmt.Sprintf("%s: failed: %v", it.Name, o.err)
	}
	return fmt.Sprintf("%s: %s (document %s)", it.Name, o.kind, o.docID)
}

func (n *Counts) add(o outcome) {
	switch o.kind {
	case "new":
		n.New++
	case "changed":
		n.Changed++
	case "unchanged":
		n.Unchanged++
	case "duplicate":
		n.Duplicate++
	default:
		n.Failed++
	}
}

// importItem brings one file in. A file already imported (same drive item)
// with the same eTag is unchanged and not downloaded; with another eTag its
// document's file is replaced. A new file becomes a document, streamed into
// the blob store through the upload path (sniffing, size limit, SHA-256,
// and — when allowDuplicate is false — dedupe by content).
func (s *Service) importItem(ctx context.Context, sc auth.Scope, c *sharepoint.Client, it sharepoint.DriveItem,
	sourceID string, allowDuplicate bool) outcome {
	drive := it.ParentReference.DriveID
	prev, err := document.ByRemoteItem(ctx, s.DB, sc.OrgID, drive, it.ID)
	if err != nil && !errors.Is(err, apperr.NotFound) {
		return outcome{kind: "failed", err: err}
	}
	found := err == nil
	if found && prev.ETag == it.ETag && prev.DeletedAt == nil {
		if sourceID != "" && prev.SourceID != sourceID {
			if err := document.AttachSource(ctx, s.DB, sc.OrgID, prev.ID, sourceID); err != nil {
				return outcome{kind: "failed", err: err}
			}
		}
		return outcome{kind: "unchanged", docID: prev.ID}
	}
	body, err := c.Download(ctx, drive, it.ID)
	if err != nil {
		return outcome{kind: "failed", err: graphErr(err)}
	}
	defer body.Close()
	up := document.Upload{Filename: it.Name, Body: body, AllowDuplicate: allowDuplicate, Remote: &document.Remote{
		URL: it.WebURL, ETag: it.ETag, Modified: it.LastModifiedDateTime, DriveID: drive, ItemID: it.ID, SourceID: sourceID}}
	if it.File != nil {
		up.ContentType = it.File.MimeType
	}
	if found {
		d, err := s.Docs.Replace(ctx, sc, prev.ID, up)
		if err != nil {
			return outcome{kind: "failed", err: err}
		}
		return outcome{kind: "changed", docID: d.ID}
	}
	d, err := s.Docs.Upload(ctx, sc, up)
	switch {
	case err != nil:
		return outcome{kind: "failed", err: err}
	case d.DuplicateOf != "":
		return outcome{kind: "duplicate", docID: d.DuplicateOf}
	}
	return outcome{kind: "new", docID: d.ID}
}
