package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/testenv"
)

type sourceResp struct {
	ID                 string `json:"id"`
	Name               string `json:"name"`
	FolderURL          string `json:"folder_url"`
	Recursive          bool   `json:"recursive"`
	ProcessAfterImport bool   `json:"process_after_import"`
	FolderName         string `json:"folder_name"`
	LastSync           *struct {
		JobID      string  `json:"job_id"`
		Status     string  `json:"status"`
		FinishedAt *string `json:"finished_at"`
		Error      *string `json:"error"`
		Counts     *struct {
			New       int `json:"new"`
			Changed   int `json:"changed"`
			Unchanged int `json:"unchanged"`
			Deleted   int `json:"deleted"`
			Failed    int `json:"failed"`
			Enqueued  int `json:"enqueued"`
		} `json:"counts"`
	} `json:"last_sync"`
}

// syncOnce runs a sync of the source to its end and returns the source.
func syncOnce(t *testing.T, env *testenv.Env, token, id string) sourceResp {
	t.Helper()
	var enq map[string]any
	if st := env.DoJSON(t, "POST", "/api/v1/sources/"+id+"/sync", token, nil, &enq); st != http.StatusAccepted || enq["kind"] != "sync" {
		t.Fatalf("sync: %d %v", st, enq)
	}
	if j := waitJob(t, env, token, enq["job_id"].(string)); j["status"] != "completed" {
		t.Fatalf("sync job: %v\n%s", j, logText(j))
	}
	var src sourceResp
	if st := env.DoJSON(t, "GET", "/api/v1/sources/"+id, token, nil, &src); st != 200 || src.LastSync == nil ||
		src.LastSync.JobID != enq["job_id"] || src.LastSync.Status != "completed" || src.LastSync.Counts == nil {
		t.Fatalf("source after sync: %d %+v", st, src)
	}
	return src
}

// waitProcessing waits until the organization has no queued or running jobs.
func waitProcessing(t *testing.T, env *testenv.Env, orgID string) {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); time.Now().Before(deadline); time.Sleep(50 * time.Millisecond) {
		var n int
		if err := env.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM jobs WHERE org_id = ? AND status IN ('queued', 'running')`,
			orgID).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			return
		}
	}
	t.Fatal("jobs still active after 60 s")
}

func counts(s sourceResp) [6]int {
	c := s.LastSync.Counts
	return [6]int{c.New, c.Changed, c.Unchanged, c.Deleted, c.Failed, c.Enqueued}
}

func TestSourceDeltaSync(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		sp := newSharePointOrg(t, env, "Sync")
		var src sourceResp
		if st := env.DoJSON(t, "POST", "/api/v1/sources", sp.token, map[string]any{"name": "Team reports", "folder_url": sp.link,
			"recursive": true, "process_after_import": true, "options": map[string]any{"auto_optimize": false}}, &src); st != http.StatusCreated {
			t.Fatalf("create: %d %+v", st, src)
		}
		synced := make(chan map[string]any, 10)
		receiver := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			var ev map[string]any
			if json.NewDecoder(r.Body).Decode(&ev) == nil && r.Header.Get("Curatore-Event") == "source.synced" {
				synced <- ev
			}
		}))
		defer receiver.Close()
		if st, raw := env.Do(t, "POST", "/api/v1/webhooks", sp.token, map[string]any{"url": receiver.URL + "/hook",
			"events": []string{"source.synced"}}); st != http.StatusCreated {
			t.Fatalf("webhook: %d %s", st, raw)
		}
		// First sync: a full enumeration of the drive root's delta, kept to the folder.
		got := syncOnce(t, env, sp.token, src.ID)
		if c := counts(got); c != [6]int{6, 0, 0, 0, 0, 6} || got.FolderName != "Reports" {
			t.Fatalf("first sync: %v %+v", c, got)
		}
		select {
		case ev := <-synced:
			data, _ := ev["data"].(map[string]any)
			c, _ := data["counts"].(map[string]any)
			if data["source_id"] != src.ID || data["job_id"] != got.LastSync.JobID || c["new"] != float64(6) {
				t.Fatalf("source.synced: %v", ev)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("no source.synced delivery")
		}
		if docs := docsBySource(t, env, sp.token); len(docs) != 6 || docs["Sub/f.md"] == nil {
			t.Fatalf("documents: %d", len(docs))
		}
		if n := sp.g.CallCount("/root/delta"); n < 3 {
			t.Fatalf("delta pages = %d (next links followed?)", n)
		}
		waitProcessing(t, env, sp.orgID)
		// Exported chunks name the SharePoint URL as their source.
		var preview struct {
			Chunks []struct {
				Source string `json:"source"`
			} `json:"chunks"`
		}
		a := docsBySource(t, env, sp.token)["a.md"]
		if st := env.DoJSON(t, "GET", "/api/v1/documents/"+a["document_id"].(string)+"/chunks", sp.token, nil, &preview); st != 200 ||
			len(preview.Chunks) == 0 || preview.Chunks[0].Source != a["source"] {
			t.Fatalf("chunk source: %d %+v (document source %v)", st, preview, a["source"])
		}
		// Second sync: the stored delta link returns nothing: nothing downloaded.
		got = syncOnce(t, env, sp.token, src.ID)
		if c := counts(got); c != [6]int{0, 0, 0, 0, 0, 0} {
			t.Fatalf("second sync: %v", c)
		}
		for _, n := range []string{"a.md", "b.md", "f.md"} {
			if d := sp.g.Downloads(sp.ids[n]); d != 1 {
				t.Fatalf("%s downloaded %d times", n, d)
			}
		}
		// Changes: b edited, c deleted, g added, and a file outside the folder.
		sp.g.UpdateFile(sp.ids["b.md"], []byte("# B\n\nEdited.\n"))
		sp.g.Delete(sp.ids["c.md"])
		sp.g.AddFile(sp.ids["Sub"], "g.md", []byte("# G\n"))
		sp.g.AddFile("root-id", "outside.md", []byte("# Outside\n"))
		got = syncOnce(t, env, sp.token, src.ID)
		if c := counts(got); c != [6]int{1, 1, 0, 1, 0, 2} {
			t.Fatalf("third sync: %v", c)
		}
		docs := docsBySource(t, env, sp.token)
		if docs["c.md"]["remote_deleted_at"] == nil || docs["b.md"]["remote_deleted_at"] != nil || len(docs) != 7 {
			t.Fatalf("c not marked deleted, or b marked: %v / %v", docs["c.md"], docs["b.md"])
		}
		st, body := env.Do(t, "GET", "/api/v1/documents/"+docs["b.md"]["document_id"].(string)+"/source", sp.token, nil)
		if st != 200 || string(body) != "# B\n\nEdited.\n" {
			t.Fatalf("b's file: %q", body)
		}
		if n := sp.g.Downloads(sp.ids["a.md"]); n != 1 {
			t.Fatalf("a.md downloaded %d times", n)
		}
		waitProcessing(t, env, sp.orgID)
		// An expired delta link (410): a full resync; known files are unchanged by eTag.
		sp.g.ExpireDeltaLinks()
		got = syncOnce(t, env, sp.token, src.ID)
		if c := counts(got); c != [6]int{0, 0, 6, 0, 0, 0} {
			t.Fatalf("resync: %v", c)
		}
		// Throttled in the middle of a sync: waited out, the sync completes.
		sp.g.UpdateFile(sp.ids["a.md"], []byte("# A\n\nAgain.\n"))
		sp.g.Fail(503, "0", 2)
		if c := counts(syncOnce(t, env, sp.token, src.ID)); c != [6]int{0, 1, 0, 0, 0, 1} {
			t.Fatalf("throttled sync: %v", c)
		}
		var link string
		if err := env.DB.QueryRow(context.Background(), `SELECT delta_link FROM sources WHERE org_id = ? AND id = ?`, sp.orgID, src.ID).
			Scan(&link); err != nil || !strings.HasPrefix(link, sp.g.GraphURL()+"/drives/drive-id/root/delta?token=") {
			t.Fatalf("stored delta link %q: %v", link, err)
		}
	})
}

func TestSourceCRUDAndSyncJobControl(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		sp := newSharePointOrg(t, env, "Crud")
		var src sourceResp
		body := map[string]any{"name": "Reports", "folder_url": sp.link}
		if st := env.DoJSON(t, "POST", "/api/v1/sources", sp.token, body, &src); st != http.StatusCreated || src.Recursive || src.LastSync != nil {
			t.Fatalf("create: %d %+v", st, src)
		}
		if st, raw := env.Do(t, "POST", "/api/v1/sources", sp.token, body); st != http.StatusConflict || !strings.Contains(string(raw), "source_name_taken") {
			t.Fatalf("same name: %d %s", st, raw)
		}
		for _, bad := range []map[string]any{{"folder_url": sp.link}, {"name": "x", "folder_url": "not a url"}, {"name": " ", "folder_url": sp.link},
			{"name": "y", "folder_url": sp.link, "options": map[string]any{"quality_thresholds": map[string]any{"clarity": 99}}}} {
			if st, raw := env.Do(t, "POST", "/api/v1/sources", sp.token, bad); st != http.StatusUnprocessableEntity {
				t.Fatalf("%v: %d %s", bad, st, raw)
			}
		}
		if st := env.DoJSON(t, "PUT", "/api/v1/sources/"+src.ID, sp.token, map[string]any{"recursive": true, "process_after_import": true}, &src); st != 200 ||
			!src.Recursive || !src.ProcessAfterImport || src.Name != "Reports" {
			t.Fatalf("update: %d %+v", st, src)
		}
		var list struct {
			Sources []sourceResp `json:"sources"`
			Total   int          `json:"total"`
		}
		if st := env.DoJSON(t, "GET", "/api/v1/sources", sp.token, nil, &list); st != 200 || list.Total != 1 || list.Sources[0].ID != src.ID {
			t.Fatalf("list: %d %+v", st, list)
		}
		// No workers: the sync stays queued. A second one is a conflict, and so is deleting the source.
		var enq map[string]any
		env.DoJSON(t, "POST", "/api/v1/sources/"+src.ID+"/sync", sp.token, nil, &enq)
		jobID := enq["job_id"].(string)
		if st, raw := env.Do(t, "POST", "/api/v1/sources/"+src.ID+"/sync", sp.token, nil); st != http.StatusConflict {
			t.Fatalf("second sync: %d %s", st, raw)
		}
		if st, raw := env.Do(t, "DELETE", "/api/v1/sources/"+src.ID, sp.token, nil); st != http.StatusConflict || !strings.Contains(string(raw), jobID) {
			t.Fatalf("delete while syncing: %d %s", st, raw)
		}
		var j map[string]any
		if st := env.DoJSON(t, "GET", "/api/v1/jobs?kind=sync&source_id="+src.ID, sp.token, nil, &j); st != 200 || j["total"] != float64(1) {
			t.Fatalf("jobs of kind sync: %d %v", st, j)
		}
		if st := env.DoJSON(t, "POST", "/api/v1/jobs/"+jobID+"/cancel", sp.token, nil, &j); st != 200 || j["status"] != "cancelled" || j["source_id"] != src.ID {
			t.Fatalf("cancel: %d %v", st, j)
		}
		env.DoJSON(t, "GET", "/api/v1/sources/"+src.ID, sp.token, nil, &src)
		if src.LastSync == nil || src.LastSync.Status != "cancelled" || src.LastSync.Counts != nil {
			t.Fatalf("last sync after cancel: %+v", src.LastSync)
		}
		// The event stream of a finished sync ends with its status.
		if st, raw := env.Do(t, "GET", "/api/v1/jobs/"+jobID+"/events", sp.token, nil); st != 200 || !strings.Contains(string(raw), "cancelled") {
			t.Fatalf("events: %d %s", st, raw)
		}
		// Another organization cannot retry it; the caller can, and the
		// retried sync is the source's latest at once (no worker runs it).
		other := newSharePointOrg(t, env, "CrudOther")
		if st, raw := env.Do(t, "POST", "/api/v1/jobs/"+jobID+"/retry", other.token, nil); st != http.StatusNotFound {
			t.Fatalf("another organization's retry: %d %s", st, raw)
		}
		if st := env.DoJSON(t, "POST", "/api/v1/jobs/"+jobID+"/retry", sp.token, nil, &j); st != http.StatusAccepted || j["kind"] != "sync" || j["source_id"] != src.ID {
			t.Fatalf("retry: %d %v", st, j)
		}
		env.DoJSON(t, "GET", "/api/v1/sources", sp.token, nil, &list)
		if env.DoJSON(t, "GET", "/api/v1/sources/"+src.ID, sp.token, nil, &src); src.LastSync == nil || src.LastSync.JobID != j["job_id"] ||
			src.LastSync.Status != "queued" || src.LastSync.Counts != nil || src.LastSync.FinishedAt != nil || !reflect.DeepEqual(list.Sources, []sourceResp{src}) {
			t.Fatalf("last sync after retry: %+v (listed %+v), want %v queued", src.LastSync, list.Sources, j["job_id"])
		}
		env.DoJSON(t, "POST", "/api/v1/jobs/"+j["job_id"].(string)+"/cancel", sp.token, nil, nil)
		if st, raw := env.Do(t, "DELETE", "/api/v1/sources/"+src.ID, sp.token, nil); st != http.StatusNoContent {
			t.Fatalf("delete: %d %s", st, raw)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/sources/"+src.ID, sp.token, nil); st != http.StatusNotFound {
			t.Fatalf("deleted source: %d", st)
		}
	})
}

// TestRetriedSyncIsTheSourcesLatest: a sync that failed (Graph refused)
// and is retried with POST /jobs/{id}/retry is the source's latest sync as
// soon as the retry answers — not the failed one until it ends — and its
// end stores its counts on the source like any sync's.
func TestRetriedSyncIsTheSourcesLatest(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		sp, srcID := newFolderSource(t, env, "Retried", "Refused")
		sp.g.Fail(http.StatusForbidden, "", 0)
		var enq map[string]any
		env.DoJSON(t, "POST", "/api/v1/sources/"+srcID+"/sync", sp.token, nil, &enq)
		failed := enq["job_id"].(string)
		var src sourceResp
		if j := waitJob(t, env, sp.token, failed); j["status"] != "failed" {
			t.Fatalf("sync against a refusing Graph: %v", j)
		}
		if env.DoJSON(t, "GET", "/api/v1/sources/"+srcID, sp.token, nil, &src); src.LastSync == nil ||
			src.LastSync.JobID != failed || src.LastSync.Status != "failed" || src.LastSync.Error == nil {
			t.Fatalf("last sync after the failure: %+v", src.LastSync)
		}
		sp.g.Fail(0, "", 0)
		var retried map[string]any
		if st := env.DoJSON(t, "POST", "/api/v1/jobs/"+failed+"/retry", sp.token, nil, &retried); st != http.StatusAccepted {
			t.Fatalf("retry: %d %v", st, retried)
		}
		id := retried["job_id"].(string)
		// A worker may have started it, or even finished it, by now: the
		// job is what must have changed, and it is not the failed one.
		if env.DoJSON(t, "GET", "/api/v1/sources/"+srcID, sp.token, nil, &src); src.LastSync == nil || src.LastSync.JobID != id ||
			src.LastSync.Status == "failed" || src.LastSync.Error != nil {
			t.Fatalf("last sync right after the retry: %+v, want job %s", src.LastSync, id)
		}
		if j := waitJob(t, env, sp.token, id); j["status"] != "completed" {
			t.Fatalf("retried sync: %v\n%s", j, logText(j))
		}
		if env.DoJSON(t, "GET", "/api/v1/sources/"+srcID, sp.token, nil, &src); src.LastSync == nil || src.LastSync.JobID != id ||
			src.LastSync.Status != "completed" || src.LastSync.Counts == nil || counts(src) != [6]int{5, 0, 0, 0, 0, 0} {
			t.Fatalf("last sync after the retried sync: %+v", src.LastSync)
		}
	})
}

// newFolderSource makes an organization with a fake Graph (newSharePointOrg)
// and saves its shared folder as a source named name; it returns the source's id.
func newFolderSource(t *testing.T, env *testenv.Env, org, name string) (spOrg, string) {
	t.Helper()
	sp := newSharePointOrg(t, env, org)
	var src sourceResp
	if st := env.DoJSON(t, "POST", "/api/v1/sources", sp.token, map[string]any{"name": name, "folder_url": sp.link}, &src); st != http.StatusCreated {
		t.Fatalf("source: %d", st)
	}
	return sp, src.ID
}

// newSource saves a SharePoint source for the matrices (no Graph call).
func newSource(t *testing.T, env *testenv.Env, token, name string) string {
	t.Helper()
	var src sourceResp
	if st := env.DoJSON(t, "POST", "/api/v1/sources", token, map[string]any{"name": name + " source",
		"folder_url": "https://contoso.sharepoint.com/:f:/s/" + slugOf(name)}, &src); st != http.StatusCreated {
		t.Fatalf("source: %d", st)
	}
	return src.ID
}

// auditSourceCalls calls every mutating SharePoint and source route once,
// successfully, and checks that each wrote one success audit row.
func auditSourceCalls(t *testing.T, env *testenv.Env) []string {
	t.Helper()
	sp := newSharePointOrg(t, env, "Audited")
	first, second := newSource(t, env, sp.token, "First"), newSource(t, env, sp.token, "Second")
	s := "/api/v1/sources/"
	calls := []auditedCall{
		{"POST /api/v1/sharepoint/inventory", "/api/v1/sharepoint/inventory", sp.token, map[string]any{"folder_url": sp.link}, 200},
		{"POST /api/v1/sharepoint/import", "/api/v1/sharepoint/import", sp.token, map[string]any{"folder_url": sp.link, "all": true}, 202},
		{"POST /api/v1/sources", "/api/v1/sources", sp.token, map[string]any{"name": "Third", "folder_url": sp.link}, 201},
		{"PUT /api/v1/sources/{id}", s + first, sp.token, map[string]any{"recursive": true}, 200},
		{"POST /api/v1/sources/{id}/sync", s + second + "/sync", sp.token, nil, 202},
		{"DELETE /api/v1/sources/{id}", s + first, sp.token, nil, 204},
	}
	var routes []string
	for _, c := range calls {
		routes = append(routes, c.route)
		before := countRows(t, env, "success")
		if st, body := env.Do(t, methodOf(c.route), c.path, c.token, c.body); st != c.status {
			t.Fatalf("%s: %d %s, want %d", c.route, st, body, c.status)
		}
		if after := countRows(t, env, "success"); after != before+1 {
			t.Errorf("%s wrote %d success audit rows, want 1", c.route, after-before)
		}
	}
	return routes
}

// TestCancelRunningSync cancels a sync while it waits out Graph's
// throttling: the job ends cancelled, nothing is imported, the delta link
// is not stored, and the next sync starts from scratch.
func TestCancelRunningSync(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		sp, id := newFolderSource(t, env, "Cancel", "Throttled")
		sp.g.Fail(429, "20", 0) // every Graph call throttled, 20 s each
		var enq map[string]any
		env.DoJSON(t, "POST", "/api/v1/sources/"+id+"/sync", sp.token, nil, &enq)
		jobID := enq["job_id"].(string)
		for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
			var j map[string]any
			env.DoJSON(t, "GET", "/api/v1/jobs/"+jobID, sp.token, nil, &j)
			if j["status"] == "running" && sp.g.CallCount("/shares/") > 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("sync never ran: %v", j)
			}
		}
		if st, raw := env.Do(t, "POST", "/api/v1/jobs/"+jobID+"/cancel", sp.token, nil); st != 200 {
			t.Fatalf("cancel: %d %s", st, raw)
		}
		if j := waitJob(t, env, sp.token, jobID); j["status"] != "cancelled" {
			t.Fatalf("job: %v", j)
		}
		var link *string
		if err := env.DB.QueryRow(context.Background(), `SELECT delta_link FROM sources WHERE org_id = ? AND id = ?`, sp.orgID, id).
			Scan(&link); err != nil || link != nil {
			t.Fatalf("delta link after a cancelled sync: %v %v", link, err)
		}
		sp.g.Fail(0, "", 0)
		if c := counts(syncOnce(t, env, sp.token, id)); c != [6]int{5, 0, 0, 0, 0, 0} {
			t.Fatalf("sync after the cancel: %v", c)
		}
	})
}

// TestSourceListShowsEachSourcesLatestSync: with several sources and syncs
// (no workers: syncs stay queued until cancelled), the list shows each
// source's latest sync as GET /sources/{id} does, and another
// organization's sources and syncs are not in it.
func TestSourceListShowsEachSourcesLatestSync(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		a, b := newSharePointOrg(t, env, "Listed"), newSharePointOrg(t, env, "Hidden")
		never, twice, once := newSource(t, env, a.token, "Never"), newSource(t, env, a.token, "Twice"), newSource(t, env, a.token, "Once")
		other := newSource(t, env, b.token, "Other")
		sync := func(token, id string, cancel bool) string {
			var enq map[string]any
			if st := env.DoJSON(t, "POST", "/api/v1/sources/"+id+"/sync", token, nil, &enq); st != http.StatusAccepted {
				t.Fatalf("sync %s: %d", id, st)
			}
			if cancel {
				env.DoJSON(t, "POST", "/api/v1/jobs/"+enq["job_id"].(string)+"/cancel", token, nil, nil)
			}
			return enq["job_id"].(string)
		}
		sync(a.token, twice, true)
		want := map[string][2]string{never: {}, twice: {sync(a.token, twice, false), "queued"},
			once: {sync(a.token, once, true), "cancelled"}}
		sync(b.token, other, false)
		var list struct {
			Sources []sourceResp `json:"sources"`
			Total   int          `json:"total"`
		}
		if st := env.DoJSON(t, "GET", "/api/v1/sources", a.token, nil, &list); st != 200 || list.Total != 3 || len(list.Sources) != 3 {
			t.Fatalf("list: %d %+v", st, list)
		}
		for _, got := range list.Sources {
			w, ok := want[got.ID]
			if !ok {
				t.Fatalf("listed a source not of the organization: %+v", got)
			}
			if (w[0] == "") != (got.LastSync == nil) || (got.LastSync != nil && (got.LastSync.JobID != w[0] ||
				got.LastSync.Status != w[1] || got.LastSync.Counts != nil || (got.LastSync.FinishedAt != nil) != (w[1] == "cancelled"))) {
				t.Errorf("%s: last sync %+v, want %v", got.Name, got.LastSync, w)
			}
			var one sourceResp
			if env.DoJSON(t, "GET", "/api/v1/sources/"+got.ID, a.token, nil, &one); !reflect.DeepEqual(one, got) {
				t.Errorf("%s listed %+v, alone %+v", got.Name, got, one)
			}
		}
	})
}
