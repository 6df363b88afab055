package httpapi_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/testenv"
)

// Processing a document sends job.completed and batch.completed through
// the River queue, signed; a receiver answering 500 gets the event again.
func TestWebhookEventsFromJobs(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Events")
		admin := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleAdmin, "Events admin"), o.ID)
		rcv := newHookReceiver(t)
		h := createHook(t, env, admin, rcv, "job.completed", "job.failed", "document.rag_ready", "batch.completed")
		docID, jobID, batchID := processedDocument(t, env, admin, "report")
		done := rcv.waitEvent(t, "job.completed")
		data, _ := done.Body.Data.(map[string]any)
		if data["job_id"] != jobID || data["document_id"] != docID || data["batch_id"] != batchID || done.Body.OrganizationID != o.ID {
			t.Errorf("job.completed data %v", done.Body)
		}
		batch := rcv.waitEvent(t, "batch.completed")
		if bd, _ := batch.Body.Data.(map[string]any); bd["batch_id"] != batchID || bd["completed"] != float64(1) {
			t.Errorf("batch.completed data %v", batch.Body.Data)
		}
		// The log shows each as delivered on the first attempt. The receiver
		// can see an event before its delivery row is marked, so poll.
		var bad []string
		for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			var log struct {
				Deliveries []struct {
					Event    string `json:"event"`
					Status   string `json:"status"`
					Attempts int    `json:"attempts"`
				} `json:"deliveries"`
			}
			env.DoJSON(t, "GET", "/api/v1/webhooks/"+h.ID+"/deliveries", admin, nil, &log)
			bad = nil
			for _, d := range log.Deliveries {
				if d.Status != "succeeded" || d.Attempts != 1 {
					bad = append(bad, fmt.Sprintf("%+v", d))
				}
			}
			if len(bad) == 0 {
				break
			}
		}
		if len(bad) > 0 {
			t.Errorf("deliveries not succeeded on the first attempt: %v", bad)
		}

		// Retry: the receiver fails the next job.completed with a 500.
		rcv.failNext("job.completed", 1)
		before := len(rcv.requests())
		_, jobID2, _ := processedDocument(t, env, admin, "second")
		waitDelivery(t, env, admin, h.ID, jobID2, "retrying", 1)
		// Bring the retry forward instead of waiting RetryDelay(1): River
		// runs the same job again, as attempt 2.
		retryNow(t, env)
		waitDelivery(t, env, admin, h.ID, jobID2, "succeeded", 2)
		var sent, verified int
		for _, r := range rcv.requests()[before:] {
			if d, _ := r.Body.Data.(map[string]any); r.Body.Event == "job.completed" && d["job_id"] == jobID2 {
				sent++
				if r.Verified {
					verified++
				}
			}
		}
		if sent != 2 || verified != 2 {
			t.Errorf("job.completed of the second job sent %d times (%d verified), want 2", sent, verified)
		}
	})
}

// retryNow makes the webhook delivery River is holding for a retry
// available at once (River marks it retryable just after the attempt's
// outcome was logged, so this waits for that).
func retryNow(t *testing.T, env *testenv.Env) {
	t.Helper()
	for deadline := time.Now().Add(10 * time.Second); time.Now().Before(deadline); time.Sleep(10 * time.Millisecond) {
		res, err := env.DB.Exec(t.Context(), `UPDATE river_job SET state = 'available', scheduled_at = created_at
			WHERE kind = 'curatore.webhook_delivery' AND state = 'retryable'`)
		if err != nil {
			t.Fatal(err)
		}
		if n, _ := res.RowsAffected(); n > 0 {
			return
		}
	}
	t.Fatal("no webhook delivery became retryable")
}

// waitDelivery waits until the job.completed delivery of jobID has status
// and attempts.
func waitDelivery(t *testing.T, env *testenv.Env, token, hookID, jobID, status string, attempts int) {
	t.Helper()
	var last any
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		var log struct {
			Deliveries []struct {
				Event    string `json:"event"`
				Status   string `json:"status"`
				Attempts int    `json:"attempts"`
				Payload  struct {
					Data map[string]any `json:"data"`
				} `json:"payload"`
			} `json:"deliveries"`
		}
		env.DoJSON(t, "GET", "/api/v1/webhooks/"+hookID+"/deliveries", token, nil, &log)
		for _, d := range log.Deliveries {
			if d.Event == "job.completed" && d.Payload.Data["job_id"] == jobID {
				last = d
				if d.Status == status && d.Attempts == attempts {
					return
				}
			}
		}
	}
	t.Fatalf("delivery for job %s never became %s after %d attempts; last %+v", jobID, status, attempts, last)
}

// verdictRunner extracts as usual, then passes every threshold — or, for
// a file named "broken…", fails for good.
type verdictRunner struct{}

func (verdictRunner) Run(ctx context.Context, in pipeline.Input) (*pipeline.Result, []pipeline.Version, error) {
	if strings.HasPrefix(in.Source.Filename, "broken") {
		return nil, nil, apperr.Field("file", "cannot be processed")
	}
	res, versions, err := pipeline.New(pipeline.Config{}).Run(ctx, in)
	if err == nil {
		res.PassAllThresholds = true
	}
	return res, versions, err
}

// A result that passes every threshold sends document.rag_ready; a job that
// fails for good sends job.failed.
func TestWebhookRAGReadyAndFailed(t *testing.T) {
	for _, engine := range dbtest.Engines() {
		t.Run(string(engine), func(t *testing.T) {
			env := testenv.New(t, engine, nil, app.WithRunner(verdictRunner{}))
			o := env.CreateOrg(t, "Verdicts")
			admin := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleAdmin, "Verdict admin"), o.ID)
			rcv := newHookReceiver(t)
			createHook(t, env, admin, rcv, "job.failed", "document.rag_ready")
			docID, jobID, _ := processedDocument(t, env, admin, "good")
			ready := rcv.waitEvent(t, "document.rag_ready")
			if d, _ := ready.Body.Data.(map[string]any); d["document_id"] != docID || d["job_id"] != jobID {
				t.Errorf("document.rag_ready data %v", ready.Body.Data)
			}
			st, doc := env.Upload(t, admin, "broken.md", []byte("# Broken\n"), "")
			if st != 200 {
				t.Fatalf("upload: %d", st)
			}
			var acc map[string]any
			env.DoJSON(t, "POST", "/api/v1/documents/"+doc["document_id"].(string)+"/process", admin, nil, &acc)
			failed := rcv.waitEvent(t, "job.failed")
			if d, _ := failed.Body.Data.(map[string]any); d["document_id"] != doc["document_id"] || d["kind"] != "process" || d["error_code"] != "invalid" {
				t.Errorf("job.failed data %v", failed.Body.Data)
			}
			for _, r := range rcv.requests() {
				if r.Body.Event == "job.completed" || r.Body.Event == "batch.completed" {
					t.Errorf("an event the endpoint did not subscribe to was sent: %s", r.Body.Event)
				}
			}
		})
	}
}

// job.completed and job.failed name the job's kind, and a task's (an
// import's) carry document_id null: a failed import says what failed.
func TestWebhookJobEventsNameKind(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		sp := newSharePointOrg(t, env, "Hook kinds")
		rcv := newHookReceiver(t)
		createHook(t, env, sp.token, rcv, "job.completed", "job.failed")
		importJob := func(link string) func() (string, any) {
			return func() (string, any) {
				var enq map[string]any
				env.DoJSON(t, "POST", "/api/v1/sharepoint/import", sp.token, map[string]any{"folder_url": link, "all": true}, &enq)
				return enq["job_id"].(string), nil
			}
		}
		for _, c := range []struct {
			name, event, kind, code string
			start                   func() (jobID string, docID any)
		}{
			{"import completes", "job.completed", "import", "", importJob(sp.link)},
			{"import fails", "job.failed", "import", "invalid", importJob(sp.link + "-gone")},
			{"process completes", "job.completed", "process", "", func() (string, any) {
				docID, jobID, _ := processedDocument(t, env, sp.token, "hooked")
				return jobID, docID
			}},
		} {
			jobID, docID := c.start()
			d := rcv.waitJobEvent(t, c.event, jobID)
			if got, ok := d["document_id"]; !ok || got != docID || d["kind"] != c.kind || d["error_code"] != orNil(c.code) {
				t.Errorf("%s: %s data %v; want kind %s, document_id %v, error_code %q", c.name, c.event, d, c.kind, docID, c.code)
			}
		}
	})
}

// orNil is s, or nil for "" (a field left out).
func orNil(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// waitJobEvent waits for a verified event about jobID and returns its data.
func (h *hookReceiver) waitJobEvent(t *testing.T, event, jobID string) map[string]any {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
		for _, r := range h.requests() {
			if d, _ := r.Body.Data.(map[string]any); r.Body.Event == event && r.Verified && d["job_id"] == jobID {
				return d
			}
		}
	}
	t.Fatalf("no verified %s delivery for job %s; got %+v", event, jobID, h.requests())
	return nil
}
