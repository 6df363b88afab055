package graphtest

import (
	"fmt"
	"net/http"
	"net/url"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

// item is a file or folder of the fake library.
type item struct {
	id, name, parent string
	folder           bool
	content          []byte
	version          int
	created, changed time.Time
	seq              int64 // the change counter when it last changed
	deleted          bool
}

// drive is the fake library: its items and change counter.
type drive struct {
	items     map[string]*item
	seq       int64
	nextID    int
	epoch     int // delta links of an earlier epoch are 410 (ExpireDeltaLinks)
	downloads map[string]int
	// DeltaPageSize is how many items one delta page holds (default 3),
	// so that even small tests follow @odata.nextLink.
	DeltaPageSize int
}

func newDrive() drive {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	root := &item{id: RootID, name: "root", folder: true, created: now, changed: now, version: 1}
	return drive{items: map[string]*item{RootID: root}, downloads: map[string]int{}, DeltaPageSize: 3}
}

// AddFolder creates a folder under parentID and returns its id.
func (s *Server) AddFolder(parentID, name string) string {
	return s.add(parentID, name, true, nil)
}

// AddFile creates a file with content under parentID and returns its id.
func (s *Server) AddFile(parentID, name string, content []byte) string {
	return s.add(parentID, name, false, content)
}

func (s *Server) add(parentID, name string, folder bool, content []byte) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.items[parentID] == nil || !s.items[parentID].folder {
		panic("graphtest: no folder " + parentID)
	}
	s.nextID++
	s.seq++
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC).Add(time.Duration(s.seq) * time.Minute)
	it := &item{id: fmt.Sprintf("item-%d", s.nextID), name: name, parent: parentID, folder: folder, content: content,
		version: 1, created: now, changed: now, seq: s.seq}
	s.items[it.id] = it
	return it.id
}

// UpdateFile replaces a file's content (new eTag, modified time, change).
func (s *Server) UpdateFile(id string, content []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.items[id]
	s.seq++
	it.content, it.version, it.seq = content, it.version+1, s.seq
	it.changed = it.changed.Add(time.Hour)
}

// Delete removes an item (and, for a folder, what is inside it).
func (s *Server) Delete(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.seq++
	for _, it := range s.items {
		if it.id == id || s.isUnder(it, id) {
			it.deleted, it.seq = true, s.seq
		}
	}
}

// ExpireDeltaLinks makes every delta link issued so far answer 410 Gone.
func (s *Server) ExpireDeltaLinks() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.epoch++
}

// Downloads counts the content downloads of an item.
func (s *Server) Downloads(id string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.downloads[id]
}

// isUnder reports whether it is below folder id (not it itself).
func (s *Server) isUnder(it *item, id string) bool {
	for p := it.parent; p != ""; p = s.items[p].parent {
		if p == id {
			return true
		}
	}
	return false
}

// pathOf is the item's path from the root ("/Reports/2026/a.pdf").
func (s *Server) pathOf(it *item) string {
	if it.id == RootID {
		return ""
	}
	return s.pathOf(s.items[it.parent]) + "/" + it.name
}

func (s *Server) depth(it *item) int {
	return strings.Count(s.pathOf(it), "/")
}

// itemJSON is a driveItem resource.
func (s *Server) itemJSON(it *item) map[string]any {
	if it.deleted {
		return map[string]any{"id": it.id, "deleted": map[string]any{"state": "deleted"},
			"parentReference": map[string]any{"driveId": DriveID, "driveType": "documentLibrary", "id": it.parent}}
	}
	parentPath := ""
	if p := s.items[it.parent]; p != nil {
		parentPath = "/drive/root:" + s.pathOf(p)
	}
	m := map[string]any{"id": it.id, "name": it.name, "createdDateTime": it.created.Format(time.RFC3339),
		"lastModifiedDateTime": it.changed.Format(time.RFC3339), "size": len(it.content),
		"webUrl":          "https://contoso.sharepoint.com/sites/Team/Shared%20Documents" + (&url.URL{Path: s.pathOf(it)}).EscapedPath(),
		"eTag":            fmt.Sprintf("\"{%s},%d\"", strings.ToUpper(it.id), it.version),
		"cTag":            fmt.Sprintf("\"c:{%s},%d\"", strings.ToUpper(it.id), it.version),
		"createdBy":       map[string]any{"user": map[string]any{"displayName": "Ada Author", "email": "ada@contoso.com"}},
		"lastModifiedBy":  map[string]any{"user": map[string]any{"displayName": "Max Editor", "email": "max@contoso.com"}},
		"parentReference": map[string]any{"driveId": DriveID, "driveType": "documentLibrary", "id": it.parent, "path": parentPath}}
	if it.id == RootID {
		m["root"] = map[string]any{}
		m["parentReference"] = map[string]any{"driveId": DriveID, "driveType": "documentLibrary"}
	}
	if it.folder {
		n := 0
		for _, c := range s.items {
			if c.parent == it.id && !c.deleted {
				n++
			}
		}
		m["folder"] = map[string]any{"childCount": n}
	} else {
		m["file"] = map[string]any{"mimeType": mimeOf(it.name)}
	}
	return m
}

func mimeOf(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".pdf":
		return "application/pdf"
	case ".md":
		return "text/markdown"
	case ".txt":
		return "text/plain"
	case ".docx":
		return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	}
	return "application/octet-stream"
}

// lookup returns a live item of the drive, or answers 404.
func (s *Server) lookup(w http.ResponseWriter, r *http.Request) *item {
	it := s.items[r.PathValue("item")]
	if r.PathValue("drive") != DriveID || it == nil || it.deleted {
		graphError(w, http.StatusNotFound, "itemNotFound", "The resource could not be found.")
		return nil
	}
	return it
}

func (s *Server) getItem(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it := s.lookup(w, r); it != nil {
		writeJSON(w, http.StatusOK, s.itemJSON(it))
	}
}

// children serves one page of a folder's children ($top, $skiptoken).
func (s *Server) children(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it := s.lookup(w, r)
	if it == nil {
		return
	}
	var kids []*item
	for _, c := range s.items {
		if c.parent == it.id && !c.deleted {
			kids = append(kids, c)
		}
	}
	sort.Slice(kids, func(i, j int) bool { return kids[i].name < kids[j].name })
	top := 200
	if v := r.URL.Query().Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 || n > 999 {
			graphError(w, http.StatusBadRequest, "invalidRequest", "Invalid $top value.")
			return
		}
		top = n
	}
	s.writePage(w, r, kids, top, nil)
}

// writePage answers the page of list starting at $skiptoken, with a next
// link carrying extra query values, or (last page) the delta link.
func (s *Server) writePage(w http.ResponseWriter, r *http.Request, list []*item, size int, last map[string]string) {
	off, _ := strconv.Atoi(r.URL.Query().Get("$skiptoken"))
	off = min(max(off, 0), len(list))
	end := min(off+size, len(list))
	values := make([]map[string]any, 0, end-off)
	for _, it := range list[off:end] {
		values = append(values, s.itemJSON(it))
	}
	out := map[string]any{"value": values}
	if end < len(list) {
		q := r.URL.Query()
		q.Set("$skiptoken", strconv.Itoa(end))
		out["@odata.nextLink"] = s.GraphURL() + strings.TrimPrefix(r.URL.Path, "/v1.0") + "?" + q.Encode()
	} else if last != nil {
		q := url.Values{}
		for k, v := range last {
			q.Set(k, v)
		}
		out["@odata.deltaLink"] = s.GraphURL() + strings.TrimPrefix(r.URL.Path, "/v1.0") + "?" + q.Encode()
	}
	writeJSON(w, http.StatusOK, out)
}

// delta serves the drive root's delta: everything (parents first) without
// a token, else what changed after the token, deletions included.
func (s *Server) delta(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := r.URL.Query()
	if r.PathValue("drive") != DriveID {
		graphError(w, http.StatusNotFound, "itemNotFound", "The resource could not be found.")
		return
	}
	from, upto := int64(-1), s.seq
	if t := q.Get("token"); t != "" {
		epoch, seq, _ := strings.Cut(t, ".")
		n, err := strconv.ParseInt(seq, 10, 64)
		if err != nil || epoch != strconv.Itoa(s.epoch) {
			graphError(w, http.StatusGone, "resyncRequired", "Resync required. Replace any local items with the server's version.")
			return
		}
		from = n
	}
	if u := q.Get("upto"); u != "" {
		upto, _ = strconv.ParseInt(u, 10, 64)
	} else {
		q.Set("upto", strconv.FormatInt(upto, 10))
		r.URL.RawQuery = q.Encode()
	}
	var list []*item
	for _, it := range s.items {
		switch {
		case from < 0 && !it.deleted && it.seq <= upto, from >= 0 && it.seq > from && it.seq <= upto:
			list = append(list, it)
		}
	}
	sort.Slice(list, func(i, j int) bool {
		if di, dj := s.depth(list[i]), s.depth(list[j]); di != dj {
			return di < dj
		}
		return list[i].id < list[j].id
	})
	s.writePage(w, r, list, max(s.DeltaPageSize, 1), map[string]string{"token": strconv.Itoa(s.epoch) + "." + strconv.FormatInt(upto, 10)})
}

// content redirects to the pre-authenticated download URL, as Graph does.
func (s *Server) content(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	it := s.lookup(w, r)
	s.mu.Unlock()
	if it == nil {
		return
	}
	if it.folder {
		graphError(w, http.StatusBadRequest, "invalidRequest", "The item is a folder.")
		return
	}
	w.Header().Set("Location", s.srv.URL+"/download/"+it.id+"?tempauth=fake-"+strconv.Itoa(it.version))
	w.WriteHeader(http.StatusFound)
}

// download serves a file's bytes; it needs no bearer token (the URL is
// pre-authenticated).
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	it := s.items[r.PathValue("item")]
	var body []byte
	if it != nil && !it.deleted {
		body = it.content
		s.downloads[it.id]++
	}
	s.mu.Unlock()
	if it == nil || it.deleted || !strings.HasPrefix(r.URL.Query().Get("tempauth"), "fake-") {
		http.Error(w, "not found", http.StatusNotFound)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	_, _ = w.Write(body)
}
