package db

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"
	"time"
)

//go:embed migrations
var migrationFS embed.FS

// Migration is one numbered, forward-only SQL file.
type Migration struct {
	Version int
	Name    string // file name, e.g. 0001_init.sql
	SQL     string
}

// MigrationStatus is one migration and whether it is applied.
type MigrationStatus struct {
	Migration
	AppliedAt *time.Time
}

// Migrations returns the embedded migrations for an engine, in order.
func Migrations(e Engine) ([]Migration, error) {
	dir := path.Join("migrations", string(e))
	entries, err := fs.ReadDir(migrationFS, dir)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, ent := range entries {
		name := ent.Name()
		if !strings.HasSuffix(name, ".sql") {
			continue
		}
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil {
			return nil, fmt.Errorf("migration %s: name must start with a number and '_'", name)
		}
		b, err := fs.ReadFile(migrationFS, path.Join(dir, name))
		if err != nil {
			return nil, err
		}
		out = append(out, Migration{Version: v, Name: name, SQL: string(b)})
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Version < out[j].Version })
	for i := 1; i < len(out); i++ {
		if out[i].Version == out[i-1].Version {
			return nil, fmt.Errorf("migrations %s and %s share version %d", out[i-1].Name, out[i].Name, out[i].Version)
		}
	}
	return out, nil
}

const versionTable = `CREATE TABLE IF NOT EXISTS schema_migrations (
	version INTEGER PRIMARY KEY,
	name TEXT NOT NULL,
	applied_at TIMESTAMP NOT NULL
)`

// MigrationError says which file and statement failed.
type MigrationError struct {
	File      string
	Statement int // 1-based
	SQL       string
	Err       error
}

func (e *MigrationError) Error() string {
	snippet := strings.Join(strings.Fields(e.SQL), " ")
	if len(snippet) > 120 {
		snippet = snippet[:120] + "…"
	}
	return fmt.Sprintf("migration %s, statement %d (%s): %v", e.File, e.Statement, snippet, e.Err)
}

func (e *MigrationError) Unwrap() error { return e.Err }

// Status lists every migration with the time it was applied (nil if pending).
func (d *DB) Status(ctx context.Context) ([]MigrationStatus, error) {
	all, err := Migrations(d.engine)
	if err != nil {
		return nil, err
	}
	if _, err := d.Exec(ctx, versionTable); err != nil {
		return nil, err
	}
	applied := map[int]time.Time{}
	rows, err := d.Query(ctx, "SELECT version, applied_at FROM schema_migrations")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var v int
		var at time.Time
		if err := rows.Scan(&v, &at); err != nil {
			return nil, err
		}
		applied[v] = at
	}
	if err := rows.Err(); err != nil {
		return nil, err
	}
	out := make([]MigrationStatus, len(all))
	for i, m := range all {
		out[i].Migration = m
		if at, ok := applied[m.Version]; ok {
			at := at.UTC()
			out[i].AppliedAt = &at
		}
	}
	return out, nil
}

// Version returns the highest applied migration version (0 when none).
func (d *DB) Version(ctx context.Context) (int, error) {
	var v int
	err := d.QueryRow(ctx, "SELECT COALESCE(MAX(version), 0) FROM schema_migrations").Scan(&v)
	return v, err
}

// Pending returns the migrations not applied yet.
func (d *DB) Pending(ctx context.Context) ([]Migration, error) {
	st, err := d.Status(ctx)
	if err != nil {
		return nil, err
	}
	var out []Migration
	for _, s := range st {
		if s.AppliedAt == nil {
			out = append(out, s.Migration)
		}
	}
	return out, nil
}

// Migrate applies every pending migration, each in its own transaction
// together with its row in schema_migrations, so a failure leaves the
// previous version intact. It returns the migrations applied.
func (d *DB) Migrate(ctx context.Context) ([]Migration, error) {
	pending, err := d.Pending(ctx)
	if err != nil {
		return nil, err
	}
	return d.apply(ctx, pending)
}

// apply runs migrations in order, stopping at the first failure.
func (d *DB) apply(ctx context.Context, pending []Migration) ([]Migration, error) {
	for i, m := range pending {
		err := d.InTx(ctx, func(q Querier) error {
			for n, stmt := range splitStatements(m.SQL) {
				if _, err := q.Exec(ctx, stmt); err != nil {
					return &MigrationError{File: m.Name, Statement: n + 1, SQL: stmt, Err: err}
				}
			}
			_, err := q.Exec(ctx, "INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
				m.Version, m.Name, Now())
			return err
		})
		if err != nil {
			return pending[:i], err
		}
	}
	return pending, nil
}

// splitStatements splits a migration file on semicolons that end a line.
// Migration files keep one statement per such semicolon (no procedural
// blocks), which keeps this simple and the error messages precise.
func splitStatements(sql string) []string {
	var out []string
	var cur strings.Builder
	for _, line := range strings.Split(sql, "\n") {
		trimmed := strings.TrimSpace(line)
		if strings.HasPrefix(trimmed, "--") && cur.Len() == 0 {
			continue
		}
		cur.WriteString(line)
		cur.WriteString("\n")
		if strings.HasSuffix(trimmed, ";") {
			if s := strings.TrimSpace(cur.String()); s != ";" {
				out = append(out, strings.TrimSuffix(s, ";"))
			}
			cur.Reset()
		}
	}
	if s := strings.TrimSpace(cur.String()); s != "" {
		out = append(out, s)
	}
	return out
}

// Backup copies a SQLite database to dest with VACUUM INTO, a consistent
// snapshot taken without stopping writers. It is a no-op error on PostgreSQL
// (use pg_dump there).
func (d *DB) Backup(ctx context.Context, dest string) error {
	if d.engine != SQLite {
		return fmt.Errorf("backup: VACUUM INTO is SQLite only; back up PostgreSQL with pg_dump")
	}
	_, err := d.write.ExecContext(ctx, "VACUUM INTO ?", dest)
	return err
}

// LatestVersion is the highest embedded migration version for an engine.
func LatestVersion(e Engine) int {
	all, err := Migrations(e)
	if err != nil || len(all) == 0 {
		return 0
	}
	return all[len(all)-1].Version
}
