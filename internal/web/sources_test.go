package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/sharepoint/graphtest"
	"github.com/curatore/curatore/internal/testenv"
)

// spFolder is an organization whose default sharepoint connection points
// at a fake Graph holding a shared folder "Reports" (a.md … c.md and
// Sub/d.md) and a file outside it.
type spFolder struct {
	g    *graphtest.Server
	link string
	ids  map[string]string
}

func newSPFolder(t *testing.T, env *testenv.Env, orgID, userID, name string) spFolder {
	t.Helper()
	g := graphtest.New(t, "app-id", "sp-secret-"+name)
	off := false
	_, err := env.App.Connections.Create(context.Background(), auth.Scope{OrgID: orgID, UserID: userID, Role: auth.RoleAdmin},
		connection.CreateInput{Name: name + " SharePoint", Type: "sharepoint", IsDefault: true, TestOnSave: &off,
			Config: map[string]any{"tenant_id": "tenant-" + name, "client_id": "app-id", "client_secret": "sp-secret-" + name,
				"token_url": g.TokenURL(), "graph_base_url": g.GraphURL()}})
	if err != nil {
		t.Fatal(err)
	}
	sp := spFolder{g: g, link: "https://contoso.sharepoint.com/:f:/s/Team/E" + name, ids: map[string]string{}}
	sp.ids["Reports"] = g.AddShare(sp.link, "Reports")
	for _, n := range []string{"a", "b", "c"} {
		sp.ids[n+".md"] = g.AddFile(sp.ids["Reports"], n+".md", []byte("# "+strings.ToUpper(n)+"\n\nText of "+n+".\n"))
	}
	sp.ids["Sub"] = g.AddFolder(sp.ids["Reports"], "Sub")
	sp.ids["d.md"] = g.AddFile(sp.ids["Sub"], "d.md", []byte("# D\n\nDeeper.\n"))
	g.AddFile(graphtest.RootID, "elsewhere.md", []byte("# Elsewhere\n"))
	return sp
}

// jobStatus reads a job's status from the database.
func jobStatus(t *testing.T, env *testenv.Env, id string) string {
	t.Helper()
	var st string
	if err := env.DB.QueryRow(context.Background(), `SELECT status FROM jobs WHERE id = ?`, id).Scan(&st); err != nil {
		t.Fatal(err)
	}
	return st
}

var jobLocation = regexp.MustCompile(`^/jobs/([^/#?]+)$`)

// TestSourcesPages drives the sources pages through their forms against the
// fake Graph: errors beside their fields, an inventory, an import of the
// chosen files, a source saved, synced (counts on the list), edited and
// deleted; another organization's source is not found.
func TestSourcesPages(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada")
		sp := newSPFolder(t, env, o.ID, u.ID, "Acme")
		b := newBrowser(t, env)
		b.signIn(u.Email, u.Password)
		mustContain(t, b.get("/sources"), "No sources yet.", `href="/sources" aria-current="page"`)

		// Inventory: a link that does not resolve is explained beside the field.
		p := b.post("/sources/inventory", url.Values{"folder_url": {"https://contoso.sharepoint.com/:f:/s/Team/Nope"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="inv-url-error"`) {
			t.Fatalf("unknown link: %d\n%s", p.Status, p.Body)
		}
		mustContain(t, p, "The link does not resolve")
		if strings.Contains(p.Body, "/shares/u!") {
			t.Error("the inventory error shows Graph's request path")
		}
		p = b.post("/sources/inventory", url.Values{"folder_url": {sp.link}})
		mustContain(t, p, "“Reports”: 3 file(s)", `value="`+sp.ids["a.md"]+`"`)
		if strings.Contains(p.Body, "d.md") || strings.Contains(p.Body, "elsewhere.md") {
			t.Error("the inventory without subfolders lists d.md or a file outside the folder")
		}
		p = b.post("/sources/inventory", url.Values{"folder_url": {sp.link}, "recursive": {"on"}})
		mustContain(t, p, "“Reports”: 4 file(s)", "d.md", `<input type="hidden" name="recursive" value="on">`)

		// Import: nothing chosen is explained; two chosen files become documents.
		p = b.post("/sources/import", url.Values{"folder_url": {sp.link}, "recursive": {"on"}, "all": {""}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Select at least one file") {
			t.Errorf("import of nothing: %d", p.Status)
		}
		p = b.post("/sources/import", url.Values{"folder_url": {sp.link}, "recursive": {"on"}, "all": {""},
			"id": {sp.ids["a.md"], sp.ids["d.md"]}})
		m := jobLocation.FindStringSubmatch(p.Location)
		if p.Status != http.StatusSeeOther || m == nil {
			t.Fatalf("import: %d %q", p.Status, p.Location)
		}
		waitFor(t, func() bool { return jobStatus(t, env, m[1]) == "completed" })
		mustContain(t, b.get(p.Location), "Import from SharePoint", "a.md: new", "d.md: new", "Imported 2 files: 2 new")
		mustContain(t, b.get("/documents"), "a.md", "d.md")

		// A source: field errors in words, then saved, synced, edited.
		p = b.post("/sources", url.Values{"name": {""}, "folder_url": {"ftp://x"}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad source: %d", p.Status)
		}
		mustContain(t, p, `id="sn-name-error"`, "Must be 1 to 200 characters.", `id="sn-url-error"`, `value="ftp://x"`)
		p = b.post("/sources", url.Values{"name": {"Team reports"}, "folder_url": {sp.link}, "recursive": {"on"},
			"auto_optimize": {"off"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("create: %d\n%s", p.Status, p.Body)
		}
		var id string
		if err := env.DB.QueryRow(context.Background(), `SELECT id FROM sources WHERE org_id = ?`, o.ID).Scan(&id); err != nil {
			t.Fatal(err)
		}
		if p := b.post("/sources", url.Values{"name": {"Team reports"}, "folder_url": {sp.link}}); !strings.Contains(p.Body, "Is already used by another source.") {
			t.Errorf("duplicate name: %d", p.Status)
		}
		mustContain(t, b.get("/sources"), "Team reports", "never synced", "with subfolders")
		p = b.post("/sources/"+id+"/sync", nil)
		if p.Status != http.StatusSeeOther || p.Location != "/sources#s-"+id {
			t.Fatalf("sync: %d %q", p.Status, p.Location)
		}
		var jobID string
		waitFor(t, func() bool {
			_ = env.DB.QueryRow(context.Background(), `SELECT COALESCE(last_sync_job_id, '') FROM sources WHERE id = ?`, id).Scan(&jobID)
			return jobID != "" && jobStatus(t, env, jobID) == "completed"
		})
		// a.md and d.md were imported before (unchanged, attached); b and c are new.
		p = b.get("/sources")
		mustContain(t, p, "<strong>2</strong> new", "<strong>2</strong> unchanged", "<strong>0</strong> failed", `href="/jobs/`+jobID+`"`)
		mustContain(t, b.get("/jobs/"+jobID), "Sync of Team reports", "completed")

		mustContain(t, b.get("/sources?edit="+id), `action="/sources/`+id+`"`, `value="Team reports"`, `<option value="off" selected>No</option>`)
		p = b.post("/sources/"+id, url.Values{"name": {"Reports"}, "folder_url": {"not a url"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="sf-url-error"`) {
			t.Errorf("bad edit: %d", p.Status)
		}
		if p := b.post("/sources/"+id, url.Values{"name": {"Reports"}, "folder_url": {sp.link}}); p.Status != http.StatusSeeOther {
			t.Errorf("edit: %d", p.Status)
		}
		mustContain(t, b.get("/sources"), "Reports", "this folder only")

		// Another organization's member sees none of it.
		other := env.CreateOrg(t, "Other")
		ou := env.CreateUser(t, other.ID, auth.RoleAdmin, "Olga")
		ob := newBrowser(t, env)
		ob.signIn(ou.Email, ou.Password)
		if p := ob.get("/sources"); strings.Contains(p.Body, "Reports") {
			t.Error("another organization lists the source")
		}
		for _, path := range []string{"/sources?edit=" + id, "/jobs/" + jobID, "/jobs/" + jobID + "/events", "/jobs/" + m[1]} {
			if p := ob.get(path); p.Status != http.StatusNotFound {
				t.Errorf("GET %s from another organization: %d, want 404", path, p.Status)
			}
		}
		for _, path := range []string{"/sources/" + id, "/sources/" + id + "/sync", "/sources/" + id + "/delete"} {
			if p := ob.post(path, url.Values{"name": {"x"}, "folder_url": {sp.link}}); p.Status != http.StatusNotFound {
				t.Errorf("POST %s from another organization: %d, want 404", path, p.Status)
			}
		}
		// A viewer reads the list but has no actions.
		viewer := env.CreateUser(t, o.ID, auth.RoleViewer, "Vic")
		vb := newBrowser(t, env)
		vb.signIn(viewer.Email, viewer.Password)
		if p := vb.get("/sources"); !strings.Contains(p.Body, "Reports") || strings.Contains(p.Body, "Sync now") || strings.Contains(p.Body, "/sources/inventory") {
			t.Errorf("viewer's list: %d", p.Status)
		}
		if p := vb.post("/sources/"+id+"/sync", nil); p.Status != http.StatusForbidden {
			t.Errorf("viewer's sync: %d", p.Status)
		}

		if p := b.post("/sources/"+id+"/delete", nil); p.Status != http.StatusSeeOther {
			t.Fatalf("delete: %d", p.Status)
		}
		mustContain(t, b.get("/sources"), "The source is deleted; its documents stay.", "No sources yet.")
		mustContain(t, b.get("/documents"), "b.md")
	})
}
