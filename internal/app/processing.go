package app

import (
	"context"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/pipeline"
)

// WithRunner runs jobs with r instead of the built-in pipeline.
func WithRunner(r pipeline.Runner) Option { return func(a *App) { a.Runner = r } }

// WithLLM resolves organizations' LLM endpoints with l.
func WithLLM(l job.LLMResolver) Option { return func(a *App) { a.LLM = l } }

// buildProcessing creates the job queue (River, its own migrations applied
// first) and the document service on the blob store.
func (a *App) buildProcessing(ctx context.Context) error {
	if a.Config.AutoMigrate {
		applied, err := job.Migrate(ctx, a.DB)
		if err != nil {
			return err
		}
		if len(applied) > 0 {
			slog.Info("queue migrations applied", "versions", applied)
		}
	}
	if _, err := extract.New(a.Config.Extraction); err != nil {
		return fmt.Errorf("extractor: %w", err)
	}
	// Observers only when metrics are on: a nil *metrics.Metrics would
	// make a non-nil interface.
	var jobObserver job.Observer
	var pipelineObserver pipeline.Observer
	if a.Metrics != nil {
		jobObserver, pipelineObserver = a.Metrics, a.Metrics
	}
	if a.Runner == nil {
		a.Runner = pipeline.New(pipeline.Config{Observer: pipelineObserver})
	}
	if a.LLM == nil {
		a.LLM = a.ConnectionResolver
	}
	a.LLM = budgetLLM{a: a, next: a.LLM, now: time.Now}
	var err error
	a.Jobs, err = job.New(ctx, job.Setup{DB: a.DB, Files: a.Storage, Workers: a.Config.WorkerConcurrency,
		Timeout: a.Config.JobTimeout, MaxAttempts: a.Config.JobMaxAttempts, Runner: a.Runner, LLM: a.LLM,
		Extractors: orgExtractors{a}, Defaults: a.processingDefaults, Extra: []job.Extra{a.buildWebhooks()},
		Observer: jobObserver})
	if err != nil {
		return err
	}
	// The upload limit is the max_file_size setting (MAX_FILE_SIZE pins it),
	// read through the resolver like every overridable setting.
	a.Documents = &document.Service{DB: a.DB, Files: a.Storage, Jobs: a.Jobs,
		SizeLimit: func(ctx context.Context, orgID string) (int64, error) {
			v, err := a.Resolver.Effective(ctx, orgID, "")
			return v.MaxFileSize(), err
		}}
	return nil
}

// processingDefaults are an organization's processing options from the
// settings resolver (environment, organization, system, defaults): the one
// place jobs read them.
func (a *App) processingDefaults(ctx context.Context, orgID string) (pipeline.Options, error) {
	v, err := a.Resolver.Effective(ctx, orgID, "")
	if err != nil {
		return pipeline.Options{}, err
	}
	return pipeline.Options{AutoOptimize: v.AutoOptimize(), Thresholds: v.Thresholds()}, nil
}

// orgExtractors gives each organization's jobs its extractor: the engines
// of its extraction connection (else the environment's, in the order of
// its extraction.priority setting), with its OCR and time-limit settings.
type orgExtractors struct{ a *App }

// ExtractorFor implements job.ExtractorResolver.
func (o orgExtractors) ExtractorFor(ctx context.Context, orgID string) (*extract.Extractor, error) {
	x, source, err := o.a.ConnectionResolver.ExtractorFor(ctx, orgID)
	if err != nil {
		return nil, err
	}
	v, err := o.a.Resolver.Effective(ctx, orgID, "")
	if err != nil {
		return nil, err
	}
	x.Options = v.ExtractionOptions(x.Options)
	if !strings.HasPrefix(source, "connection:") {
		for _, name := range slices.Backward(v.EngineOrder()) {
			if p, perr := x.Prefer(name); perr == nil {
				x = p
			}
		}
	}
	return x, nil
}

// StartWorkers starts this process's job workers (WORKER_CONCURRENCY; none
// when 0) until StopWorkers.
func (a *App) StartWorkers(ctx context.Context) error {
	if a.Jobs == nil {
		return nil
	}
	// River stops hard when its start context ends; stopping is StopWorkers' job.
	if err := a.Jobs.Start(context.WithoutCancel(ctx)); err != nil {
		return err
	}
	if a.Jobs.Queue.Working() {
		slog.Info("workers started", "concurrency", a.Config.WorkerConcurrency, "job_timeout", a.Config.JobTimeout.String())
	}
	return nil
}

// StopWorkers lets running jobs finish for up to grace, then interrupts
// them (they run again at the next start). Safe to call more than once.
func (a *App) StopWorkers(grace time.Duration) {
	if a.Jobs == nil {
		return
	}
	a.stopOnce.Do(func() {
		ctx, cancel := context.WithTimeout(context.Background(), grace)
		defer cancel()
		if err := a.Jobs.Stop(ctx); err != nil {
			slog.Warn("workers stopped with an error", "err", err)
		}
	})
}

// Work runs only the job workers until ctx ends (`curatore worker`).
func (a *App) Work(ctx context.Context, grace time.Duration) error {
	if a.Jobs == nil || !a.Jobs.Queue.Working() {
		return fmt.Errorf("WORKER_CONCURRENCY is 0: nothing to run")
	}
	if err := a.StartWorkers(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	slog.Info("stopping workers: waiting for running jobs")
	a.StopWorkers(grace)
	return nil
}
