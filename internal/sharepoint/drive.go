package sharepoint

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"strconv"
)

// ErrStop, returned by a walk or delta callback, ends the walk without error.
var ErrStop = errors.New("sharepoint: stop")

// ErrResyncRequired is a delta link Graph no longer accepts (HTTP 410):
// start again without one.
var ErrResyncRequired = errors.New("sharepoint: the delta link expired; a full resync is required")

// page is one page of a Graph collection.
type page struct {
	Value     []DriveItem `json:"value"`
	NextLink  string      `json:"@odata.nextLink"`
	DeltaLink string      `json:"@odata.deltaLink"`
}

// Children calls fn for every child of a folder, following
// @odata.nextLink pages of pageSize items ($top, 1–999 for Graph).
func (c *Client) Children(ctx context.Context, driveID, itemID string, pageSize int, fn func(DriveItem) error) error {
	next := "/drives/" + url.PathEscape(driveID) + "/items/" + url.PathEscape(itemID) + "/children"
	if pageSize > 0 {
		next += "?$top=" + strconv.Itoa(pageSize)
	}
	for next != "" {
		var p page
		if err := c.Get(ctx, next, &p); err != nil {
			return withPermission(err, "Files.Read.All")
		}
		for _, it := range p.Value {
			if err := fn(it); err != nil {
				return err
			}
		}
		next = p.NextLink
	}
	return nil
}

// Walk lists a folder breadth-first (its children, then, when recursive,
// each subfolder's) and calls fn with every item and the path of the
// folder it is in ("/" for the folder itself, "/Sub/Deeper" below). A
// callback returning ErrStop ends the walk with a nil error.
func (c *Client) Walk(ctx context.Context, root DriveItem, recursive bool, pageSize int, fn func(it DriveItem, folder string) error) error {
	type dir struct{ id, path string }
	drive := root.ParentReference.DriveID
	queue := []dir{{root.ID, "/"}}
	for len(queue) > 0 {
		d := queue[0]
		queue = queue[1:]
		err := c.Children(ctx, drive, d.id, pageSize, func(it DriveItem) error {
			if recursive && it.IsFolder() {
				queue = append(queue, dir{it.ID, joinPath(d.path, it.Name)})
			}
			return fn(it, d.path)
		})
		if errors.Is(err, ErrStop) {
			return nil
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func joinPath(dir, name string) string {
	if dir == "/" {
		return "/" + name
	}
	return dir + "/" + name
}

// Delta runs a delta query on a drive: from its root when link is empty
// (every item, the first sync), else from a stored @odata.deltaLink (only
// what changed since, deletions carrying the deleted facet). fn sees each
// item; the returned link is the one to store for the next run. A link
// Graph refuses with 410 Gone is ErrResyncRequired.
func (c *Client) Delta(ctx context.Context, driveID, link string, fn func(DriveItem) error) (string, error) {
	next := link
	if next == "" {
		next = "/drives/" + url.PathEscape(driveID) + "/root/delta"
	}
	for {
		var p page
		err := c.Get(ctx, next, &p)
		var e *Error
		if errors.As(err, &e) && e.Status == http.StatusGone {
			return "", ErrResyncRequired
		}
		if err != nil {
			return "", withPermission(err, "Files.Read.All")
		}
		for _, it := range p.Value {
			if err := fn(it); err != nil {
				return "", err
			}
		}
		switch {
		case p.NextLink != "":
			next = p.NextLink
		case p.DeltaLink != "":
			return p.DeltaLink, nil
		default:
			return "", &Error{Op: "GET " + opPath(next), Message: "the delta answer has neither a next link nor a delta link"}
		}
	}
}

// Download opens a file's content (GET /drives/{d}/items/{id}/content,
// which Graph answers with a redirect to a pre-authenticated URL that the
// HTTP client follows); the caller closes it. 429/503 are retried like
// every call.
func (c *Client) Download(ctx context.Context, driveID, itemID string) (io.ReadCloser, error) {
	resp, err := c.Do(ctx, http.MethodGet, "/drives/"+url.PathEscape(driveID)+"/items/"+url.PathEscape(itemID)+"/content")
	if err != nil {
		return nil, withPermission(err, "Files.Read.All")
	}
	return resp.Body, nil
}
