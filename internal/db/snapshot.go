package db

import (
	"context"
	"database/sql"
	"fmt"
)

// ReadSnapshot runs fn in a read-only transaction that sees one consistent
// state of the database. On PostgreSQL the transaction is REPEATABLE READ
// and its snapshot is exported: fn receives the snapshot id, which
// `pg_dump --snapshot` accepts so that a dump sees exactly what fn reads.
// On SQLite the id is empty.
func (d *DB) ReadSnapshot(ctx context.Context, fn func(q Querier, snapshot string) error) error {
	opts := &sql.TxOptions{ReadOnly: true}
	if d.engine == Postgres {
		opts.Isolation = sql.LevelRepeatableRead
	}
	tx, err := d.read.BeginTx(ctx, opts)
	if err != nil {
		return Translate(err)
	}
	defer tx.Rollback()
	var snapshot string
	if d.engine == Postgres {
		if err := tx.QueryRowContext(ctx, "SELECT pg_export_snapshot()").Scan(&snapshot); err != nil {
			return fmt.Errorf("export snapshot: %w", err)
		}
	}
	return fn(&txQuerier{tx: tx, engine: d.engine}, snapshot)
}
