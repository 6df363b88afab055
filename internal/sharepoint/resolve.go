package sharepoint

import (
	"context"
	"errors"
	"net/url"
	"strings"
	"time"
)

// Site is a SharePoint site as Graph describes it.
type Site struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	DisplayName string `json:"displayName"`
	WebURL      string `json:"webUrl"`
}

// DriveItem is a file or folder as Graph describes it (the fields the
// inventory, imports and delta syncs read).
type DriveItem struct {
	ID                   string    `json:"id"`
	Name                 string    `json:"name"`
	WebURL               string    `json:"webUrl"`
	Size                 int64     `json:"size"`
	ETag                 string    `json:"eTag"`
	CTag                 string    `json:"cTag"`
	CreatedDateTime      time.Time `json:"createdDateTime"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime"`
	CreatedBy            Identity  `json:"createdBy"`
	LastModifiedBy       Identity  `json:"lastModifiedBy"`
	ParentReference      struct {
		DriveID string `json:"driveId"`
		ID      string `json:"id"`
		Path    string `json:"path"`
	} `json:"parentReference"`
	Folder *struct {
		ChildCount int `json:"childCount"`
	} `json:"folder,omitempty"`
	File *struct {
		MimeType string `json:"mimeType"`
	} `json:"file,omitempty"`
	// Deleted is set on items a delta query reports as deleted.
	Deleted *struct {
		State string `json:"state"`
	} `json:"deleted,omitempty"`
	// Root is set on a drive's root folder.
	Root *struct{} `json:"root,omitempty"`
}

// Identity is the createdBy / lastModifiedBy facet.
type Identity struct {
	User struct {
		DisplayName string `json:"displayName"`
		Email       string `json:"email"`
	} `json:"user"`
}

// Name is the person's display name, else their email.
func (i Identity) Name() string {
	if i.User.DisplayName != "" {
		return i.User.DisplayName
	}
	return i.User.Email
}

// IsFile reports whether the item is a file.
func (d DriveItem) IsFile() bool { return d.File != nil }

// IsDeleted reports whether a delta query reported the item deleted.
func (d DriveItem) IsDeleted() bool { return d.Deleted != nil }

// IsFolder reports whether the item is a folder.
func (d DriveItem) IsFolder() bool { return d.Folder != nil }

// Site resolves a site URL (https://tenant.sharepoint.com/sites/Team) with
// GET /sites/{hostname}:/{path}; an empty path is the root site.
func (c *Client) Site(ctx context.Context, siteURL string) (*Site, error) {
	u, err := url.Parse(siteURL)
	if err != nil || u.Host == "" {
		return nil, &Error{Op: "site", Message: "site_url is not a URL"}
	}
	path := "/sites/" + u.Hostname()
	if p := strings.Trim(u.EscapedPath(), "/"); p != "" {
		path += ":/" + p
	}
	var s Site
	if err := c.Get(ctx, path, &s); err != nil {
		return nil, withPermission(err, "Sites.Read.All")
	}
	if s.ID == "" {
		return nil, &Error{Op: "GET " + path, Message: "the answer has no site id"}
	}
	return &s, nil
}

// RootSite reads GET /sites/root: proof that the token works for sites.
func (c *Client) RootSite(ctx context.Context) (*Site, error) {
	var s Site
	if err := c.Get(ctx, "/sites/root", &s); err != nil {
		return nil, withPermission(err, "Sites.Read.All")
	}
	return &s, nil
}

// ResolveShare resolves a sharing link (a folder or file URL) to its drive
// item with GET /shares/{u!…}/driveItem.
func (c *Client) ResolveShare(ctx context.Context, link string) (*DriveItem, error) {
	if u, err := url.Parse(link); err != nil || u.Host == "" {
		return nil, &Error{Op: "share", Message: "folder_url is not a URL"}
	}
	var d DriveItem
	if err := c.Get(ctx, "/shares/"+EncodeShareURL(link)+"/driveItem", &d); err != nil {
		return nil, withPermission(err, "Files.Read.All")
	}
	if d.ID == "" {
		return nil, errors.New("sharepoint: the share resolved to an item without id")
	}
	return &d, nil
}
