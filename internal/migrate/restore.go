package migrate

import (
	"archive/tar"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
)

// RestoreOptions say where to restore to.
type RestoreOptions struct {
	Target    config.DatabaseURL
	FilesRoot string
	DryRun    bool
	PGRestore string // pg_restore executable (default "pg_restore" on PATH)
}

// TableCheck compares one table of the backup with the restored one.
type TableCheck struct {
	Name                     string
	BackupRows, RestoredRows int64
	OK                       bool
}

// RestoreReport is what Restore did (or would do) and what it found.
type RestoreReport struct {
	Manifest   *Manifest
	Method     string // how the database is restored
	Tables     []TableCheck
	Files      int
	FilesBytes int64
	DryRun     bool
}

// ErrNotEmpty is returned when the restore target already holds data.
var ErrNotEmpty = errors.New("the restore target is not empty")

// ReadManifest reads the manifest of the archive at name.
func ReadManifest(name string) (*Manifest, error) {
	var m *Manifest
	err := eachEntry(name, func(hdr *tar.Header, r io.Reader) error {
		if hdr.Name != manifestName {
			return nil
		}
		m = &Manifest{}
		return json.NewDecoder(io.LimitReader(r, 64<<20)).Decode(m)
	})
	if err != nil {
		return nil, err
	}
	if m == nil || m.Format != formatName {
		return nil, fmt.Errorf("%s is not a Curatore backup (no manifest)", name)
	}
	if m.FormatVersion != 1 {
		return nil, fmt.Errorf("%s has backup format %d; this binary reads format 1", name, m.FormatVersion)
	}
	return m, nil
}

// Restore puts the archive's database and files into an empty deployment
// and compares every table (rows and checksum) and file (SHA-256) with the
// manifest. A SQLite backup restores into SQLite (the file) or PostgreSQL
// (copied table by table, verified); a PostgreSQL backup into PostgreSQL
// with the server's pg_restore.
func Restore(ctx context.Context, archive string, o RestoreOptions) (*RestoreReport, error) {
	m, err := ReadManifest(archive)
	if err != nil {
		return nil, err
	}
	rep := &RestoreReport{Manifest: m, DryRun: o.DryRun}
	switch {
	case m.Engine == "sqlite" && o.Target.Engine == db.SQLite:
		rep.Method = "SQLite file"
	case m.Engine == "sqlite":
		rep.Method = "copy from the SQLite snapshot"
	case o.Target.Engine == db.Postgres:
		rep.Method = "pg_restore"
	default:
		return nil, fmt.Errorf("a PostgreSQL backup restores into PostgreSQL only (then `curatore migrate-db` moves it elsewhere)")
	}
	if err := targetEmpty(ctx, o, m); err != nil {
		return rep, err
	}
	for _, f := range m.Files {
		rep.Files++
		rep.FilesBytes += f.Size
	}
	if o.DryRun {
		for _, t := range m.Tables {
			rep.Tables = append(rep.Tables, TableCheck{Name: t.Name, BackupRows: t.Rows})
		}
		return rep, nil
	}
	work, err := os.MkdirTemp(workDir(o.Target), ".curatore-restore-")
	if err != nil {
		return rep, err
	}
	defer os.RemoveAll(work)
	dbFile := filepath.Join(work, filepath.Base(m.Database))
	if err := install(ctx, archive, m, dbFile, o, rep); err != nil {
		// FILES_ROOT was empty: leave it so rather than half restored.
		if entries, rerr := os.ReadDir(o.FilesRoot); rerr == nil {
			for _, e := range entries {
				os.RemoveAll(filepath.Join(o.FilesRoot, e.Name()))
			}
		}
		return rep, err
	}
	return rep, nil
}

// install extracts the archive, puts the database in place and checks it.
func install(ctx context.Context, archive string, m *Manifest, dbFile string, o RestoreOptions, rep *RestoreReport) error {
	if err := extract(archive, m, dbFile, o.FilesRoot); err != nil {
		return err
	}
	var err error
	if rep.Tables, err = installDatabase(ctx, m, dbFile, o); err != nil {
		return err
	}
	for _, t := range rep.Tables {
		if !t.OK {
			return fmt.Errorf("verification failed: table %s differs from the backup", t.Name)
		}
	}
	return nil
}

// workDir is where temporary files go: beside a SQLite target (so the
// database file can be renamed into place), else the system's temp dir.
func workDir(t config.DatabaseURL) string {
	if t.Engine == db.SQLite {
		dir := filepath.Dir(t.Path)
		if err := os.MkdirAll(dir, 0o750); err == nil {
			return dir
		}
	}
	return os.TempDir()
}

// targetEmpty refuses a target database with rows (or, for pg_restore,
// with tables) and a FILES_ROOT with files.
func targetEmpty(ctx context.Context, o RestoreOptions, m *Manifest) error {
	if entries, err := os.ReadDir(o.FilesRoot); err == nil && len(entries) > 0 {
		return fmt.Errorf("%w: FILES_ROOT %s holds files", ErrNotEmpty, o.FilesRoot)
	}
	if o.Target.Engine == db.SQLite {
		if _, err := os.Stat(o.Target.Path); os.IsNotExist(err) {
			return nil
		}
	}
	d, err := db.Open(ctx, o.Target, db.Options{PoolSize: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	tables, err := Describe(ctx, d)
	if err != nil {
		return err
	}
	if m.Engine == "postgres" && len(tables) > 0 {
		return fmt.Errorf("%w: pg_restore needs a schema without tables (create a new database)", ErrNotEmpty)
	}
	for name := range tables {
		n, err := Count(ctx, d, name)
		if err != nil {
			return err
		}
		if n > 0 {
			return fmt.Errorf("%w: table %s holds %d rows", ErrNotEmpty, name, n)
		}
	}
	return nil
}

// extract writes the database to dbFile and the stored files under
// filesRoot, checking every file against the manifest.
func extract(archive string, m *Manifest, dbFile, filesRoot string) error {
	want := map[string]FileEntry{}
	for _, f := range m.Files {
		want[filesPrefix+f.Path] = f
	}
	seen := 0
	err := eachEntry(archive, func(hdr *tar.Header, r io.Reader) error {
		switch {
		case hdr.Name == m.Database:
			_, err := writeFile(dbFile, r)
			return err
		case hdr.Name == manifestName:
			return nil
		}
		f, ok := want[hdr.Name]
		if !ok {
			return fmt.Errorf("archive entry %s is not in the manifest", hdr.Name)
		}
		rel, err := safeRel(f.Path)
		if err != nil {
			return err
		}
		sum, err := writeFile(filepath.Join(filesRoot, rel), r)
		if err != nil {
			return err
		}
		if sum != f.SHA256 {
			return fmt.Errorf("stored file %s differs from the backup's checksum", f.Path)
		}
		seen++
		return nil
	})
	if err == nil && seen != len(m.Files) {
		err = fmt.Errorf("the archive holds %d of the %d stored files its manifest lists", seen, len(m.Files))
	}
	return err
}

// writeFile writes r to name through a temporary file and returns the
// SHA-256 of what it wrote.
func writeFile(name string, r io.Reader) (string, error) {
	if err := os.MkdirAll(filepath.Dir(name), 0o750); err != nil {
		return "", err
	}
	tmp := name + ".partial"
	f, err := os.OpenFile(tmp, os.O_CREATE|os.O_TRUNC|os.O_WRONLY, 0o600)
	if err != nil {
		return "", err
	}
	h := sha256.New()
	_, err = io.Copy(io.MultiWriter(f, h), r)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp, name)
	}
	if err != nil {
		os.Remove(tmp)
		return "", err
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}
