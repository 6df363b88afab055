package job

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/storage"
)

// Setup is what the queue needs from the application.
type Setup struct {
	DB          *db.DB
	Files       storage.Store
	Workers     int           // jobs run at once in this process; 0: enqueue only
	Timeout     time.Duration // per run (JOB_TIMEOUT)
	MaxAttempts int           // JOB_MAX_ATTEMPTS
	Runner      pipeline.Runner
	LLM         LLMResolver
	Extractors  ExtractorResolver
	Defaults    DefaultsResolver // nil: the built-in defaults (70/7/7/7/7, optimize)
	Logger      *slog.Logger
	Extra       []Extra  // other packages' workers and queues (webhook deliveries)
	Observer    Observer // metrics (nil: none)
}

// New builds the job service and its River queue (not started).
func New(ctx context.Context, st Setup) (*Service, error) {
	if st.Timeout <= 0 {
		st.Timeout = 15 * time.Minute
	}
	if st.Defaults == nil {
		st.Defaults = func(context.Context, string) (pipeline.Options, error) {
			return pipeline.Options{AutoOptimize: true, Thresholds: pipeline.DefaultThresholds}, nil
		}
	}
	s := &Service{DB: st.DB, Files: st.Files, Workers: st.Workers, Observer: st.Observer}
	w := &Worker{Service: s, Runner: st.Runner, LLM: st.LLM, Extractors: st.Extractors, Defaults: st.Defaults}
	if st.Workers > 0 && (w.Runner == nil || w.LLM == nil || w.Extractors == nil) {
		return nil, errors.New("job: workers need a runner, an LLM resolver and an extractor resolver")
	}
	q, err := OpenQueue(ctx, st.DB, QueueOptions{Workers: st.Workers, Timeout: st.Timeout, MaxAttempts: st.MaxAttempts,
		Worker: w, Tasks: &TaskWorker{Service: s}, Logger: st.Logger, Extra: st.Extra})
	if err != nil {
		return nil, fmt.Errorf("job queue: %w", err)
	}
	s.Queue = q
	return s, nil
}

// Start starts the workers (when this process has any) and the loop that
// fails jobs whose River job ended without them (e.g. discarded after a
// crash used up its attempts).
func (s *Service) Start(ctx context.Context) error {
	if !s.Queue.Working() {
		return nil
	}
	if err := s.Queue.Start(ctx); err != nil {
		return fmt.Errorf("start workers: %w", err)
	}
	go s.reconcileLoop(ctx)
	return nil
}

// Stop stops the workers: running jobs get until ctx's deadline to finish,
// then they are interrupted and run again at the next start.
func (s *Service) Stop(ctx context.Context) error { return s.Queue.Stop(ctx) }

func (s *Service) reconcileLoop(ctx context.Context) {
	t := time.NewTicker(30 * time.Second)
	defer t.Stop()
	for {
		if n, err := s.Reconcile(ctx); err != nil && ctx.Err() == nil {
			slog.Warn("job: reconcile failed", "err", err)
		} else if n > 0 {
			slog.Info("job: orphaned jobs failed", "count", n)
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// Reconcile fails our active jobs whose River job is gone, discarded,
// cancelled or completed without them (so no job stays "running" forever)
// and returns how many.
func (s *Service) Reconcile(ctx context.Context) (int, error) {
	rows, err := s.DB.Query(ctx, `SELECT j.org_id, j.id FROM jobs j
		LEFT JOIN river_job r ON r.id = j.river_job_id
		WHERE j.status IN ('queued', 'running') AND j.updated_at < ?
		AND (r.id IS NULL OR r.state IN ('discarded', 'cancelled', 'completed'))`, db.Now().Add(-10*time.Second))
	if err != nil {
		return 0, err
	}
	ids, err := db.Collect(rows, func(r db.Scanner) ([2]string, error) {
		var k [2]string
		return k, r.Scan(&k[0], &k[1])
	})
	if err != nil {
		return 0, err
	}
	for _, k := range ids {
		j, err := Get(ctx, s.DB, k[0], k[1])
		if err != nil {
			return 0, err
		}
		msg := "the job was interrupted and could not run again (its attempts are used up)"
		if err := s.note(ctx, j, StatusFailed, "error", "Processing error: "+msg, "interrupted", msg); err != nil {
			return 0, err
		}
	}
	return len(ids), nil
}
