// Package pipeline_test measures the document service end to end through
// the real API, queue and database: documents per minute at 1 and 4
// workers with the LLM faked at 200 ms per call, enqueue-to-start latency,
// enqueueing a batch of 1,000 documents, and a 500 MB upload (throughput
// and peak RSS growth). Inputs are generated or read from the extraction
// corpus (CURATORE_CORPUS, default /work/shared/testdata/extraction) at
// run time; nothing large is committed.
//
//	go test ./bench/pipeline -bench . -benchtime 1x -run '^$'
//	CURATORE_TEST_POSTGRES_URL=… go test ./bench/pipeline -bench . -benchtime 1x -run '^$'
package pipeline_test

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/testenv"
)

// fakeLLM gives every organization the fake server as its endpoint.
type fakeLLM struct{ srv *llmtest.Server }

func (f fakeLLM) LLMFor(_ context.Context, orgID string) (*llm.Endpoint, error) {
	c, err := llm.NewOpenAI(llm.OpenAIConfig{BaseURL: f.srv.URL(), APIKey: "key-" + orgID, Model: "bench-model",
		HTTPClient: f.srv.HTTPClient()})
	if err != nil {
		return nil, err
	}
	return &llm.Endpoint{Chatter: c, Model: "bench-model", ContextWindow: 128000, Source: "env"}, nil
}

// corpus returns a mixed set of documents (PDF, Office, HTML, Markdown).
func corpus(tb testing.TB) map[string][]byte {
	dir := os.Getenv("CURATORE_CORPUS")
	if dir == "" {
		dir = "/work/shared/testdata/extraction"
	}
	out := map[string][]byte{}
	for _, kind := range []string{"pdf", "docx", "pptx", "xlsx", "html", "md"} {
		files, _ := filepath.Glob(filepath.Join(dir, kind, "*"))
		for _, f := range files {
			if strings.HasSuffix(f, ".expected.md") {
				continue
			}
			if b, err := os.ReadFile(f); err == nil {
				out[filepath.Base(f)] = b
			}
		}
	}
	if len(out) == 0 {
		tb.Skipf("no corpus under %s", dir)
	}
	return out
}

type bench struct {
	env   *testenv.Env
	token string
}

func setup(b *testing.B, engine db.Engine, vars map[string]string, opts ...app.Option) bench {
	env := testenv.New(b, engine, vars, opts...)
	o := env.CreateOrg(b, "Bench")
	return bench{env: env, token: env.LoginAs(b, env.CreateUser(b, o.ID, auth.RoleAdmin, "Bencher"), o.ID)}
}

func (s bench) upload(b *testing.B, name string, data []byte) string {
	st, d := s.env.Upload(b, s.token, name, data, "?duplicate=true")
	if st != http.StatusOK {
		b.Fatalf("upload %s: %d %v", name, st, d)
	}
	return d["document_id"].(string)
}

func (s bench) batch(b *testing.B, ids []string) string {
	var out map[string]any
	st := s.env.DoJSON(b, "POST", "/api/v1/documents/batch/process", s.token, map[string]any{"document_ids": ids}, &out)
	if st != http.StatusAccepted || len(out["jobs"].([]any)) != len(ids) {
		b.Fatalf("batch: %d %v", st, out)
	}
	return out["batch_id"].(string)
}

func (s bench) waitBatch(b *testing.B, id string) map[string]any {
	for deadline := time.Now().Add(20 * time.Minute); time.Now().Before(deadline); time.Sleep(100 * time.Millisecond) {
		var out map[string]any
		s.env.DoJSON(b, "GET", "/api/v1/batches/"+id, s.token, nil, &out)
		if out["status"] == "completed" {
			return out
		}
	}
	b.Fatal("batch did not finish")
	return nil
}

// BenchmarkThroughput processes the mixed corpus (twice over) as one batch
// with 1 and 4 workers; the LLM answers every call after 200 ms.
func BenchmarkThroughput(b *testing.B) {
	docs := corpus(b)
	for _, engine := range dbtest.Engines() {
		for _, workers := range []int{1, 4} {
			b.Run(fmt.Sprintf("%s/workers=%d", engine, workers), func(b *testing.B) {
				fake := llmtest.New(b)
				fake.Latency(200 * time.Millisecond)
				s := setup(b, engine, map[string]string{"WORKER_CONCURRENCY": fmt.Sprint(workers)}, app.WithLLM(fakeLLM{fake}))
				var ids []string
				for round := 0; round < 2; round++ {
					for name, data := range docs {
						ids = append(ids, s.upload(b, name, data))
					}
				}
				b.ResetTimer()
				start := time.Now()
				out := s.waitBatch(b, s.batch(b, ids))
				elapsed := time.Since(start)
				b.StopTimer()
				b.ReportMetric(float64(len(ids))/elapsed.Minutes(), "docs/min")
				b.ReportMetric(float64(len(fake.Requests()))/float64(len(ids)), "llm-calls/doc")
				b.Logf("%d documents in %s: %v", len(ids), elapsed.Round(time.Millisecond), out["counts"])
			})
		}
	}
}

// BenchmarkEnqueueToStart queues one small document at a time and reports
// the time from enqueue to a worker starting it (p50, p99).
func BenchmarkEnqueueToStart(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			s := setup(b, engine, map[string]string{"WORKER_CONCURRENCY": "2"})
			id := s.upload(b, "small.md", []byte("# Small\n\ntext\n"))
			var lat []time.Duration
			b.ResetTimer()
			for i := 0; i < max(b.N, 50); i++ {
				var acc map[string]any
				if st := s.env.DoJSON(b, "POST", "/api/v1/documents/"+id+"/process", s.token, nil, &acc); st != http.StatusAccepted {
					b.Fatalf("process: %d %v", st, acc)
				}
				jobID := acc["job_id"].(string)
				var enq time.Time
				var started *time.Time
				for {
					var fin string
					err := s.env.DB.QueryRow(context.Background(), `SELECT enqueued_at, started_at, status FROM jobs WHERE id = ?`,
						jobID).Scan(&enq, db.NullTime{T: &started}, &fin)
					if err != nil {
						b.Fatal(err)
					}
					if fin == "completed" || fin == "failed" {
						break
					}
					time.Sleep(2 * time.Millisecond)
				}
				lat = append(lat, started.Sub(enq))
			}
			b.StopTimer()
			sort.Slice(lat, func(i, j int) bool { return lat[i] < lat[j] })
			b.ReportMetric(float64(lat[len(lat)/2].Microseconds())/1000, "p50-ms")
			b.ReportMetric(float64(lat[len(lat)*99/100].Microseconds())/1000, "p99-ms")
		})
	}
}

// BenchmarkEnqueueBatch1000 times POST /documents/batch/process with 1,000
// documents (no workers, so only enqueueing is measured).
func BenchmarkEnqueueBatch1000(b *testing.B) {
	for _, engine := range dbtest.Engines() {
		b.Run(string(engine), func(b *testing.B) {
			s := setup(b, engine, map[string]string{"WORKER_CONCURRENCY": "0"})
			ids := make([]string, 1000)
			for i := range ids {
				ids[i] = s.upload(b, fmt.Sprintf("d%04d.md", i), []byte(fmt.Sprintf("# Document %d\n", i)))
			}
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				start := time.Now()
				batch := s.batch(b, ids)
				b.ReportMetric(time.Since(start).Seconds(), "s/batch")
				b.StopTimer()
				var c map[string]any
				s.env.DoJSON(b, "POST", "/api/v1/batches/"+batch+"/cancel", s.token, nil, &c)
				b.StartTimer()
			}
		})
	}
}
