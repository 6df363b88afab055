package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/testenv"
)

// e2eDoc is a Markdown document holding every phrase the scripted review
// quotes as evidence.
func e2eDoc(name string) []byte {
	return []byte("# Field guide " + name + "\n\nInstall the agent with `apt install agent` and restart the service.\n\n" +
		"## Release notes\n\nRelease notes for " + name + " list 3 fixes.\n")
}

// e2eReview is a valid review reply quoting e2eDoc.
func e2eReview() string {
	b, _ := json.Marshal(map[string]any{
		"clarity_score": 8, "clarity_feedback": "Clear.", "clarity_evidence": "Install the agent with",
		"completeness_score": 7, "completeness_feedback": "Whole.", "completeness_evidence": "apt install agent",
		"relevance_score": 9, "relevance_feedback": "On topic.", "relevance_evidence": "restart the service",
		"markdown_score": 8, "markdown_feedback": "Headings fit.", "markdown_evidence": "Release notes",
		"overall_feedback": "A short, clear guide.", "pass_recommendation": "Pass",
	})
	return string(b)
}

// e2eOrg is one organization with its own LLM server and key.
type e2eOrg struct {
	tok, key string
	llm      *llmtest.Server
}

func newE2EOrg(t *testing.T, env *testenv.Env, name string) e2eOrg {
	t.Helper()
	o := env.CreateOrg(t, name)
	tok := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleAdmin, name+" admin"), o.ID)
	srv, key := llmtest.New(t), "sk-"+name+"-key"
	srv.RequireKey(key)
	srv.Always(llmtest.Reply{Content: e2eReview()})
	if st, raw := env.Do(t, "POST", "/api/v1/connections", tok, map[string]any{"name": name + " LLM", "connection_type": "llm",
		"is_default": true, "test_on_save": false, "config": map[string]any{"base_url": srv.URL(), "api_key": key, "model": "test-model"}}); st != http.StatusCreated {
		t.Fatalf("connection %s: %d %s", name, st, raw)
	}
	return e2eOrg{tok: tok, key: key, llm: srv}
}

func (o e2eOrg) upload(t *testing.T, env *testenv.Env, name string) string {
	t.Helper()
	st, d := env.Upload(t, o.tok, name+".md", e2eDoc(name), "")
	if st != http.StatusOK {
		t.Fatalf("upload %s: %d %v", name, st, d)
	}
	return d["document_id"].(string)
}

// process queues one document without the rewrite and returns the job id.
func (o e2eOrg) process(t *testing.T, env *testenv.Env, docID string) string {
	t.Helper()
	var acc map[string]any
	if st := env.DoJSON(t, "POST", "/api/v1/documents/"+docID+"/process", o.tok, map[string]any{"auto_optimize": false}, &acc); st != http.StatusAccepted {
		t.Fatalf("process %s: %d %v", docID, st, acc)
	}
	return acc["job_id"].(string)
}

func completed(t *testing.T, env *testenv.Env, tok, jobID string) map[string]any {
	t.Helper()
	j := waitJob(t, env, tok, jobID)
	if j["status"] != "completed" {
		t.Fatalf("job %s: %v", jobID, j)
	}
	return j
}

// checkResult asserts a document's latest result is a completed review
// with scores and a gate consistent with its checks; it returns the result.
func checkResult(t *testing.T, env *testenv.Env, tok, docID, gated string) map[string]any {
	t.Helper()
	var r map[string]any
	if st := env.DoJSON(t, "GET", "/api/v1/documents/"+docID+"/result", tok, nil, &r); st != http.StatusOK {
		t.Fatalf("result %s: %d %v", docID, st, r)
	}
	ev, _ := r["llm_evaluation"].(map[string]any)
	if ev == nil || ev["status"] != "completed" || r["gated_version"] != gated {
		t.Fatalf("result %s: evaluation %v, gated %v", docID, ev, r["gated_version"])
	}
	for name, want := range map[string]float64{"clarity_score": 8, "completeness_score": 7, "relevance_score": 9, "markdown_score": 8} {
		if ev[name] != want {
			t.Errorf("%s = %v, want %v", name, ev[name], want)
		}
	}
	checks, _ := r["threshold_checks"].([]any)
	all := len(checks) > 0
	for _, c := range checks {
		c := c.(map[string]any)
		if c["skipped"] != true && c["passed"] != true {
			all = false
		}
	}
	if r["pass_all_thresholds"] != all {
		t.Errorf("pass_all_thresholds %v, checks %v", r["pass_all_thresholds"], checks)
	}
	return r
}

func versionKinds(t *testing.T, env *testenv.Env, tok, docID string) (kinds []string, current string) {
	t.Helper()
	var v VersionListJSON
	if st := env.DoJSON(t, "GET", "/api/v1/documents/"+docID+"/versions", tok, nil, &v); st != http.StatusOK {
		t.Fatalf("versions %s: %d", docID, st)
	}
	for _, x := range v.Versions {
		kinds = append(kinds, x.Kind)
		if x.Current {
			current = x.Kind
		}
	}
	return kinds, current
}

// VersionListJSON is the part of GET /documents/{id}/versions read here.
type VersionListJSON struct {
	Versions []struct {
		Kind    string `json:"kind"`
		Current bool   `json:"current"`
	} `json:"versions"`
}

// TestEndToEndPipeline walks two organizations, each with its own LLM
// connection, through upload, processing (single and batch), the job's
// event stream, results, versions, an edit and its re-scoring, and the
// cancel and retry of a queued job; each LLM server hears only its own
// organization's key, and org B sees none of org A's records.
func TestEndToEndPipeline(t *testing.T) {
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "1"}, func(t *testing.T, env *testenv.Env) {
		a, b := newE2EOrg(t, env, "Alpha"), newE2EOrg(t, env, "Bravo")
		a1, a2, b1 := a.upload(t, env, "alpha-one"), a.upload(t, env, "alpha-two"), b.upload(t, env, "bravo-one")

		j1 := a.process(t, env, a1)
		events := readSSE(t, env, "/api/v1/jobs/"+j1+"/events", a.tok, "")
		last := events[len(events)-1]
		if len(events) < 2 || events[0].Event != "progress" || events[0].Data["message"] == nil ||
			last.Event != "end" || last.Data["status"] != "completed" {
			t.Fatalf("job events: %+v", events)
		}
		completed(t, env, a.tok, j1)
		var batch BatchJSON
		if st := env.DoJSON(t, "POST", "/api/v1/documents/batch/process", a.tok, map[string]any{"document_ids": []string{a2},
			"options": map[string]any{"auto_optimize": false}}, &batch); st != http.StatusAccepted || len(batch.Jobs) != 1 {
			t.Fatalf("batch: %d %+v", st, batch)
		}
		completed(t, env, a.tok, batch.Jobs[0].JobID)
		completed(t, env, b.tok, b.process(t, env, b1))
		for _, c := range []struct{ tok, doc string }{{a.tok, a1}, {a.tok, a2}, {b.tok, b1}} {
			checkResult(t, env, c.tok, c.doc, "extracted")
		}
		if kinds, cur := versionKinds(t, env, a.tok, a1); len(kinds) != 1 || cur != "extracted" {
			t.Fatalf("versions before the edit: %v (current %s)", kinds, cur)
		}
		before := checkResult(t, env, a.tok, a1, "extracted")
		e2eEdit(t, env, a, a1, before["result_id"])
		e2eCancelRetry(t, env, a, a1, a2)

		for _, o := range []e2eOrg{a, b} {
			keys := o.llm.Keys()
			if len(keys) == 0 {
				t.Errorf("%s's LLM server heard nothing", o.key)
			}
			for _, k := range keys {
				if k != o.key {
					t.Errorf("%s's LLM server received key %q", o.key, k)
				}
			}
		}
		for _, p := range []string{"/documents/" + a1, "/jobs/" + j1, "/batches/" + batch.BatchID,
			"/documents/" + a1 + "/result", "/documents/" + a1 + "/versions"} {
			if st, body := env.Do(t, "GET", "/api/v1"+p, b.tok, nil); st != http.StatusNotFound {
				t.Errorf("org B GET %s: %d %s", p, st, body)
			}
		}
	})
}

// BatchJSON is the part of a batch answer read here.
type BatchJSON struct {
	BatchID string `json:"batch_id"`
	Jobs    []struct {
		JobID string `json:"job_id"`
	} `json:"jobs"`
}

// e2eEdit stores an edit of docID and checks its re-scoring: a new
// current "edited" version and a new result judging it.
func e2eEdit(t *testing.T, env *testenv.Env, o e2eOrg, docID string, prevResult any) {
	t.Helper()
	edited := string(e2eDoc("alpha-one")) + "\nEdited: restart the service after each upgrade.\n"
	var acc map[string]any
	if st := env.DoJSON(t, "PUT", "/api/v1/documents/"+docID+"/content", o.tok, map[string]any{"content": edited}, &acc); st != http.StatusAccepted {
		t.Fatalf("edit: %d %v", st, acc)
	}
	completed(t, env, o.tok, acc["job_id"].(string))
	if kinds, cur := versionKinds(t, env, o.tok, docID); len(kinds) != 2 || kinds[1] != "edited" || cur != "edited" {
		t.Fatalf("versions after the edit: %v (current %s)", kinds, cur)
	}
	if r := checkResult(t, env, o.tok, docID, "edited"); r["result_id"] == prevResult || r["job_id"] != acc["job_id"] {
		t.Errorf("re-scored result %v (job %v), previous %v", r["result_id"], r["job_id"], prevResult)
	}
}

// e2eCancelRetry holds one run in its LLM review so that, with one
// worker, a second job stays queued; it cancels that one and retries it
// to completion.
func e2eCancelRetry(t *testing.T, env *testenv.Env, o e2eOrg, queuedDoc, runningDoc string) {
	t.Helper()
	held, release := make(chan struct{}, 1), make(chan struct{})
	var once sync.Once
	open := func() { once.Do(func() { close(release) }) }
	t.Cleanup(open) // before the server's Close waits for the held request
	o.llm.Script(func(llmtest.ChatRequest) llmtest.Reply {
		select {
		case held <- struct{}{}:
		default:
		}
		<-release
		return llmtest.Reply{Content: e2eReview()}
	})
	running := o.process(t, env, runningDoc)
	<-held // the only worker is in the review of runningDoc
	queued := o.process(t, env, queuedDoc)
	var j map[string]any
	if env.DoJSON(t, "GET", "/api/v1/jobs/"+queued, o.tok, nil, &j); j["status"] != "queued" {
		t.Fatalf("second job with the worker busy: %v", j)
	}
	if st := env.DoJSON(t, "POST", "/api/v1/jobs/"+queued+"/cancel", o.tok, nil, &j); st != http.StatusOK || j["status"] != "cancelled" {
		t.Fatalf("cancel queued: %d %v", st, j)
	}
	open()
	completed(t, env, o.tok, running)
	if j := waitJob(t, env, o.tok, queued); j["status"] != "cancelled" {
		t.Fatalf("cancelled job ran: %v", j)
	}
	var retried map[string]any
	if st := env.DoJSON(t, "POST", "/api/v1/jobs/"+queued+"/retry", o.tok, nil, &retried); st != http.StatusAccepted {
		t.Fatalf("retry: %d %v", st, retried)
	}
	completed(t, env, o.tok, fmt.Sprint(retried["job_id"]))
}
