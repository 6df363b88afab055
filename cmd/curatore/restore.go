package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/migrate"
	"github.com/curatore/curatore/internal/storage"
)

func runRestore(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("restore", flag.ContinueOnError)
	fs.SetOutput(stderr)
	dryRun := fs.Bool("dry-run", false, "check the archive and the target; change nothing")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore restore [--dry-run] FILE

Restores an archive written by "curatore backup" into this deployment
(DATABASE_URL and STORAGE_BACKEND), which must be empty: no rows in the
database (for a PostgreSQL backup: no tables in the schema) and no stored
files. Files go into whichever store is configured, so a backup of local
files restores into S3 and the other way round. Afterwards every table's row count and checksum and every
file's SHA-256 are compared with the archive's manifest and printed.

A SQLite backup restores into SQLite (the file) or PostgreSQL (copied table
by table and verified). A PostgreSQL backup restores into PostgreSQL with
the server's pg_restore, into a schema of the same name, in one
transaction. A failed restore removes the files it stored.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return helpCode(err)
	}
	if fs.NArg() != 1 {
		fs.Usage()
		return 2
	}
	cfg, code := loadConfig(stderr)
	if cfg == nil {
		return code
	}
	st, err := storage.Open(cfg.Storage)
	if err != nil {
		fmt.Fprintln(stderr, "restore:", err)
		return 1
	}
	rep, err := migrate.Restore(context.Background(), fs.Arg(0),
		migrate.RestoreOptions{Target: cfg.Database, Store: st, DryRun: *dryRun})
	if rep != nil {
		printRestore(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "restore:", err)
		return 1
	}
	return 0
}

func printRestore(w io.Writer, rep *migrate.RestoreReport) {
	m := rep.Manifest
	fmt.Fprintf(w, "backup of %s (schema version %d) taken %s; restore by %s\n", m.Engine, m.SchemaVersion,
		m.CreatedAt.Format("2006-01-02 15:04:05Z"), rep.Method)
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tIN BACKUP\tRESTORED\tSTATUS")
	for _, t := range rep.Tables {
		status := "ok"
		switch {
		case rep.DryRun:
			status = "would restore"
		case !t.OK:
			status = "MISMATCH"
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", t.Name, t.BackupRows, t.RestoredRows, status)
	}
	fmt.Fprintf(tw, "files\t%d\t%d bytes\t\n", rep.Files, rep.FilesBytes)
	tw.Flush()
	if rep.DryRun {
		fmt.Fprintln(w, "dry run: nothing was changed")
	}
}

// dbCounter lists row counts of a database's tables.
type dbCounter struct{ *db.DB }

func (d dbCounter) tableCounts(ctx context.Context) ([]migrate.TableSum, error) {
	tables, err := migrate.Describe(ctx, d.DB)
	if err != nil {
		return nil, err
	}
	ordered, err := migrate.Order(tables)
	if err != nil {
		return nil, err
	}
	out := make([]migrate.TableSum, 0, len(ordered))
	for _, t := range ordered {
		n, err := migrate.Count(ctx, d.DB, t.Name)
		if err != nil {
			return nil, err
		}
		out = append(out, migrate.TableSum{Name: t.Name, Rows: n})
	}
	return out, nil
}
