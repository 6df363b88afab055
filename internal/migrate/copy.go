package migrate

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"

	"github.com/curatore/curatore/internal/db"
)

// Options tune Copy.
type Options struct {
	// Force copies into a target that already holds rows, replacing them.
	Force bool
	// DryRun reports what would be copied and changes nothing.
	DryRun bool
	// BatchSize is the rows per INSERT (default 500).
	BatchSize int
	// Progress is told after every batch (may be nil).
	Progress func(table string, done, total int64)
}

// TableReport is what Copy did with one table.
type TableReport struct {
	Table      string
	SourceRows int64
	TargetRows int64 // before copying (dry run) or after (verified)
	Source     Sum
	Target     Sum
	Verified   bool
}

// Report is the outcome of Copy.
type Report struct {
	DryRun        bool
	Copied        bool // the copy was committed (verification follows)
	SchemaVersion int
	Tables        []TableReport
}

// ErrTargetNotEmpty is returned when the target holds rows and Force is off.
var ErrTargetNotEmpty = errors.New("the target database is not empty")

// Copy copies every table of src into dst: dst is migrated to the same
// schema version, then tables are copied in foreign-key order inside one
// transaction (a failure leaves dst without any copied row), and finally
// every table's row count and checksum are compared on both sides.
//
// River's queue tables are not copied: Copy refuses while src holds
// unfinished jobs, so the queue is drained first (finished jobs are River's
// history, not data). The target's River tables are created by the
// application when it starts there.
func Copy(ctx context.Context, src, dst *db.DB, o Options) (*Report, error) {
	if o.BatchSize <= 0 {
		o.BatchSize = 500
	}
	version, err := sourceVersion(ctx, src)
	if err != nil {
		return nil, err
	}
	if err := queueDrained(ctx, src); err != nil {
		return nil, err
	}
	tables, err := plan(ctx, src, dst, o.DryRun)
	if err != nil {
		return nil, err
	}
	rep := &Report{DryRun: o.DryRun, SchemaVersion: version}
	if err := count(ctx, src, dst, tables, o, rep); err != nil {
		return rep, err
	}
	if o.DryRun {
		return rep, nil
	}
	err = dst.InTx(ctx, func(q db.Querier) error {
		if o.Force {
			if err := clear(ctx, q, tables); err != nil {
				return err
			}
		}
		for i, t := range tables {
			if err := copyTable(ctx, src, q, t, rep.Tables[i].SourceRows, o); err != nil {
				return fmt.Errorf("copy %s: %w", t.Name, err)
			}
		}
		return nil
	})
	if err != nil {
		return rep, err
	}
	rep.Copied = true
	if err := resetSequences(ctx, dst, tables); err != nil {
		return rep, err
	}
	return rep, verify(ctx, src, dst, tables, rep)
}

// sourceVersion requires src to be a Curatore database at the latest
// schema version this binary knows.
func sourceVersion(ctx context.Context, src *db.DB) (int, error) {
	v, err := src.Version(ctx)
	if err != nil {
		return 0, fmt.Errorf("the source is not a Curatore database (no schema_migrations): %w", err)
	}
	if latest := db.LatestVersion(src.Engine()); v != latest {
		return 0, fmt.Errorf("the source is at schema version %d, this binary at %d: run `curatore migrate up` on the source first", v, latest)
	}
	return v, nil
}

// queueDrained refuses while River holds jobs that have not finished.
func queueDrained(ctx context.Context, src *db.DB) error {
	exists := `SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'river_job'`
	if src.Engine() == db.Postgres {
		exists = `SELECT COUNT(*) FROM information_schema.tables WHERE table_schema = current_schema() AND table_name = 'river_job'`
	}
	var n int
	if err := src.QueryRow(ctx, exists).Scan(&n); err != nil || n == 0 {
		return err
	}
	if err := src.QueryRow(ctx, `SELECT COUNT(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return fmt.Errorf("the source's job queue holds %d unfinished jobs: stop `curatore serve`, let `curatore worker` finish them (or cancel them), then copy", n)
	}
	return nil
}

// plan describes both sides and returns src's tables in copy order, each
// column's kind agreed between the engines (the more specific one wins:
// a SQLite TEXT column that is jsonb on PostgreSQL is compared as JSON).
func plan(ctx context.Context, src, dst *db.DB, dryRun bool) ([]*Table, error) {
	if !dryRun {
		if _, err := dst.Migrate(ctx); err != nil {
			return nil, fmt.Errorf("prepare the target schema: %w", err)
		}
	}
	st, err := Describe(ctx, src)
	if err != nil {
		return nil, err
	}
	dt, err := Describe(ctx, dst)
	if err != nil {
		return nil, err
	}
	ordered, err := Order(st)
	if err != nil {
		return nil, err
	}
	for _, t := range ordered {
		target := dt[t.Name]
		if target == nil {
			if dryRun {
				continue // the schema would be created
			}
			return nil, fmt.Errorf("table %s is missing in the target", t.Name)
		}
		var cols []Column
		for _, c := range t.Columns {
			j := slices.IndexFunc(target.Columns, func(x Column) bool { return x.Name == c.Name })
			if j < 0 {
				if generatedColumn(ctx, dst, t.Name, c.Name) {
					continue // computed by the target from the other columns
				}
				return nil, fmt.Errorf("column %s.%s is missing in the target", t.Name, c.Name)
			}
			if c.Kind == KindText || c.Kind == KindInt {
				c.Kind = target.Columns[j].Kind
			}
			c.Serial = target.Columns[j].Serial
			cols = append(cols, c)
		}
		t.Columns, t.Identity = cols, target.Identity
	}
	return ordered, nil
}

// count counts both sides and refuses a target holding rows unless Force
// is set.
func count(ctx context.Context, src, dst *db.DB, tables []*Table, o Options, rep *Report) error {
	dt, err := Describe(ctx, dst)
	if err != nil {
		return err
	}
	var full []string
	for _, t := range tables {
		tr := TableReport{Table: t.Name}
		if tr.SourceRows, err = Count(ctx, src, t.Name); err != nil {
			return err
		}
		if dt[t.Name] != nil {
			if tr.TargetRows, err = Count(ctx, dst, t.Name); err != nil {
				return err
			}
		}
		if tr.TargetRows > 0 {
			full = append(full, fmt.Sprintf("%s (%d rows)", t.Name, tr.TargetRows))
		}
		rep.Tables = append(rep.Tables, tr)
	}
	if len(full) > 0 && !o.Force {
		return fmt.Errorf("%w: %s; use --force to replace its rows", ErrTargetNotEmpty, strings.Join(full, ", "))
	}
	return nil
}

// clear deletes the target's rows, children first.
func clear(ctx context.Context, q db.Querier, tables []*Table) error {
	for i := len(tables) - 1; i >= 0; i-- {
		if _, err := q.Exec(ctx, `DELETE FROM `+quote(tables[i].Name)); err != nil {
			return fmt.Errorf("clear %s: %w", tables[i].Name, err)
		}
	}
	return nil
}

// generatedColumn reports whether the target computes column col of table
// itself (a generated column, which is never written).
func generatedColumn(ctx context.Context, d *db.DB, table, col string) bool {
	query := `SELECT COUNT(*) FROM pragma_table_xinfo(?) WHERE name = ? AND hidden IN (2, 3)`
	if d.Engine() == db.Postgres {
		query = `SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema()
			AND table_name = ? AND column_name = ? AND is_generated = 'ALWAYS'`
	}
	var n int
	return d.QueryRow(ctx, query, table, col).Scan(&n) == nil && n > 0
}
