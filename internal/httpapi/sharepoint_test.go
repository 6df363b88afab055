package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/sharepoint/graphtest"
	"github.com/curatore/curatore/internal/testenv"
)

// spOrg is an organization whose default sharepoint connection points at a
// fake Graph holding a shared folder "Reports": a.md … e.md, and Sub/f.md.
type spOrg struct {
	orgID, token, link string
	g                  *graphtest.Server
	ids                map[string]string // file or folder name → drive item id
}

func newSharePointOrg(t *testing.T, env *testenv.Env, name string) spOrg {
	t.Helper()
	o := env.CreateOrg(t, name)
	admin := env.CreateUser(t, o.ID, auth.RoleAdmin, name+" admin")
	g := graphtest.New(t, "app-id", "sp-secret-"+name)
	off := false
	_, err := env.App.Connections.Create(context.Background(), auth.Scope{OrgID: o.ID, UserID: admin.ID, Role: auth.RoleAdmin},
		connection.CreateInput{Name: name + " SharePoint", Type: "sharepoint", IsDefault: true, TestOnSave: &off,
			Config: map[string]any{"tenant_id": "tenant-" + name, "client_id": "app-id", "client_secret": "sp-secret-" + name,
				"token_url": g.TokenURL(), "graph_base_url": g.GraphURL()}})
	if err != nil {
		t.Fatal(err)
	}
	sp := spOrg{orgID: o.ID, token: env.LoginAs(t, admin, o.ID), link: "https://contoso.sharepoint.com/:f:/s/Team/E" + name,
		g: g, ids: map[string]string{}}
	sp.ids["Reports"] = g.AddShare(sp.link, "Reports")
	for _, n := range []string{"a", "b", "c", "d", "e"} {
		sp.ids[n+".md"] = g.AddFile(sp.ids["Reports"], n+".md", []byte("# "+strings.ToUpper(n)+"\n\nText of "+n+".\n"))
	}
	sp.ids["Sub"] = g.AddFolder(sp.ids["Reports"], "Sub")
	sp.ids["f.md"] = g.AddFile(sp.ids["Sub"], "f.md", []byte("# F\n\nDeeper.\n"))
	// A file outside the shared folder: never listed, imported or synced.
	g.AddFile(graphtest.RootID, "elsewhere.md", []byte("# Elsewhere\n"))
	return sp
}

type inventoryItem struct {
	Index          int        `json:"index"`
	Name           string     `json:"name"`
	Type           string     `json:"type"`
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
}

type inventoryResp struct {
	Folder struct {
		Name    string `json:"name"`
		DriveID string `json:"drive_id"`
	} `json:"folder"`
	Items []inventoryItem `json:"items"`
}

func names(items []inventoryItem) string {
	var out []string
	for _, it := range items {
		out = append(out, fmt.Sprintf("%d:%s%s", it.Index, strings.TrimSuffix(it.Folder, "/")+"/", it.Name))
	}
	return strings.Join(out, " ")
}

func TestSharePointInventory(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		sp := newSharePointOrg(t, env, "Inv")
		inv := func(body map[string]any) (int, inventoryResp, string) {
			body["folder_url"] = sp.link
			var out inventoryResp
			st, raw := env.Do(t, "POST", "/api/v1/sharepoint/inventory", sp.token, body)
			_ = json.Unmarshal(raw, &out)
			return st, out, string(raw)
		}
		st, out, raw := inv(map[string]any{"page_size": 2})
		if st != 200 || names(out.Items) != "1:/a.md 2:/b.md 3:/c.md 4:/d.md 5:/e.md" || out.Folder.Name != "Reports" ||
			out.Folder.DriveID != graphtest.DriveID {
			t.Fatalf("inventory: %d %s", st, raw)
		}
		a := out.Items[0]
		if a.Type != "file" || a.Extension != ".md" || a.FileType != "md" || a.Size != int64(len("# A\n\nText of a.\n")) ||
			a.Created == nil || a.Modified == nil || a.CreatedBy != "Ada Author" || a.LastModifiedBy != "Max Editor" ||
			a.MIME != "text/markdown" || a.ID != sp.ids["a.md"] || !strings.HasSuffix(a.WebURL, "/Reports/a.md") {
			t.Fatalf("item fields: %+v", a)
		}
		// Six children at $top=2: three pages, two of them from @odata.nextLink.
		if n := sp.g.CallCount("skiptoken="); n != 2 {
			t.Fatalf("next-link pages = %d", n)
		}
		st, out, raw = inv(map[string]any{"recursive": true, "include_folders": true})
		if st != 200 || names(out.Items) != "1:/Sub 2:/a.md 3:/b.md 4:/c.md 5:/d.md 6:/e.md 7:/Sub/f.md" || out.Items[0].Type != "folder" {
			t.Fatalf("recursive: %d %s", st, raw)
		}
		if st, out, raw = inv(map[string]any{"recursive": true, "max_items": 3}); st != 200 || len(out.Items) != 3 {
			t.Fatalf("max_items: %d %s", st, raw)
		}
		for _, bad := range []map[string]any{{"page_size": 2001}, {"max_items": 0}, {"page_size": -1}} {
			if st, _, raw := inv(bad); st != http.StatusUnprocessableEntity {
				t.Fatalf("%v: %d %s", bad, st, raw)
			}
		}
		st, raw2 := env.Do(t, "POST", "/api/v1/sharepoint/inventory", sp.token, map[string]any{"folder_url": "https://contoso.sharepoint.com/:f:/s/Team/gone"})
		if st != http.StatusUnprocessableEntity || !strings.Contains(string(raw2), "folder_url") || strings.Contains(string(raw2), "sp-secret") {
			t.Fatalf("unknown link: %d %s", st, raw2)
		}
	})
}

func TestSharePointThrottlingHonoured(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		sp := newSharePointOrg(t, env, "Throttle")
		sp.g.Fail(429, "1", 2)
		start := time.Now()
		st, raw := env.Do(t, "POST", "/api/v1/sharepoint/inventory", sp.token, map[string]any{"folder_url": sp.link})
		if st != 200 {
			t.Fatalf("after two 429s: %d %s", st, raw)
		}
		// Two answers said "Retry-After: 1": the client waited both out.
		if waited := time.Since(start); waited < 2*time.Second {
			t.Fatalf("answered after %v: Retry-After not honoured", waited)
		}
		if n := sp.g.CallCount("/shares/"); n != 3 {
			t.Fatalf("share calls = %d, want 3 (two throttled, one answered)", n)
		}
		// A Retry-After longer than the client waits in-process is a 503.
		sp.g.Fail(503, "600", 0)
		st, raw = env.Do(t, "POST", "/api/v1/sharepoint/inventory", sp.token, map[string]any{"folder_url": sp.link})
		if st != http.StatusServiceUnavailable || !strings.Contains(string(raw), "sharepoint_throttled") {
			t.Fatalf("long Retry-After: %d %s", st, raw)
		}
	})
}

func TestSharePointNotConfigured(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Bare")
		tok := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleMember, "Bare member"), o.ID)
		st, raw := env.Do(t, "POST", "/api/v1/sharepoint/inventory", tok, map[string]any{"folder_url": "https://contoso.sharepoint.com/:f:/x"})
		if st != http.StatusUnprocessableEntity || !strings.Contains(string(raw), "sharepoint_not_configured") {
			t.Fatalf("%d %s", st, raw)
		}
		for _, body := range []map[string]any{{"folder_url": "ftp://x/y", "all": true}, {"folder_url": "https://x/y"},
			{"folder_url": "https://x/y", "all": true, "item_ids": []string{"1"}}} {
			if st, raw := env.Do(t, "POST", "/api/v1/sharepoint/import", tok, body); st != http.StatusUnprocessableEntity {
				t.Fatalf("import %v: %d %s", body, st, raw)
			}
		}
	})
}

// docsBySource lists the organization's documents by SharePoint URL suffix.
func docsBySource(t *testing.T, env *testenv.Env, token string) map[string]map[string]any {
	t.Helper()
	var page struct {
		Documents []map[string]any `json:"documents"`
	}
	if st := env.DoJSON(t, "GET", "/api/v1/documents?limit=100", token, nil, &page); st != 200 {
		t.Fatalf("list: %d", st)
	}
	out := map[string]map[string]any{}
	for _, d := range page.Documents {
		src, _ := d["source"].(string)
		if i := strings.Index(src, "/Reports/"); i >= 0 {
			out[src[i+len("/Reports/"):]] = d
		}
	}
	return out
}

func TestSharePointImport(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		sp := newSharePointOrg(t, env, "Imp")
		var enq map[string]any
		st := env.DoJSON(t, "POST", "/api/v1/sharepoint/import", sp.token,
			map[string]any{"folder_url": sp.link, "item_ids": []string{sp.ids["a.md"], sp.ids["b.md"]}}, &enq)
		if st != http.StatusAccepted || enq["kind"] != "import" {
			t.Fatalf("import: %d %v", st, enq)
		}
		if j := waitJob(t, env, sp.token, enq["job_id"].(string)); j["status"] != "completed" {
			t.Fatalf("import job: %v", j)
		}
		docs := docsBySource(t, env, sp.token)
		if len(docs) != 2 || docs["a.md"] == nil || docs["b.md"] == nil {
			t.Fatalf("documents: %v", docs)
		}
		// The stored file is SharePoint's bytes.
		st, body := env.Do(t, "GET", "/api/v1/documents/"+docs["a.md"]["document_id"].(string)+"/source", sp.token, nil)
		if st != 200 || string(body) != "# A\n\nText of a.\n" {
			t.Fatalf("source: %d %q", st, body)
		}
		var etag string
		var modified time.Time
		if err := env.DB.QueryRow(context.Background(), `SELECT source_etag, source_modified_at FROM documents WHERE org_id = ? AND id = ?`,
			sp.orgID, docs["a.md"]["document_id"]).Scan(&etag, &modified); err != nil || !strings.Contains(etag, strings.ToUpper(sp.ids["a.md"])) || modified.IsZero() {
			t.Fatalf("eTag %q, modified %v: %v", etag, modified, err)
		}
		// Everything, recursively: a and b are unchanged (not downloaded again).
		env.DoJSON(t, "POST", "/api/v1/sharepoint/import", sp.token, map[string]any{"folder_url": sp.link, "all": true, "recursive": true}, &enq)
		j := waitJob(t, env, sp.token, enq["job_id"].(string))
		if j["status"] != "completed" || !strings.Contains(logText(j), "4 new, 0 changed, 2 unchanged") {
			t.Fatalf("import all: %v", logText(j))
		}
		if docs = docsBySource(t, env, sp.token); len(docs) != 6 || docs["Sub/f.md"] == nil {
			t.Fatalf("documents: %d", len(docs))
		}
		if n := sp.g.Downloads(sp.ids["a.md"]); n != 1 {
			t.Fatalf("a.md downloaded %d times", n)
		}
	})
}

// logText joins a job's log messages.
func logText(j map[string]any) string {
	var b strings.Builder
	logs, _ := j["logs"].([]any)
	for _, l := range logs {
		m, _ := l.(map[string]any)
		fmt.Fprintln(&b, m["message"])
	}
	return b.String()
}

func TestSharePointImportDuplicatesAndFailures(t *testing.T) {
	testenv.Each(t, map[string]string{"MAX_FILE_SIZE": "4096"}, func(t *testing.T, env *testenv.Env) {
		sp := newSharePointOrg(t, env, "Dup")
		sp.g.AddFile(sp.ids["Reports"], "copy-of-a.md", []byte("# A\n\nText of a.\n"))
		sp.g.AddFile(sp.ids["Reports"], "tool.exe", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00binary"))
		sp.g.AddFile(sp.ids["Reports"], "huge.md", []byte("# Huge\n\n"+strings.Repeat("x", 5000)))
		var enq map[string]any
		env.DoJSON(t, "POST", "/api/v1/sharepoint/import", sp.token, map[string]any{"folder_url": sp.link, "all": true}, &enq)
		j := waitJob(t, env, sp.token, enq["job_id"].(string))
		log := logText(j)
		if j["status"] != "completed" || !strings.Contains(log, "5 new, 0 changed, 0 unchanged, 1 duplicates, 2 failed") ||
			!strings.Contains(log, "tool.exe: failed") || !strings.Contains(log, "huge.md: failed") {
			t.Fatalf("import: %v\n%s", j["status"], log)
		}
		if docs := docsBySource(t, env, sp.token); len(docs) != 5 || docs["copy-of-a.md"] != nil {
			t.Fatalf("documents: %v", docs)
		}
	})
}
