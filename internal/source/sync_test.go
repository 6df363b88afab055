package source

import (
	"strings"
	"testing"

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
