package db

import "context"

// ApplyForTest runs the given migrations through the same code as Migrate.
func (d *DB) ApplyForTest(ctx context.Context, ms []Migration) ([]Migration, error) {
	return d.apply(ctx, ms)
}
