// Package db opens Curatore's database — embedded SQLite by default,
// PostgreSQL in production — and is the only package that imports drivers.
//
// Stores write portable SQL with `?` placeholders; DB rebinds them to `$n`
// for PostgreSQL. Transactions are explicit: InTx hands the callback a
// Querier, never a context value.
//
// SQLite gets one writer connection beside a read pool: SQLite allows one
// writer at a time, so funnelling writes through one connection (with
// BEGIN IMMEDIATE and a busy timeout) means concurrent requests queue in Go
// instead of failing with "database is locked", while reads run in parallel
// under WAL.
package db

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	_ "github.com/jackc/pgx/v5/stdlib" // registers "pgx"
	_ "modernc.org/sqlite"             // registers "sqlite"

	"github.com/curatore/curatore/internal/config"
)

// Engine is the database engine in use.
type Engine = config.Engine

// The engines.
const (
	SQLite   = config.SQLite
	Postgres = config.Postgres
)

// DB is an open database: a writer handle and a reader handle (the same pool
// on PostgreSQL).
type DB struct {
	engine Engine
	URL    config.DatabaseURL
	write  *sql.DB
	read   *sql.DB
	stmts  stmtCache
}

// Options tune the connection pools.
type Options struct {
	PoolSize    int           // PostgreSQL: idle connections kept (DB_POOL_SIZE)
	MaxOverflow int           // PostgreSQL: extra connections beyond PoolSize (DB_MAX_OVERFLOW)
	Recycle     time.Duration // PostgreSQL: connection lifetime (DB_POOL_RECYCLE)
}

// Open connects to the database described by u and checks that it answers.
// For SQLite the file (and its directory) is created if missing.
func Open(ctx context.Context, u config.DatabaseURL, o Options) (*DB, error) {
	switch u.Engine {
	case SQLite:
		return openSQLite(ctx, u)
	case Postgres:
		return openPostgres(ctx, u, o)
	}
	return nil, fmt.Errorf("db: unknown engine %q", u.Engine)
}

// sqlitePragmas are every SQLite connection's settings.
const sqlitePragmas = "_pragma=busy_timeout(10000)&_pragma=journal_mode(WAL)&_pragma=synchronous(NORMAL)&_pragma=foreign_keys(1)&_time_format=sqlite"

func openSQLite(ctx context.Context, u config.DatabaseURL) (*DB, error) {
	if dir := filepath.Dir(u.Path); dir != "" {
		if err := os.MkdirAll(dir, 0o750); err != nil {
			return nil, fmt.Errorf("db: create directory for %s: %w", u.Path, err)
		}
	}
	// busy_timeout comes first so that the journal_mode switch itself waits
	// for a lock instead of failing.
	pragmas := sqlitePragmas
	write, err := sql.Open("sqlite", "file:"+u.Path+"?"+pragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	write.SetMaxOpenConns(1)
	write.SetMaxIdleConns(1)
	write.SetConnMaxLifetime(0)
	read, err := sql.Open("sqlite", "file:"+u.Path+"?"+pragmas+"&_pragma=query_only(1)")
	if err != nil {
		write.Close()
		return nil, err
	}
	n := max(4, runtime.NumCPU()*2)
	read.SetMaxOpenConns(n)
	read.SetMaxIdleConns(n)
	d := &DB{engine: SQLite, URL: u, write: write, read: read}
	if err := d.Ping(ctx); err != nil {
		d.Close()
		return nil, fmt.Errorf("db: open %s: %w", u.Path, err)
	}
	return d, nil
}

func openPostgres(ctx context.Context, u config.DatabaseURL, o Options) (*DB, error) {
	pool, err := sql.Open("pgx", u.DSN)
	if err != nil {
		return nil, err
	}
	if o.PoolSize <= 0 {
		o.PoolSize = 20
	}
	pool.SetMaxIdleConns(o.PoolSize)
	pool.SetMaxOpenConns(o.PoolSize + max(o.MaxOverflow, 0))
	if o.Recycle > 0 {
		pool.SetConnMaxLifetime(o.Recycle)
	}
	d := &DB{engine: Postgres, URL: u, write: pool, read: pool}
	if err := d.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("db: connect to %s: %w", u.Redacted(), err)
	}
	return d, nil
}

// Ping checks that the database answers a query.
func (d *DB) Ping(ctx context.Context) error {
	var one int
	return d.read.QueryRowContext(ctx, "SELECT 1").Scan(&one)
}

// Close closes every handle.
func (d *DB) Close() error {
	d.stmts.close()
	err := d.write.Close()
	if d.read != d.write {
		err = errors.Join(err, d.read.Close())
	}
	return err
}

// Querier runs SQL with `?` placeholders. Both *DB (outside a transaction)
// and the value InTx passes implement it.
type Querier interface {
	Exec(ctx context.Context, query string, args ...any) (sql.Result, error)
	Query(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRow(ctx context.Context, query string, args ...any) *sql.Row
	Engine() Engine
}

// Exec runs a statement on the writer.
func (d *DB) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := d.write.ExecContext(ctx, Rebind(d.engine, query), bindArgs(d.engine, args)...)
	return res, Translate(err)
}

// Query runs a query on the read pool.
func (d *DB) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := d.read.QueryContext(ctx, Rebind(d.engine, query), bindArgs(d.engine, args)...)
	return rows, Translate(err)
}

// QueryRow runs a single-row query on the read pool.
func (d *DB) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return d.read.QueryRowContext(ctx, Rebind(d.engine, query), bindArgs(d.engine, args)...)
}

// Engine returns the engine (so code holding a Querier can branch on dialect).
func (d *DB) Engine() Engine { return d.engine }

// InTx runs fn in a transaction on the writer; it commits when fn returns nil
// and rolls back otherwise (also on panic, which is re-raised).
func (d *DB) InTx(ctx context.Context, fn func(q Querier) error) (err error) {
	tx, err := d.write.BeginTx(ctx, nil)
	if err != nil {
		return Translate(err)
	}
	defer func() {
		if p := recover(); p != nil {
			_ = tx.Rollback()
			panic(p)
		}
		if err != nil {
			if rbErr := tx.Rollback(); rbErr != nil && !errors.Is(rbErr, sql.ErrTxDone) {
				slog.Warn("rollback failed", "err", rbErr)
			}
		}
	}()
	if err = fn(&txQuerier{tx: tx, engine: d.engine}); err != nil {
		return err
	}
	return Translate(tx.Commit())
}

type txQuerier struct {
	tx     *sql.Tx
	engine Engine
}

func (t *txQuerier) Exec(ctx context.Context, query string, args ...any) (sql.Result, error) {
	res, err := t.tx.ExecContext(ctx, Rebind(t.engine, query), bindArgs(t.engine, args)...)
	return res, Translate(err)
}

func (t *txQuerier) Query(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	rows, err := t.tx.QueryContext(ctx, Rebind(t.engine, query), bindArgs(t.engine, args)...)
	return rows, Translate(err)
}

func (t *txQuerier) QueryRow(ctx context.Context, query string, args ...any) *sql.Row {
	return t.tx.QueryRowContext(ctx, Rebind(t.engine, query), bindArgs(t.engine, args)...)
}

func (t *txQuerier) Engine() Engine { return t.engine }

// SQL returns the writer handle, for libraries that take a *sql.DB (the job
// queue). Stores use the Querier methods instead.
func (d *DB) SQL() *sql.DB { return d.write }

// TxOf returns the *sql.Tx behind a Querier that InTx passed, so a library
// (the job queue's InsertTx) can join the same transaction; ok is false
// for a Querier that is no transaction.
func TxOf(q Querier) (tx *sql.Tx, ok bool) {
	t, ok := q.(*txQuerier)
	if !ok {
		return nil, false
	}
	return t.tx, true
}

// OpenSQLiteHandle opens a separate single-connection handle on the SQLite
// file with the same settings as the writer (busy timeout, WAL, immediate
// transactions), for a library that must own its connection (River's SQLite
// driver). The caller closes it.
func (d *DB) OpenSQLiteHandle() (*sql.DB, error) {
	if d.engine != SQLite {
		return nil, fmt.Errorf("db: OpenSQLiteHandle on %s", d.engine)
	}
	h, err := sql.Open("sqlite", "file:"+d.URL.Path+"?"+sqlitePragmas+"&_txlock=immediate")
	if err != nil {
		return nil, err
	}
	h.SetMaxOpenConns(1)
	h.SetMaxIdleConns(1)
	h.SetConnMaxLifetime(0)
	return h, nil
}

// OpenPgxPool opens a small pgx pool on the PostgreSQL database (same DSN,
// so the same search_path), for a library that needs pgx connections of its
// own (the job queue's LISTEN/NOTIFY listener). The caller closes it.
func (d *DB) OpenPgxPool(ctx context.Context, maxConns int32) (*pgxpool.Pool, error) {
	if d.engine != Postgres {
		return nil, fmt.Errorf("db: OpenPgxPool on %s", d.engine)
	}
	cfg, err := pgxpool.ParseConfig(d.URL.DSN)
	if err != nil {
		return nil, fmt.Errorf("db: pgx pool: %w", err)
	}
	cfg.MaxConns, cfg.MinConns = maxConns, 0
	return pgxpool.NewWithConfig(ctx, cfg)
}
