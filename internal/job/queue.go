package job

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"time"

	"github.com/riverqueue/river"
	"github.com/riverqueue/river/riverdriver"
	"github.com/riverqueue/river/riverdriver/riverdatabasesql"
	"github.com/riverqueue/river/riverdriver/riversqlite"
	"github.com/riverqueue/river/rivermigrate"
	"github.com/riverqueue/river/rivertype"

	"github.com/curatore/curatore/internal/db"
)

// Args are a River job's arguments: our job's id and its organization, so
// that every run is scoped to that organization from its first query.
type Args struct {
	JobID string `json:"job_id"`
	OrgID string `json:"org_id"`
}

// Kind names the River job kind.
func (Args) Kind() string { return "curatore.document" }

// QueueOptions configure the River client.
type QueueOptions struct {
	Workers     int           // jobs run at once; 0: insert only (another process works)
	Timeout     time.Duration // per run
	MaxAttempts int           // runs before a transiently failing job fails
	Worker      river.Worker[Args]
	Tasks       river.Worker[TaskArgs] // runs tasks (imports, syncs); may be nil
	Logger      *slog.Logger
	// Extra are other packages' workers (webhook deliveries), each in its
	// own queue so that they never wait behind document processing.
	Extra []Extra
}

// Extra is another package's River worker and the queue it works.
type Extra struct {
	Register   func(*river.Workers) // adds the worker
	Queue      string
	MaxWorkers int
}

// Queue is River on our database.
type Queue struct {
	client   *river.Client[*sql.Tx]
	handle   *sql.DB // SQLite: River's own single connection
	listener closer  // PostgreSQL: the pgx pool of the LISTEN/NOTIFY connection
	working  bool
}

// driver returns River's driver for d; on SQLite it opens River's own
// single-connection handle (River's advice: SQLite allows one writer).
func driver(ctx context.Context, d *db.DB, listen bool) (riverdriver.Driver[*sql.Tx], *sql.DB, closer, error) {
	if d.Engine() == db.SQLite {
		h, err := d.OpenSQLiteHandle()
		if err != nil {
			return nil, nil, nil, err
		}
		return riversqlite.New(h), h, nil, nil
	}
	if !listen {
		return riverdatabasesql.New(d.SQL()), nil, nil, nil
	}
	pool, err := d.OpenPgxPool(ctx, 2)
	if err != nil {
		return nil, nil, nil, fmt.Errorf("queue listener: %w", err)
	}
	return riverdatabasesql.NewWithPgxListener(d.SQL(), pool), nil, pool, nil
}

// Migrate applies River's own migrations (its river_* tables); it is run
// at start-up and by `curatore migrate up`. It returns the versions applied.
func Migrate(ctx context.Context, d *db.DB) ([]int, error) {
	drv, handle, _, err := driver(ctx, d, false)
	if err != nil {
		return nil, err
	}
	if handle != nil {
		defer handle.Close()
	}
	m, err := rivermigrate.New(drv, &rivermigrate.Config{Logger: slog.Default()})
	if err != nil {
		return nil, err
	}
	res, err := m.Migrate(ctx, rivermigrate.DirectionUp, nil)
	if err != nil {
		return nil, fmt.Errorf("river migrations: %w", err)
	}
	var out []int
	for _, v := range res.Versions {
		out = append(out, v.Version)
	}
	return out, nil
}

// OpenQueue builds the River client on d. With Workers > 0 it also works
// jobs once started.
func OpenQueue(ctx context.Context, d *db.DB, o QueueOptions) (*Queue, error) {
	// On PostgreSQL the listener driver is used even by an insert-only
	// client: it is what makes River send NOTIFY on insert, which wakes
	// workers in other processes at once.
	drv, handle, listener, err := driver(ctx, d, true)
	if err != nil {
		return nil, err
	}
	cfg := &river.Config{
		Logger:     o.Logger,
		JobTimeout: o.Timeout,
		// A run still "running" this long after it started belongs to a
		// worker that died (kill -9, crash): River runs it again.
		RescueStuckJobsAfter:        o.Timeout + min(o.Timeout, 30*time.Second),
		MaxAttempts:                 max(o.MaxAttempts, 1),
		CompletedJobRetentionPeriod: 24 * time.Hour,
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	if d.Engine() == db.SQLite {
		// No LISTEN/NOTIFY: polling is the pickup latency. (A shorter
		// fetch cooldown than River's 100 ms default made stopping the
		// SQLite client wait tens of seconds.)
		cfg.FetchPollInterval = 100 * time.Millisecond
	} else {
		// The cooldown bounds how often a worker fetches and how often an
		// insert sends NOTIFY; River's 100 ms default adds up to that to
		// every pickup.
		cfg.FetchCooldown = 20 * time.Millisecond
	}
	if o.Workers > 0 {
		workers := river.NewWorkers()
		river.AddWorker(workers, o.Worker)
		if o.Tasks != nil {
			river.AddWorker(workers, o.Tasks)
		}
		cfg.Workers = workers
		cfg.Queues = map[string]river.QueueConfig{river.QueueDefault: {MaxWorkers: o.Workers}}
		for _, x := range o.Extra {
			x.Register(workers)
			cfg.Queues[x.Queue] = river.QueueConfig{MaxWorkers: max(x.MaxWorkers, 1)}
		}
	}
	c, err := river.NewClient(drv, cfg)
	if err != nil {
		closeAll(handle, listener)
		return nil, err
	}
	return &Queue{client: c, handle: handle, listener: listener, working: o.Workers > 0}, nil
}

// Start starts working jobs (a no-op for an insert-only queue).
func (q *Queue) Start(ctx context.Context) error {
	if !q.working {
		return nil
	}
	return q.client.Start(ctx)
}

// Stop waits for running jobs up to ctx's deadline, then cancels them (they
// run again after the restart) and releases the queue's connections.
func (q *Queue) Stop(ctx context.Context) error {
	var err error
	if q.working {
		if err = q.client.Stop(ctx); err != nil {
			cctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			err = q.client.StopAndCancel(cctx)
			cancel()
		}
	}
	closeAll(q.handle, q.listener)
	return err
}

// Working reports whether this queue runs jobs.
func (q *Queue) Working() bool { return q.working }

// insertTx enqueues River jobs in the transaction behind qr and returns
// their River ids, in order.
func (q *Queue) insertTx(ctx context.Context, qr db.Querier, args []Args) ([]int64, error) {
	tx, ok := db.TxOf(qr)
	if !ok {
		return nil, errors.New("job: enqueue outside a transaction")
	}
	params := make([]river.InsertManyParams, len(args))
	for i, a := range args {
		params[i] = river.InsertManyParams{Args: a}
	}
	res, err := q.client.InsertManyTx(ctx, tx, params)
	if err != nil {
		return nil, fmt.Errorf("enqueue: %w", err)
	}
	ids := make([]int64, len(res))
	for i, r := range res {
		ids[i] = r.Job.ID
	}
	return ids, nil
}

// InsertTx inserts any River job in tx (other packages' jobs, e.g. webhook
// deliveries, queued in the transaction of the change that causes them).
func (q *Queue) InsertTx(ctx context.Context, tx *sql.Tx, args river.JobArgs, opts *river.InsertOpts) (*rivertype.JobInsertResult, error) {
	return q.client.InsertTx(ctx, tx, args, opts)
}

// insertArgsTx enqueues one River job of any kind in the transaction
// behind qr and returns its River id.
func (q *Queue) insertArgsTx(ctx context.Context, qr db.Querier, args river.JobArgs) (int64, error) {
	tx, ok := db.TxOf(qr)
	if !ok {
		return 0, errors.New("job: enqueue outside a transaction")
	}
	res, err := q.InsertTx(ctx, tx, args, nil)
	if err != nil {
		return 0, fmt.Errorf("enqueue: %w", err)
	}
	return res.Job.ID, nil
}

// cancelTx cancels a River job in the transaction behind qr. A job that
// already finished is left alone.
func (q *Queue) cancelTx(ctx context.Context, qr db.Querier, riverID int64) error {
	if riverID == 0 {
		return nil
	}
	tx, ok := db.TxOf(qr)
	if !ok {
		return errors.New("job: cancel outside a transaction")
	}
	_, err := q.client.JobCancelTx(ctx, tx, riverID)
	if err != nil && !errors.Is(err, river.ErrNotFound) {
		return fmt.Errorf("cancel River job: %w", err)
	}
	return nil
}

// closer is what the queue closes when it stops.
type closer interface{ Close() }

func closeAll(handle *sql.DB, listener closer) {
	if handle != nil {
		handle.Close()
	}
	if listener != nil {
		listener.Close()
	}
}
