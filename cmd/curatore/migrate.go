package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"time"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/job"
)

func init() {
	register("migrate", "apply or inspect database migrations (up | status)", runMigrate)
}

func runMigrate(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate", flag.ContinueOnError)
	fs.SetOutput(stderr)
	noBackup := fs.Bool("no-backup", false, "skip the SQLite backup copy before `up`")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore migrate [--no-backup] up | status

  up      apply every pending migration. On SQLite the database is first
          copied aside with VACUUM INTO (curatore.db.bak-<time>) so an
          operator can roll back by restoring that file.
  status  list every migration and whether it is applied.

Migrations only go forward; each is applied in one transaction with its
version row, so a failure leaves the previous version intact.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 1 || (fs.Arg(0) != "up" && fs.Arg(0) != "status") {
		fs.Usage()
		return 2
	}
	cfg, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	ctx := context.Background()
	defer d.Close()
	if fs.Arg(0) == "status" {
		return migrateStatus(ctx, d, stdout, stderr)
	}
	return migrateUp(ctx, d, cfg, !*noBackup, stdout, stderr)
}

func migrateStatus(ctx context.Context, d *db.DB, stdout, stderr io.Writer) int {
	st, err := d.Status(ctx)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	pending := 0
	for _, s := range st {
		state := "pending"
		if s.AppliedAt != nil {
			state = "applied " + s.AppliedAt.Format(time.RFC3339)
		} else {
			pending++
		}
		fmt.Fprintf(stdout, "%04d  %-40s %s\n", s.Version, s.Name, state)
	}
	fmt.Fprintf(stdout, "%d migrations, %d pending\n", len(st), pending)
	return 0
}

func migrateUp(ctx context.Context, d *db.DB, cfg *config.Config, backup bool, stdout, stderr io.Writer) int {
	pending, err := d.Pending(ctx)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if len(pending) == 0 {
		fmt.Fprintln(stdout, "database is up to date")
		return migrateQueue(ctx, d, stdout, stderr)
	}
	if backup && d.Engine() == db.SQLite {
		dest := cfg.Database.Path + ".bak-" + time.Now().UTC().Format("20060102T150405Z")
		if err := d.Backup(ctx, dest); err != nil {
			fmt.Fprintf(stderr, "backup before migrating failed (nothing was changed): %v\n", err)
			return 1
		}
		abs, _ := filepath.Abs(dest)
		fmt.Fprintf(stdout, "backup written to %s\n", abs)
	}
	applied, err := d.Migrate(ctx)
	for _, m := range applied {
		fmt.Fprintf(stdout, "applied %s\n", m.Name)
	}
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	return migrateQueue(ctx, d, stdout, stderr)
}

// migrateQueue applies the job queue's own (River's) migrations.
func migrateQueue(ctx context.Context, d *db.DB, stdout, stderr io.Writer) int {
	versions, err := job.Migrate(ctx, d)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	if len(versions) > 0 {
		fmt.Fprintf(stdout, "applied job queue migrations %v\n", versions)
	}
	return 0
}
