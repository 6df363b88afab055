package migrate

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/storage"
)

// BackupOptions say what to back up and where to.
type BackupOptions struct {
	Store   storage.Store // the blob store; every object goes into the archive
	Out     string        // archive path; written as Out.partial, then renamed
	Version string        // Curatore's version, for the manifest
	PGDump  string        // pg_dump executable (default "pg_dump" on PATH)
}

// Backup writes one archive holding a consistent copy of the database and
// every object of the blob store (local files or S3), with a manifest listing each table's row count and
// checksum and each file's SHA-256. SQLite is copied with VACUUM INTO
// while the application keeps running; PostgreSQL with the server's
// pg_dump, from the same exported snapshot the checksums are taken in.
// Nothing is left at Out unless the whole archive was written.
func Backup(ctx context.Context, d *db.DB, o BackupOptions) (*Manifest, error) {
	tmp, err := os.MkdirTemp(filepath.Dir(o.Out), ".curatore-backup-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(tmp)
	m := &Manifest{Format: formatName, FormatVersion: 1, CreatedAt: time.Now().UTC(), CuratoreVersion: o.Version,
		Engine: string(d.Engine())}
	if m.SchemaVersion, err = d.Version(ctx); err != nil {
		return nil, err
	}
	var dbFile string
	if d.Engine() == db.SQLite {
		dbFile, err = snapshotSQLite(ctx, d, tmp, m)
	} else {
		dbFile, err = dumpPostgres(ctx, d, tmp, o.PGDump, m)
	}
	if err != nil {
		return nil, err
	}
	partial := o.Out + ".partial"
	if err := writeArchive(ctx, partial, dbFile, o.Store, m); err != nil {
		os.Remove(partial)
		return nil, err
	}
	return m, os.Rename(partial, o.Out)
}

func writeArchive(ctx context.Context, name, dbFile string, st storage.Store, m *Manifest) error {
	f, err := os.OpenFile(name, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return err
	}
	defer f.Close()
	a := newArchiveWriter(f)
	if _, err := a.addFile(m.Database, dbFile); err != nil {
		return err
	}
	if m.Files, err = a.addStore(ctx, st); err != nil {
		return err
	}
	b, err := json.MarshalIndent(m, "", "  ")
	if err != nil {
		return err
	}
	if err := a.addBytes(manifestName, b); err != nil {
		return err
	}
	if err := a.close(); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	return f.Close()
}

// snapshotSQLite copies the database with VACUUM INTO and sums the copy's
// tables (so the sums describe exactly the archived file).
func snapshotSQLite(ctx context.Context, d *db.DB, dir string, m *Manifest) (string, error) {
	dest := filepath.Join(dir, "curatore.db")
	if err := d.Backup(ctx, dest); err != nil {
		return "", fmt.Errorf("snapshot the database: %w", err)
	}
	snap, err := db.Open(ctx, config.DatabaseURL{Engine: db.SQLite, Path: dest}, db.Options{})
	if err != nil {
		return "", err
	}
	defer snap.Close()
	if m.Tables, err = sumTables(ctx, snap); err != nil {
		return "", err
	}
	m.Database = "database/curatore.db"
	return dest, snap.Close()
}

// dumpPostgres runs pg_dump on the current schema inside the snapshot the
// table sums are read in.
func dumpPostgres(ctx context.Context, d *db.DB, dir, pgDump string, m *Manifest) (string, error) {
	bin, err := findTool(pgDump, "pg_dump")
	if err != nil {
		return "", err
	}
	dest := filepath.Join(dir, "postgres.dump")
	err = d.ReadSnapshot(ctx, func(q db.Querier, snapshot string) error {
		if err := q.QueryRow(ctx, `SELECT current_schema()`).Scan(&m.Schema); err != nil {
			return err
		}
		var err error
		if m.Tables, err = sumTables(ctx, q); err != nil {
			return err
		}
		cmd, err := pgCommand(ctx, bin, d.URL.DSN, "--format=custom", "--no-owner", "--no-privileges",
			"--schema="+m.Schema, "--snapshot="+snapshot, "--file="+dest)
		if err != nil {
			return err
		}
		if out, err := cmd.CombinedOutput(); err != nil {
			return fmt.Errorf("pg_dump: %v: %s", err, out)
		}
		return nil
	})
	m.Database = "database/postgres.dump"
	return dest, err
}

// sumTables counts and checksums every table of ours.
func sumTables(ctx context.Context, q db.Querier) ([]TableSum, error) {
	tables, err := Describe(ctx, q)
	if err != nil {
		return nil, err
	}
	ordered, err := Order(tables)
	if err != nil {
		return nil, err
	}
	out := make([]TableSum, 0, len(ordered))
	for _, t := range ordered {
		s, err := Checksum(ctx, q, t.Name, t.Columns)
		if err != nil {
			return nil, err
		}
		out = append(out, TableSum{Name: t.Name, Rows: s.Rows, Checksum: s.Hash})
	}
	return out, nil
}
