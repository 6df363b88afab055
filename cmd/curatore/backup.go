package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"path/filepath"
	"text/tabwriter"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/migrate"
	"github.com/curatore/curatore/internal/storage"
)

func init() {
	register("backup", "write the database and stored files into one archive", runBackup)
	register("restore", "restore a backup archive into an empty deployment and compare", runRestore)
}

func runBackup(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("backup", flag.ContinueOnError)
	fs.SetOutput(stderr)
	out := fs.String("out", "", "archive to write (default curatore-backup-<time>.tar.gz)")
	dryRun := fs.Bool("dry-run", false, "list what would be archived; write nothing")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore backup [--out FILE] [--dry-run]

Writes one .tar.gz archive holding a consistent copy of the database
(DATABASE_URL) and every stored file (STORAGE_BACKEND: the files under
FILES_ROOT, or the objects in S3), with a manifest listing each
table's row count and checksum and each file's SHA-256.

SQLite is copied with VACUUM INTO while Curatore keeps running. PostgreSQL
is dumped with the server's pg_dump (PostgreSQL client tools on PATH), from
the same snapshot the checksums are read in. Files stored during the backup
may or may not be included. The archive appears only when complete.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return helpCode(err)
	}
	if fs.NArg() != 0 {
		fs.Usage()
		return 2
	}
	cfg, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	defer d.Close()
	if *out == "" {
		*out = "curatore-backup-" + time.Now().UTC().Format("20060102T150405Z") + ".tar.gz"
	}
	ctx := context.Background()
	st, err := storage.Open(cfg.Storage)
	if err != nil {
		fmt.Fprintln(stderr, "backup:", err)
		return 1
	}
	if *dryRun {
		return backupPlan(ctx, st, *out, dbCounter{d}, stdout, stderr)
	}
	m, err := migrate.Backup(ctx, d, migrate.BackupOptions{Store: st, Out: *out, Version: app.Version})
	if err != nil {
		fmt.Fprintln(stderr, "backup:", err)
		return 1
	}
	printManifest(stdout, m)
	abs, _ := filepath.Abs(*out)
	fmt.Fprintf(stdout, "backup written to %s\n", abs)
	return 0
}

// backupPlan prints what a backup would hold.
func backupPlan(ctx context.Context, st storage.Store, out string, d dbCounter, stdout, stderr io.Writer) int {
	rows, err := d.tableCounts(ctx)
	if err != nil {
		fmt.Fprintln(stderr, "backup:", err)
		return 1
	}
	tw := tabwriter.NewWriter(stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS")
	for _, r := range rows {
		fmt.Fprintf(tw, "%s\t%d\n", r.Name, r.Rows)
	}
	tw.Flush()
	n, size := 0, int64(0)
	if err := st.List(ctx, "", func(i storage.Info) error { n, size = n+1, size+i.Size; return nil }); err != nil {
		fmt.Fprintln(stderr, "backup:", err)
		return 1
	}
	fmt.Fprintf(stdout, "dry run: would write %s with %d tables and %d stored files (%d bytes)\n", out, len(rows), n, size)
	return 0
}

func printManifest(w io.Writer, m *migrate.Manifest) {
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "TABLE\tROWS\tCHECKSUM")
	for _, t := range m.Tables {
		fmt.Fprintf(tw, "%s\t%d\t%s\n", t.Name, t.Rows, t.Checksum[:16])
	}
	var size int64
	for _, f := range m.Files {
		size += f.Size
	}
	fmt.Fprintf(tw, "files\t%d\t%d bytes\n", len(m.Files), size)
	tw.Flush()
	fmt.Fprintf(w, "%s database at schema version %d\n", m.Engine, m.SchemaVersion)
}
