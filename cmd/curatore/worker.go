package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/extract/pdf"
)

func init() {
	register("worker", "run only the job workers (no HTTP server)", runWorker)
}

func runWorker(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("worker", flag.ContinueOnError)
	fs.SetOutput(stderr)
	concurrency := fs.Int("concurrency", 0, "jobs run at once (default $WORKER_CONCURRENCY)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore worker [--concurrency N]

Runs the document-processing workers alone, without the HTTP server, on the
database of DATABASE_URL. Several workers (on several machines sharing one
PostgreSQL) share the queue; each job runs once. SIGINT/SIGTERM let running
jobs finish (up to 60 s), then interrupt them; interrupted jobs run again
when a worker is next started.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, code := loadConfig(stderr)
	if cfg == nil {
		return code
	}
	if *concurrency > 0 {
		cfg.WorkerConcurrency = *concurrency
	}
	slog.SetDefault(app.NewLogger(stderr, cfg))
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	a, err := app.New(ctx, cfg)
	if err != nil {
		slog.Error("start-up failed", "err", err)
		return 1
	}
	defer a.Close()
	go warmPDFEngine()
	if err := a.Work(ctx, 60*time.Second); err != nil {
		slog.Error("worker stopped", "err", err)
		return 1
	}
	slog.Info("stopped cleanly")
	return 0
}

// warmPDFEngine starts the PDF engine in the background, so that neither
// the first PDF after a start nor, after an upgrade, the one-time compile
// of the engine (several seconds) is paid by a document's job.
func warmPDFEngine() {
	start := time.Now()
	if err := pdf.Warm(); err != nil {
		slog.Warn("the PDF engine did not start; PDF jobs will fail", "err", err)
		return
	}
	slog.Info("PDF engine ready", "took_ms", time.Since(start).Milliseconds())
}
