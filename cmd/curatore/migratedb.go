package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"text/tabwriter"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/migrate"
)

func init() {
	register("migrate-db", "copy a whole deployment to another database (SQLite → PostgreSQL), verified", runMigrateDB)
}

func runMigrateDB(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("migrate-db", flag.ContinueOnError)
	fs.SetOutput(stderr)
	from := fs.String("from", "", "source database URL (default: DATABASE_URL)")
	to := fs.String("to", "", "target database URL (required), e.g. postgresql://user:pass@host:5432/curatore")
	force := fs.Bool("force", false, "replace the rows of a target that is not empty")
	dryRun := fs.Bool("dry-run", false, "show what would be copied; change nothing")
	batch := fs.Int("batch", 500, "rows per INSERT")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore migrate-db --to URL [--from URL] [--force] [--dry-run] [--batch N]

Copies every table of a Curatore deployment into another database — typically
from the embedded SQLite file to PostgreSQL. The target is migrated to the
same schema version, then every table is copied in foreign-key order, in
batches, inside one transaction (a failure leaves the target without any
copied row). At the end each table's row count and checksum are compared on
both sides and printed.

Tables are discovered from the source's schema. A target that already holds
rows is refused unless --force (which replaces them). Stop "curatore serve"
first: rows written during the copy would not be in it.

River's queue tables are not copied: the copy is refused while the queue
holds unfinished jobs (let "curatore worker" finish them, or cancel them).

Stored files are not in the database: with local storage, copy FILES_ROOT
to the new machine (or use "curatore backup" / "curatore restore").

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return helpCode(err)
	}
	if *to == "" || fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	cfg, code := loadConfig(stderr)
	if cfg == nil {
		return code
	}
	if *from == "" {
		*from = cfg.DatabaseURL
	}
	ctx := context.Background()
	src, err := openURL(ctx, *from, "--from")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	defer src.Close()
	dst, err := openURL(ctx, *to, "--to")
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 2
	}
	defer dst.Close()
	fmt.Fprintf(stderr, "copying %s → %s\n", src.URL.Redacted(), dst.URL.Redacted())
	rep, err := migrate.Copy(ctx, src, dst, migrate.Options{Force: *force, DryRun: *dryRun, BatchSize: *batch,
		Progress: func(table string, done, total int64) { fmt.Fprintf(stderr, "  %s: %d/%d rows\n", table, done, total) }})
	if rep != nil {
		printCopyReport(stdout, rep)
	}
	if err != nil {
		fmt.Fprintln(stderr, "migrate-db:", err)
		return 1
	}
	return 0
}

// helpCode is the exit status after a flag parse error: 0 for --help.
func helpCode(err error) int {
	if errors.Is(err, flag.ErrHelp) {
		return 0
	}
	return 2
}

// openURL opens a database named on the command line.
func openURL(ctx context.Context, raw, flagName string) (*db.DB, error) {
	u, err := config.ParseDatabaseURL(raw)
	if err != nil {
		return nil, fmt.Errorf("%s: %v", flagName, err)
	}
	return db.Open(ctx, u, db.Options{PoolSize: 4})
}

func printCopyReport(w io.Writer, rep *migrate.Report) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	if !rep.Copied {
		fmt.Fprintf(tw, "TABLE\tSOURCE ROWS\tTARGET ROWS NOW\tACTION\n")
		for _, t := range rep.Tables {
			action := "copy"
			if t.TargetRows > 0 {
				action = "replace (needs --force)"
			}
			fmt.Fprintf(tw, "%s\t%d\t%d\t%s\n", t.Table, t.SourceRows, t.TargetRows, action)
		}
		tw.Flush()
		fmt.Fprintf(w, "schema version %d, %d tables; nothing was changed\n", rep.SchemaVersion, len(rep.Tables))
		return
	}
	fmt.Fprintf(tw, "TABLE\tSOURCE ROWS\tTARGET ROWS\tCHECKSUM\tSTATUS\n")
	ok := 0
	for _, t := range rep.Tables {
		status, sum := "not verified", "-"
		if t.Source.Hash != "" {
			sum = t.Source.Hash[:16]
			status = "MISMATCH"
		}
		if t.Verified {
			status = "ok"
			ok++
		}
		fmt.Fprintf(tw, "%s\t%d\t%d\t%s\t%s\n", t.Table, t.SourceRows, t.TargetRows, sum, status)
	}
	tw.Flush()
	fmt.Fprintf(w, "%d of %d tables copied and verified (schema version %d)\n", ok, len(rep.Tables), rep.SchemaVersion)
}
