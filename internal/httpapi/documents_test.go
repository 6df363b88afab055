package httpapi_test

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
)

// waitJob polls GET /jobs/{id} until the job has ended and returns it.
func waitJob(t *testing.T, env *testenv.Env, token, id string) map[string]any {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for time.Now().Before(deadline) {
		var j map[string]any
		if st := env.DoJSON(t, "GET", "/api/v1/jobs/"+id, token, nil, &j); st != http.StatusOK {
			t.Fatalf("get job %s: %d", id, st)
		}
		switch j["status"] {
		case "completed", "failed", "cancelled":
			return j
		}
		time.Sleep(50 * time.Millisecond)
	}
	t.Fatalf("job %s did not end in 60 s", id)
	return nil
}

const sampleMD = "# Quarterly report\n\nRevenue grew by 12% in 2024 to $4.5M.\n\n- North: 40%\n- South: 60%\n"

func TestDocumentLifecycle(t *testing.T) {
	testenv.Each(t, map[string]string{"MAX_FILE_SIZE": "4096"}, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Docs")
		tok := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleMember, "Writer"), o.ID)

		st, doc := env.Upload(t, tok, "report.md", []byte(sampleMD), "")
		if st != http.StatusOK || doc["sha256"] == "" || doc["file_size"].(float64) != float64(len(sampleMD)) {
			t.Fatalf("upload: %d %v", st, doc)
		}
		id := doc["document_id"].(string)
		if st, dup := env.Upload(t, tok, "copy.md", []byte(sampleMD), ""); st != http.StatusOK || dup["duplicate_of"] != id {
			t.Errorf("duplicate upload: %d %v", st, dup)
		}
		if st, again := env.Upload(t, tok, "copy.md", []byte(sampleMD), "?duplicate=true"); st != http.StatusOK || again["document_id"] == id {
			t.Errorf("forced duplicate: %d %v", st, again)
		}
		if st, body := env.Upload(t, tok, "tool.exe", []byte("MZ\x90\x00\x03\x00\x00\x00binary"), ""); st != http.StatusUnsupportedMediaType ||
			!strings.Contains(body["detail"].(string), ".pdf") {
			t.Errorf("unsupported type: %d %v", st, body)
		}
		if st, body := env.Upload(t, tok, "big.txt", []byte(strings.Repeat("a", 5000)), ""); st != http.StatusRequestEntityTooLarge {
			t.Errorf("too large: %d %v", st, body)
		}
		var n int
		if err := env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM documents WHERE org_id = ?", o.ID).Scan(&n); err != nil || n != 2 {
			t.Errorf("documents stored: %d (%v), want 2 (refused uploads leave no row)", n, err)
		}

		var accepted map[string]any
		if st := env.DoJSON(t, "POST", "/api/v1/documents/"+id+"/process", tok, map[string]any{"auto_optimize": false}, &accepted); st != http.StatusAccepted {
			t.Fatalf("process: %d %v", st, accepted)
		}
		jobID := accepted["job_id"].(string)
		var conflict map[string]any
		if st := env.DoJSON(t, "POST", "/api/v1/documents/"+id+"/process", tok, nil, &conflict); st == http.StatusConflict {
			if conflict["active_job_id"] != jobID {
				t.Errorf("409 without the active job id: %v", conflict)
			}
		} else if st != http.StatusAccepted {
			t.Errorf("second process: %d", st) // 202 when the first already finished
		}
		j := waitJob(t, env, tok, jobID)
		if j["status"] != "completed" || j["progress"].(float64) != 100 || len(j["logs"].([]any)) < 3 {
			t.Fatalf("job: %v", j)
		}

		var content map[string]any
		if st := env.DoJSON(t, "GET", "/api/v1/documents/"+id+"/content", tok, nil, &content); st != http.StatusOK ||
			!strings.Contains(content["content"].(string), "Quarterly report") {
			t.Errorf("content: %d %v", st, content)
		}
		var res map[string]any
		if st := env.DoJSON(t, "GET", "/api/v1/documents/"+id+"/result", tok, nil, &res); st != http.StatusOK || res["document_id"] != id {
			t.Errorf("result: %d %v", st, res)
		}
		if st, body := env.Do(t, "GET", "/api/v1/documents/"+id+"/source", tok, nil); st != http.StatusOK || string(body) != sampleMD {
			t.Errorf("source: %d %q", st, body)
		}
		if st, body := env.Do(t, "GET", "/api/v1/documents/"+id+"/download", tok, nil); st != http.StatusOK || !strings.Contains(string(body), "Revenue") {
			t.Errorf("download: %d %q", st, body)
		}
		var list struct {
			Documents []map[string]any `json:"documents"`
			Total     *int             `json:"total"`
		}
		if st := env.DoJSON(t, "GET", "/api/v1/documents?q=REPORT&status=completed", tok, nil, &list); st != http.StatusOK ||
			len(list.Documents) != 1 || list.Total == nil || *list.Total != 1 || list.Documents[0]["latest_result"] == nil {
			b, _ := json.Marshal(list)
			t.Errorf("filtered list: %d %s", st, b)
		}
		if st := env.DoJSON(t, "GET", "/api/v1/documents?skip_total=true&limit=1", tok, nil, &list); st != http.StatusOK || list.Total != nil || len(list.Documents) != 1 {
			t.Errorf("skip_total list: %d total=%v", st, list.Total)
		}

		if st, body := env.Do(t, "DELETE", "/api/v1/documents/"+id, tok, nil); st != http.StatusNoContent {
			t.Fatalf("delete: %d %s", st, body)
		}
		for _, p := range []string{"", "/result", "/content", "/source", "/versions"} {
			if st, _ := env.Do(t, "GET", "/api/v1/documents/"+id+p, tok, nil); st != http.StatusNotFound {
				t.Errorf("after delete GET %s: %d", p, st)
			}
		}
		if st, _ := env.Do(t, "GET", "/api/v1/jobs/"+jobID, tok, nil); st != http.StatusNotFound {
			t.Errorf("job of a deleted document: %d", st)
		}
	})
}

// processedDocument uploads a document and processes it as a one-document
// batch, waiting for the job to end (when the env runs workers); it returns
// the three ids.
func processedDocument(t *testing.T, env *testenv.Env, token, name string) (docID, jobID, batchID string) {
	t.Helper()
	st, doc := env.Upload(t, token, name+".md", []byte("# "+name+"\n\nSome text of "+name+".\n"), "")
	if st != http.StatusOK {
		t.Fatalf("upload: %d %v", st, doc)
	}
	docID = doc["document_id"].(string)
	var b struct {
		BatchID string `json:"batch_id"`
		Jobs    []struct {
			JobID string `json:"job_id"`
		} `json:"jobs"`
	}
	if st := env.DoJSON(t, "POST", "/api/v1/documents/batch/process", token, map[string]any{"document_ids": []string{docID}}, &b); st != http.StatusAccepted || len(b.Jobs) != 1 {
		t.Fatalf("batch: %d %+v", st, b)
	}
	if env.Config.WorkerConcurrency == 0 {
		return docID, b.Jobs[0].JobID, b.BatchID // no workers: the job stays queued
	}
	if j := waitJob(t, env, token, b.Jobs[0].JobID); j["status"] != "completed" {
		t.Fatalf("job: %v", j)
	}
	return docID, b.Jobs[0].JobID, b.BatchID
}

// docCall is a successful call of a mutating route whose path may name
// ids made by earlier calls.
type docCall struct {
	route  string
	path   func() string
	body   any
	status int
	save   func(body []byte)
}

// auditDocumentCalls calls every mutating documents, jobs and batches route
// successfully, in an order where each makes sense (no workers run, so jobs
// stay queued until cancelled), checks each wrote exactly one success audit
// row and returns the routes it covered.
func auditDocumentCalls(t *testing.T, env *testenv.Env, admin string) []string {
	t.Helper()
	upload := func(name string) string {
		st, d := env.Upload(t, admin, name, []byte("# "+name+"\n\ntext\n"), "")
		if st != http.StatusOK {
			t.Fatalf("upload %s: %d", name, st)
		}
		return d["document_id"].(string)
	}
	doc1, doc2, doc3, doc4 := upload("one.md"), upload("two.md"), upload("three.md"), upload("four.md")
	// doc4 gets a version (an edit) whose re-score job is cancelled, so it can be evaluated.
	var edit map[string]any
	env.DoJSON(t, "PUT", "/api/v1/documents/"+doc4+"/content", admin, map[string]any{"content": "# Four"}, &edit)
	env.DoJSON(t, "POST", "/api/v1/jobs/"+edit["job_id"].(string)+"/cancel", admin, nil, nil)
	var jobID, batchID string
	saveJob := func(b []byte) {
		var v map[string]any
		_ = json.Unmarshal(b, &v)
		jobID, _ = v["job_id"].(string)
	}
	saveBatch := func(b []byte) {
		var v map[string]any
		_ = json.Unmarshal(b, &v)
		batchID, _ = v["batch_id"].(string)
	}
	at := func(p string) func() string { return func() string { return p } }
	d := "/api/v1/documents/"
	form := &testenv.Form{Files: []testenv.File{{Name: "fresh.md", Content: []byte("# Fresh\n")}}}
	calls := []docCall{
		{"POST /api/v1/documents/upload", at(d + "upload"), form, 200, nil},
		{"PUT /api/v1/documents/{id}/content", at(d + doc1 + "/content"),
			map[string]any{"content": "# Edited\n", "improvement_prompt": "shorter"}, 202, saveJob},
		{"POST /api/v1/jobs/{id}/cancel", func() string { return "/api/v1/jobs/" + jobID + "/cancel" }, nil, 200, nil},
		{"POST /api/v1/jobs/{id}/retry", func() string { return "/api/v1/jobs/" + jobID + "/retry" }, nil, 202, nil},
		{"POST /api/v1/documents/{id}/process", at(d + doc2 + "/process"), map[string]any{"auto_optimize": false}, 202, nil},
		{"POST /api/v1/documents/batch/process", at(d + "batch/process"), map[string]any{"document_ids": []string{doc3}}, 202, saveBatch},
		{"POST /api/v1/batches/{id}/cancel", func() string { return "/api/v1/batches/" + batchID + "/cancel" }, nil, 200, nil},
		{"POST /api/v1/batches/{id}/retry-failed", func() string { return "/api/v1/batches/" + batchID + "/retry-failed" }, nil, 202, nil},
		{"POST /api/v1/documents/{id}/evaluate", at(d + doc4 + "/evaluate"), nil, 202, nil},
		{"PUT /api/v1/documents/{id}/rag-ready", at(d + doc1 + "/rag-ready"), map[string]any{"rag_ready": true, "reason": "checked by hand"}, 200, nil},
		{"DELETE /api/v1/documents/{id}/rag-ready", at(d + doc1 + "/rag-ready"), nil, 200, nil},
		{"POST /api/v1/documents/delete", at(d + "delete"), map[string]any{"document_ids": []string{doc2}}, 200, nil},
		{"DELETE /api/v1/documents/{id}", at(d + doc3), nil, 204, nil},
	}
	var routes []string
	for _, c := range calls {
		routes = append(routes, c.route)
		before := countRows(t, env, "success")
		st, body := env.Do(t, methodOf(c.route), c.path(), admin, c.body)
		if st != c.status {
			t.Fatalf("%s: %d %s, want %d", c.route, st, body, c.status)
		}
		if c.save != nil {
			c.save(body)
		}
		if after := countRows(t, env, "success"); after != before+1 {
			t.Errorf("%s wrote %d success audit rows, want 1", c.route, after-before)
		}
	}
	return routes
}
