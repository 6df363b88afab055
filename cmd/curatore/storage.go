package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"

	"github.com/curatore/curatore/internal/storage"
)

func init() {
	register("storage", "copy stored files between local files and S3 (copy --to s3 | local)", runStorage)
}

func runStorage(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("storage", flag.ContinueOnError)
	fs.SetOutput(stderr)
	to := fs.String("to", "", "destination backend: s3 or local")
	prefix := fs.String("prefix", "", "copy only keys under this prefix, e.g. orgs/<id>/")
	dryRun := fs.Bool("dry-run", false, "list what would be copied, write nothing")
	workers := fs.Int("workers", 4, "objects copied at once")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore storage copy --to s3|local [--prefix P] [--dry-run] [--workers N]

Copies every stored file from local files (FILES_ROOT) to the S3 bucket
(S3_ENDPOINT, S3_BUCKET, S3_REGION, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY,
S3_USE_PATH_STYLE, S3_KEY_PREFIX), or back with --to local. Objects are
streamed, never held in memory. It is resumable: an object already at the
destination with the same size is skipped, so an interrupted copy is finished
by running it again. Set STORAGE_BACKEND to the destination afterwards.

Flags:
`)
		fs.PrintDefaults()
	}
	if len(args) == 0 || args[0] != "copy" {
		fs.Usage()
		return 2
	}
	if err := fs.Parse(args[1:]); err != nil {
		return 2
	}
	if fs.NArg() != 0 || (*to != storage.BackendS3 && *to != storage.BackendLocal) || *workers < 1 {
		fs.Usage()
		return 2
	}
	cfg, code := loadConfig(stderr)
	if cfg == nil {
		return code
	}
	local, s3, err := openBoth(cfg.Storage)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	src, dst := storage.Store(local), storage.Store(s3)
	if *to == storage.BackendLocal {
		src, dst = s3, local
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	return storageCopy(ctx, src, dst, storage.CopyOptions{Prefix: *prefix, DryRun: *dryRun, Workers: *workers}, stdout, stderr)
}

// openBoth opens the local folder and the S3 bucket, checking the bucket
// answers before anything is listed.
func openBoth(c storage.Config) (*storage.Local, *storage.S3, error) {
	s3, err := storage.NewS3(c.S3)
	if err != nil {
		return nil, nil, err
	}
	if err := s3.Check(context.Background()); err != nil {
		return nil, nil, fmt.Errorf("storage: s3: %w", err)
	}
	local, err := storage.NewLocal(c.FilesRoot)
	if err != nil {
		return nil, nil, err
	}
	return local, s3, nil
}

// storageCopy runs the copy, printing one table row per object as it is
// done, then the totals.
func storageCopy(ctx context.Context, src, dst storage.Store, opts storage.CopyOptions, stdout, stderr io.Writer) int {
	fmt.Fprintf(stdout, "from %s\nto   %s\n\n", describe(src), describe(dst))
	fmt.Fprintf(stdout, "%-6s %14s  %s\n", "ACTION", "BYTES", "KEY")
	opts.OnObject = func(r storage.CopyResult) {
		action := r.Action
		if opts.DryRun && action == storage.ActionCopy {
			action = "would"
		}
		fmt.Fprintf(stdout, "%-6s %14d  %s\n", action, r.Size, r.Key)
		if r.Err != nil {
			fmt.Fprintf(stderr, "%s: %v\n", r.Key, r.Err)
		}
	}
	rep, err := storage.Copy(ctx, src, dst, opts)
	verb := "copied"
	if opts.DryRun {
		verb = "to copy"
	}
	fmt.Fprintf(stdout, "\n%-8s %8s %16s\n", "", "OBJECTS", "BYTES")
	fmt.Fprintf(stdout, "%-8s %8d %16d\n", verb, rep.Copied, rep.CopiedBytes)
	fmt.Fprintf(stdout, "%-8s %8d\n%-8s %8d\n", "skipped", rep.Skipped, "failed", rep.Failed)
	switch {
	case err != nil:
		fmt.Fprintln(stderr, err)
		if errors.Is(err, context.Canceled) {
			fmt.Fprintln(stderr, "interrupted: run the same command again to resume")
		}
		return 1
	case rep.Failed > 0:
		fmt.Fprintf(stderr, "%d objects failed: run the same command again to retry them\n", rep.Failed)
		return 1
	}
	return 0
}

// describe names a store for the header lines.
func describe(s storage.Store) string {
	if c, ok := s.(storage.Checker); ok {
		d := c.Describe()
		if d["backend"] == storage.BackendS3 {
			return fmt.Sprintf("s3 %v bucket %v%s", d["endpoint"], d["bucket"], prefixNote(d["key_prefix"]))
		}
		return fmt.Sprintf("local files %v", d["files_root"])
	}
	return fmt.Sprintf("%T", s)
}

func prefixNote(p any) string {
	if p == nil {
		return ""
	}
	return fmt.Sprintf(" prefix %v", p)
}
