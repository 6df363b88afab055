package source

import (
	"context"
	"errors"
	"path"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/sharepoint"
)

// InventoryRequest is POST /sharepoint/inventory (the reference's shape).
type InventoryRequest struct {
	FolderURL      string
	Recursive      bool
	IncludeFolders bool
	PageSize       int // 1–2000, default 200 (Graph pages hold at most 999)
	MaxItems       int // 0: no limit
}

// Folder is the folder a link resolved to.
type Folder struct {
	Name    string `json:"name"`
	ID      string `json:"id"`
	WebURL  string `json:"web_url"`
	DriveID string `json:"drive_id"`
}

// Item is one inventory line (the reference's fields, plus the eTag).
type Item struct {
	Index          int        `json:"index"`
	Name           string     `json:"name"`
	Type           string     `json:"type"` // file | folder
	Folder         string     `json:"folder"`
	Extension      string     `json:"extension"`
	Size           int64      `json:"size"`
	Created        *time.Time `json:"created"`
	Modified       *time.Time `json:"modified"`
	CreatedBy      string     `json:"created_by"`
	LastModifiedBy string     `json:"last_modified_by"`
	MIME           string     `json:"mime"`
	FileType       string     `json:"file_type"`
	ID             string     `json:"id"`
	WebURL         string     `json:"web_url"`
	ETag           string     `json:"etag,omitempty"`
}

// Inventory is the answer of an inventory.
type Inventory struct {
	Folder Folder `json:"folder"`
	Items  []Item `json:"items"`
}

// graphPage is the $top sent to Graph for a requested page size.
func graphPage(n int) int { return min(max(n, 1), 999) }

func (r *InventoryRequest) check() error {
	var f apperr.Fields
	if reason := checkFolderURL(strings.TrimSpace(r.FolderURL)); reason != "" {
		f.Add("folder_url", reason)
	}
	if r.PageSize == 0 {
		r.PageSize = 200
	}
	if r.PageSize < 1 || r.PageSize > 2000 {
		f.Add("page_size", "must be between 1 and 2000")
	}
	if r.MaxItems < 0 {
		f.Add("max_items", "must be at least 1")
	}
	r.FolderURL = strings.TrimSpace(r.FolderURL)
	return f.Err()
}

// Inventory lists a shared folder: its files (and folders when asked),
// breadth-first, page by page, up to MaxItems.
func (s *Service) Inventory(ctx context.Context, sc auth.Scope, r InventoryRequest) (Inventory, error) {
	if err := r.check(); err != nil {
		return Inventory{}, err
	}
	out, err := s.inventory(ctx, sc, r)
	e := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "sharepoint.inventory", EntityType: "sharepoint_folder",
		EntityID: out.Folder.ID, Details: map[string]any{"folder_url": r.FolderURL, "recursive": r.Recursive, "items": len(out.Items)}}
	if err != nil {
		e.Status, e.Error = audit.Failure, err.Error()
	}
	audit.RecordNow(ctx, s.DB, e)
	return out, err
}

// inventory walks the folder (no transaction is held while Graph answers).
func (s *Service) inventory(ctx context.Context, sc auth.Scope, r InventoryRequest) (Inventory, error) {
	c, root, err := s.resolve(ctx, sc.OrgID, r.FolderURL)
	if err != nil {
		return Inventory{}, err
	}
	out := Inventory{Folder: folderOf(root), Items: []Item{}}
	err = c.Walk(ctx, *root, r.Recursive, graphPage(r.PageSize), func(it sharepoint.DriveItem, folder string) error {
		if it.IsFolder() && !r.IncludeFolders {
			return nil
		}
		if !it.IsFolder() && !it.IsFile() {
			return nil // notebooks, packages: nothing to download
		}
		out.Items = append(out.Items, itemOf(it, folder, len(out.Items)+1))
		if r.MaxItems > 0 && len(out.Items) >= r.MaxItems {
			return sharepoint.ErrStop
		}
		return nil
	})
	return out, graphErr(err)
}

// resolve builds the organization's Graph client and resolves a folder link.
func (s *Service) resolve(ctx context.Context, orgID, link string) (*sharepoint.Client, *sharepoint.DriveItem, error) {
	c, _, err := s.Graph.SharePointFor(ctx, orgID)
	if errors.Is(err, connection.ErrNotConfigured) {
		return nil, nil, apperr.New(apperr.Invalid, "sharepoint_not_configured",
			"SharePoint is not configured: add a sharepoint connection (or set MS_TENANT_ID, MS_CLIENT_ID and MS_CLIENT_SECRET)")
	}
	if err != nil {
		return nil, nil, err
	}
	root, err := c.ResolveShare(ctx, link)
	if err != nil {
		return nil, nil, graphErr(err)
	}
	if !root.IsFolder() {
		return nil, nil, apperr.Field("folder_url", "the link points at a file, not a folder")
	}
	return c, root, nil
}

// graphErr maps a Graph failure to a problem: a link that does not resolve
// is the folder_url's fault, throttling beyond the retries is 503, other
// Graph answers are 400 with Graph's text (as the reference did), secrets
// never included.
func graphErr(err error) error {
	var e *sharepoint.Error
	if !errors.As(err, &e) {
		return err
	}
	switch {
	case e.NotFound() && strings.Contains(e.Op, "/shares/"):
		return &apperr.Error{Kind: apperr.Invalid, Code: "folder_not_found", Detail: e.Error(),
			Fields: []apperr.FieldError{{Field: "folder_url", Reason: "the link does not resolve (deleted, or the app has no access)"}}}
	case e.Throttled():
		return &apperr.Error{Kind: apperr.Unavailable, Code: "sharepoint_throttled", Detail: e.Error(), RetryAfter: e.RetryAfter}
	}
	return apperr.Wrap(apperr.Invalid, "sharepoint_error", e.Error(), err)
}

func folderOf(d *sharepoint.DriveItem) Folder {
	return Folder{Name: d.Name, ID: d.ID, WebURL: d.WebURL, DriveID: d.ParentReference.DriveID}
}

func itemOf(it sharepoint.DriveItem, folder string, index int) Item {
	out := Item{Index: index, Name: it.Name, Type: "file", Folder: folder, Size: it.Size, CreatedBy: it.CreatedBy.Name(),
		LastModifiedBy: it.LastModifiedBy.Name(), ID: it.ID, WebURL: it.WebURL, ETag: it.ETag,
		Created: timePtr(it.CreatedDateTime), Modified: timePtr(it.LastModifiedDateTime)}
	if it.IsFolder() {
		out.Type, out.FileType = "folder", "folder"
		return out
	}
	out.Extension = strings.ToLower(path.Ext(it.Name))
	out.FileType = strings.TrimPrefix(out.Extension, ".")
	if it.File != nil {
		out.MIME = it.File.MimeType
	}
	return out
}

func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	t = t.UTC()
	return &t
}
