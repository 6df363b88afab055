package httpapi_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"net/http/httptest"
	"os"
	"runtime"
	"runtime/metrics"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/testenv"
)

// benchMarkdown is a report of about 24 KiB over five pages.
func benchMarkdown(i int) (string, []format.Page) {
	var b strings.Builder
	var pages []format.Page
	for p := 1; p <= 5; p++ {
		pages = append(pages, format.Page{Number: p, Start: b.Len(), Chars: -1})
		fmt.Fprintf(&b, "# Report %d, part %d\n\n", i, p)
		for s := range 4 {
			fmt.Fprintf(&b, "## Section %d\n\n", s)
			b.WriteString(strings.Repeat(fmt.Sprintf("The figures of unit %d for this quarter are shown below with their notes. ", i%97), 12) + "\n\n")
			b.WriteString("| item | value |\n|---|---|\n| revenue | 1200 |\n| cost | 800 |\n\n```\n# a comment\nx = 1\n```\n\n")
		}
	}
	return b.String(), pages
}

// seedBench stores n processed, RAG-ready documents of one organization
// through the document service (no HTTP), each with a version and a
// result.
func seedBench(b *testing.B, env *testenv.Env, sc auth.Scope, n int) {
	ctx := context.Background()
	for i := range n {
		md, pages := benchMarkdown(i)
		d, err := env.App.Documents.Upload(ctx, sc, document.Upload{Filename: fmt.Sprintf("report %d.md", i),
			Body: strings.NewReader(fmt.Sprintf("# Upload %d\n", i)), AllowDuplicate: true})
		if err != nil {
			b.Fatal(err)
		}
		vs, err := document.PutVersionFiles(ctx, env.App.Storage, sc.OrgID, d.ID, []document.NewVersion{{Kind: document.KindExtracted, Markdown: md, Pages: pages}})
		if err != nil {
			b.Fatal(err)
		}
		res := &pipeline.Result{DocumentID: d.ID, Status: "completed", Success: true, ConversionScore: 90, PassAllThresholds: true}
		if err := env.DB.InTx(ctx, func(q db.Querier) error {
			if err := document.InsertVersions(ctx, q, sc.OrgID, d.ID, vs); err != nil {
				return err
			}
			_, err := document.SaveResult(ctx, q, sc.OrgID, d.ID, "", res)
			return err
		}); err != nil {
			b.Fatal(err)
		}
	}
}

// peakLiveHeap samples the live heap (as of each collection) while run
// runs and returns its largest value.
func peakLiveHeap(run func()) uint64 {
	sample := []metrics.Sample{{Name: "/gc/heap/live:bytes"}}
	var peak atomic.Uint64
	done := make(chan struct{})
	go func() {
		for {
			metrics.Read(sample)
			if v := sample[0].Value.Uint64(); v > peak.Load() {
				peak.Store(v)
			}
			select {
			case <-done:
				return
			case <-time.After(2 * time.Millisecond):
			}
		}
	}()
	run()
	close(done)
	return peak.Load()
}

// BenchmarkExport2000 streams exports of 2,000 documents (about 48 MiB of
// Markdown; CURATORE_BENCH_DOCS changes the count) through the whole API
// on SQLite, reading the response as a
// client would, and reports the peak live heap, the process's peak RSS,
// the bytes sent and the allocations.
func BenchmarkExport2000(b *testing.B) {
	env := testenv.New(b, db.SQLite, map[string]string{"WORKER_CONCURRENCY": "0"})
	o := env.CreateOrg(b, "Bench")
	u := env.CreateUser(b, o.ID, auth.RoleAdmin, "Bench")
	tok := env.LoginAs(b, u, o.ID)
	n := 2000
	if v, err := strconv.Atoi(os.Getenv("CURATORE_BENCH_DOCS")); err == nil && v > 0 {
		n = v // e.g. 200, to compare: the heap stays the same
	}
	seedBench(b, env, auth.Scope{OrgID: o.ID, UserID: u.ID, Role: auth.RoleAdmin}, n)
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(io.Discard, nil)))
	b.Cleanup(func() { slog.SetDefault(prev) })
	h := env.App.API.Handler()
	for _, c := range []struct{ name, path string }{
		{"zip-rag-ready", "/api/v1/documents/download/rag-ready"},
		{"jsonl-512", "/api/v1/documents/export.jsonl?chunk_size=512&chunk_overlap=64"},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			var sent int64
			var peak uint64
			for b.Loop() {
				runtime.GC()
				peak = max(peak, peakLiveHeap(func() {
					req := httptest.NewRequest("GET", c.path, nil)
					req.Header.Set("Authorization", "Bearer "+tok)
					rec := &discardRecorder{ResponseRecorder: httptest.NewRecorder()}
					h.ServeHTTP(rec, req)
					if rec.Code != 200 {
						b.Fatalf("%s: %d", c.path, rec.Code)
					}
					sent = rec.n
				}))
			}
			var ru syscall.Rusage
			_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
			b.ReportMetric(float64(peak)/(1<<20), "peak-live-heap-MiB")
			b.ReportMetric(float64(ru.Maxrss)/1024, "max-RSS-MiB")
			b.ReportMetric(float64(sent)/(1<<20), "sent-MiB")
		})
	}
}

// discardRecorder counts the body instead of keeping it, as a client that
// saves it to disk would.
type discardRecorder struct {
	*httptest.ResponseRecorder
	n int64
}

func (d *discardRecorder) Write(p []byte) (int, error) {
	d.n += int64(len(p))
	return len(p), nil
}
