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
	"github.com/curatore/curatore/internal/storage"
)

// RestoreOptions say where to restore to.
type RestoreOptions struct {
	Target    config.DatabaseURL
	Store     storage.Store // the blob store the files go into
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
// (database and blob store)
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
	written := []string{}
	if err := install(ctx, archive, m, dbFile, o, rep, &written); err != nil {
		// The store was empty: leave it so rather than half restored.
		for _, key := range written {
			o.Store.Delete(context.WithoutCancel(ctx), key)
		}
		return rep, err
	}
	return rep, nil
}

// install extracts the archive, puts the database in place and checks it.
func install(ctx context.Context, archive string, m *Manifest, dbFile string, o RestoreOptions, rep *RestoreReport, written *[]string) error {
	if err := extract(ctx, archive, m, dbFile, o.Store, written); err != nil {
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
// with tables) and a blob store holding objects.
func targetEmpty(ctx context.Context, o RestoreOptions, m *Manifest) error {
	errFull := errors.New("full")
	err := o.Store.List(ctx, "", func(storage.Info) error { return errFull })
	if errors.Is(err, errFull) {
		return fmt.Errorf("%w: the file store holds files", ErrNotEmpty)
	}
	if err != nil {
		return err
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

// extract writes the database to dbFile and the stored files into the
// store, checking every file against the manifest; written collects the
// keys stored.
func extract(ctx context.Context, archive string, m *Manifest, dbFile string, st storage.Store, written *[]string) error {
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
		if err := storage.ValidateKey(f.Path); err != nil {
			return err
		}
		h := sha256.New()
		*written = append(*written, f.Path)
		if _, err := st.Put(ctx, f.Path, io.TeeReader(r, h), f.Size); err != nil {
			return fmt.Errorf("store %s: %w", f.Path, err)
		}
		if hex.EncodeToString(h.Sum(nil)) != f.SHA256 {
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
