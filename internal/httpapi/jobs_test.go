package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/testenv"
)

// gateRunner holds every run at its start until the gate opens (or the
// run's context ends), so tests can act on running jobs; then the real
// pipeline runs. failFirst makes the first n runs fail transiently.
type gateRunner struct {
	gate      chan struct{}
	running   atomic.Int32
	failFirst atomic.Int32
}

func newGate() *gateRunner { return &gateRunner{gate: make(chan struct{})} }

func (g *gateRunner) open() { close(g.gate) }

func (g *gateRunner) Run(ctx context.Context, in pipeline.Input) (*pipeline.Result, []pipeline.Version, error) {
	g.running.Add(1)
	defer g.running.Add(-1)
	in.Progress(pipeline.Progress{Stage: "extract", Percent: 1, Message: "waiting at the gate"})
	select {
	case <-g.gate:
	case <-ctx.Done():
		return nil, nil, ctx.Err()
	}
	if g.failFirst.Add(-1) >= 0 {
		return nil, nil, &llm.TransientError{Err: errors.New("upstream 503")}
	}
	return pipeline.New(pipeline.Config{}).Run(ctx, in)
}

// sse reads a Server-Sent Events stream until its "end" event.
type sseEvent struct {
	ID, Event string
	Data      map[string]any
}

func readSSE(t *testing.T, env *testenv.Env, path, token, lastID string) []sseEvent {
	t.Helper()
	h := []testenv.Header{{Name: "Authorization", Value: "Bearer " + token}}
	if lastID != "" {
		h = append(h, testenv.Header{Name: "Last-Event-ID", Value: lastID})
	}
	resp := env.Request(t, "GET", path, nil, h)
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		t.Fatalf("GET %s: %d %s", path, resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	var out []sseEvent
	var cur sseEvent
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "id: "):
			cur.ID = line[4:]
		case strings.HasPrefix(line, "event: "):
			cur.Event = line[7:]
		case strings.HasPrefix(line, "data: "):
			_ = json.Unmarshal([]byte(line[6:]), &cur.Data)
		case line == "" && cur.Event != "":
			out = append(out, cur)
			if cur.Event == "end" {
				return out
			}
			cur = sseEvent{}
		}
	}
	t.Fatalf("stream %s ended without an end event (%d events)", path, len(out))
	return nil
}

func waitStatus(t *testing.T, env *testenv.Env, token, jobID, want string) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var j map[string]any
		env.DoJSON(t, "GET", "/api/v1/jobs/"+jobID, token, nil, &j)
		if j["status"] == want {
			return j
		}
	}
	t.Fatalf("job %s never became %s", jobID, want)
	return nil
}

func TestJobCancelRetryAndEvents(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			gate := newGate()
			env := testenv.New(t, engine, nil, app.WithRunner(gate))
			o := env.CreateOrg(t, "Jobs")
			tok := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleMember, "Runner"), o.ID)
			_, doc := env.Upload(t, tok, "notes.md", []byte(sampleMD), "")
			id := doc["document_id"].(string)

			var acc map[string]any
			env.DoJSON(t, "POST", "/api/v1/documents/"+id+"/process", tok, nil, &acc)
			first := acc["job_id"].(string)
			waitStatus(t, env, tok, first, "running")
			var cancelled map[string]any
			if st := env.DoJSON(t, "POST", "/api/v1/jobs/"+first+"/cancel", tok, nil, &cancelled); st != http.StatusOK || cancelled["status"] != "cancelled" {
				t.Fatalf("cancel: %d %v", st, cancelled)
			}
			for deadline := time.Now().Add(5 * time.Second); gate.running.Load() > 0; time.Sleep(10 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatal("the cancelled run did not stop")
				}
			}
			if st, _ := env.Do(t, "POST", "/api/v1/jobs/"+first+"/cancel", tok, nil); st != http.StatusConflict {
				t.Errorf("cancel twice: %d, want 409", st)
			}
			var retried map[string]any
			if st := env.DoJSON(t, "POST", "/api/v1/jobs/"+first+"/retry", tok, nil, &retried); st != http.StatusAccepted {
				t.Fatalf("retry: %d %v", st, retried)
			}
			second := retried["job_id"].(string)
			gate.failFirst.Store(1) // the retry's first attempt fails transiently, its second succeeds
			gate.open()
			events := readSSE(t, env, "/api/v1/jobs/"+second+"/events", tok, "")
			end := events[len(events)-1]
			if end.Data["status"] != "completed" {
				t.Fatalf("end event: %+v", end)
			}
			var msgs []string
			for _, e := range events[:len(events)-1] {
				msgs = append(msgs, e.Data["message"].(string))
			}
			joined := strings.Join(msgs, "|")
			for _, want := range []string{"Queued: " + second, "Job started", "retrying", "(attempt 2)", "Completed processing", "Result stored"} {
				if !strings.Contains(joined, want) {
					t.Errorf("events lack %q: %s", want, joined)
				}
			}
			resumed := readSSE(t, env, "/api/v1/jobs/"+second+"/events", tok, events[1].ID)
			if len(resumed) != len(events)-2 || resumed[0].ID != events[2].ID {
				t.Errorf("resume after %s: %d events starting at %s, want %d from %s", events[1].ID, len(resumed), resumed[0].ID, len(events)-2, events[2].ID)
			}
			j := waitJob(t, env, tok, second)
			if j["attempts"].(float64) != 2 || j["result_id"] == "" {
				t.Errorf("retried job: %v", j)
			}
		})
	}
}

func TestBatchAndFailures(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Batch")
		tok := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleMember, "Batcher"), o.ID)
		var ids []string
		for _, n := range []string{"a", "b", "c"} {
			_, d := env.Upload(t, tok, n+".md", []byte("# "+n+"\n\nbody "+n+"\n"), "")
			ids = append(ids, d["document_id"].(string))
		}
		_, bad := env.Upload(t, tok, "broken.pdf", []byte("%PDF-1.7\n1 0 obj <<>> garbage without an end"), "")
		ids = append(ids, bad["document_id"].(string), "no-such-document")
		var b map[string]any
		if st := env.DoJSON(t, "POST", "/api/v1/documents/batch/process", tok, map[string]any{"document_ids": ids}, &b); st != http.StatusAccepted {
			t.Fatalf("batch: %d %v", st, b)
		}
		if len(b["jobs"].([]any)) != 4 || len(b["conflicts"].([]any)) != 1 || b["total"].(float64) != 5 {
			t.Fatalf("batch answer: %v", b)
		}
		batchID := b["batch_id"].(string)
		events := readSSE(t, env, "/api/v1/batches/"+batchID+"/events", tok, "")
		end := events[len(events)-1].Data
		counts := end["counts"].(map[string]any)
		if counts["completed"].(float64) != 3 || counts["failed"].(float64) != 1 {
			t.Fatalf("batch end: %v", end)
		}
		var batch map[string]any
		env.DoJSON(t, "GET", "/api/v1/batches/"+batchID, tok, nil, &batch)
		if batch["status"] != "completed" || len(batch["documents"].([]any)) != 4 {
			t.Errorf("batch: %v", batch)
		}
		var failed map[string]any
		env.DoJSON(t, "GET", "/api/v1/jobs/by-document/"+bad["document_id"].(string), tok, nil, &failed)
		if failed["status"] != "failed" || !strings.HasPrefix(failed["error_code"].(string), "extraction_") || failed["attempts"].(float64) != 1 {
			t.Errorf("a corrupt file fails at once with its code: %v", failed)
		}
		var retry map[string]any
		if st := env.DoJSON(t, "POST", "/api/v1/batches/"+batchID+"/retry-failed", tok, nil, &retry); st != http.StatusAccepted || len(retry["jobs"].([]any)) != 1 {
			t.Errorf("retry-failed: %d %v", st, retry)
		}
		var summary map[string]any
		env.DoJSON(t, "GET", "/api/v1/system/queues/summary?batch_id="+batchID, tok, nil, &summary)
		if summary["requested"].(float64) != 4 {
			t.Errorf("summary: %v", summary)
		}
		var list map[string]any
		if st := env.DoJSON(t, "GET", "/api/v1/jobs?status=completed&batch_id="+batchID, tok, nil, &list); st != http.StatusOK || list["total"].(float64) != 3 {
			t.Errorf("jobs list: %d %v", st, list)
		}
	})
}

// A task (an import) is about no document: the jobs API shows its
// document_id as null, present, on every route; a processing job shows its
// document's id.
func TestJobDocumentIDNullForTasks(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		sp := newSharePointOrg(t, env, "Kinds")
		var enq map[string]any
		if st := env.DoJSON(t, "POST", "/api/v1/sharepoint/import", sp.token,
			map[string]any{"folder_url": sp.link, "item_ids": []string{sp.ids["a.md"]}}, &enq); st != http.StatusAccepted {
			t.Fatalf("import: %d %v", st, enq)
		}
		importID := enq["job_id"].(string)
		waitJob(t, env, sp.token, importID)
		docID, processID, _ := processedDocument(t, env, sp.token, "kinds")
		var list struct {
			Jobs []map[string]any `json:"jobs"`
		}
		env.DoJSON(t, "GET", "/api/v1/jobs?limit=100", sp.token, nil, &list)
		for _, c := range []struct {
			name, jobID string
			want        any
		}{
			{"import", importID, nil},
			{"process", processID, docID},
		} {
			var one map[string]any
			env.DoJSON(t, "GET", "/api/v1/jobs/"+c.jobID, sp.token, nil, &one)
			listed := map[string]any{}
			for _, j := range list.Jobs {
				if j["job_id"] == c.jobID {
					listed = j
				}
			}
			for route, j := range map[string]map[string]any{"GET /jobs/{id}": one, "GET /jobs": listed} {
				if got, ok := j["document_id"]; !ok || got != c.want || j["kind"] != c.name {
					t.Errorf("%s, %s job: document_id %v (present %v), kind %v; want %v", route, c.name, got, ok, j["kind"], c.want)
				}
			}
		}
	})
}
