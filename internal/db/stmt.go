package db

import (
	"context"
	"database/sql"
	"sync"
)

// maxCachedStatements bounds the statement cache; queries beyond it run
// unprepared.
const maxCachedStatements = 256

// stmtCache keeps prepared read statements for hot queries.
//
// Why: on SQLite most of a small query's time is parsing and planning it
// (a four-table join by primary keys costs ~0.3 ms to prepare and ~20 µs to
// run); authentication runs such a query on every request.
type stmtCache struct {
	mu    sync.Mutex
	stmts map[string]*sql.Stmt
}

func (c *stmtCache) get(ctx context.Context, pool *sql.DB, query string) *sql.Stmt {
	c.mu.Lock()
	defer c.mu.Unlock()
	if st, ok := c.stmts[query]; ok {
		return st
	}
	if len(c.stmts) >= maxCachedStatements {
		return nil
	}
	st, err := pool.PrepareContext(ctx, query)
	if err != nil {
		return nil // the caller runs the query unprepared and reports the error
	}
	if c.stmts == nil {
		c.stmts = map[string]*sql.Stmt{}
	}
	c.stmts[query] = st
	return st
}

func (c *stmtCache) close() {
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, st := range c.stmts {
		st.Close()
	}
	c.stmts = nil
}

// QueryRowCached is QueryRow through a statement prepared once on the read
// pool and kept for the life of d. Use it for fixed, hot queries only (the
// cache is bounded; beyond it queries run unprepared).
func (d *DB) QueryRowCached(ctx context.Context, query string, args ...any) *sql.Row {
	q := Rebind(d.engine, query)
	if st := d.stmts.get(ctx, d.read, q); st != nil {
		return st.QueryRowContext(ctx, bindArgs(d.engine, args)...)
	}
	return d.read.QueryRowContext(ctx, q, bindArgs(d.engine, args)...)
}

// QueryRowFast runs a single-row read through d's statement cache when q is
// the database itself, and plainly when q is a transaction.
func QueryRowFast(ctx context.Context, q Querier, query string, args ...any) *sql.Row {
	if d, ok := q.(*DB); ok {
		return d.QueryRowCached(ctx, query, args...)
	}
	return q.QueryRow(ctx, query, args...)
}

// QueryCached is Query through the statement cache (see QueryRowCached).
func (d *DB) QueryCached(ctx context.Context, query string, args ...any) (*sql.Rows, error) {
	q := Rebind(d.engine, query)
	if st := d.stmts.get(ctx, d.read, q); st != nil {
		rows, err := st.QueryContext(ctx, bindArgs(d.engine, args)...)
		return rows, Translate(err)
	}
	rows, err := d.read.QueryContext(ctx, q, bindArgs(d.engine, args)...)
	return rows, Translate(err)
}

// QueryFast runs a read through d's statement cache when q is the database
// itself, and plainly when q is a transaction.
func QueryFast(ctx context.Context, q Querier, query string, args ...any) (*sql.Rows, error) {
	if d, ok := q.(*DB); ok {
		return d.QueryCached(ctx, query, args...)
	}
	return q.Query(ctx, query, args...)
}
