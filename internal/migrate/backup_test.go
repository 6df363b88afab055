package migrate_test

import (
	"archive/tar"
	"bytes"
	"compress/gzip"
	"context"
	"crypto/rand"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/migrate"
	"github.com/curatore/curatore/internal/storage"
	"github.com/curatore/curatore/internal/testenv"
)

// storedFiles writes a few files (one of 2 MB of random bytes) under a new
// FILES_ROOT.
func storedFiles(t *testing.T) string {
	t.Helper()
	root := filepath.Join(t.TempDir(), "files")
	big := make([]byte, 2<<20)
	rand.Read(big)
	files := map[string][]byte{
		"orgs/a/doc1/original.pdf": []byte("%PDF-1.4 tiny"), "orgs/a/doc1/extracted.md": []byte("# Title\n\ntext"),
		"orgs/b/doc2/original.bin": big,
	}
	for name, b := range files {
		p := filepath.Join(root, filepath.FromSlash(name))
		if err := os.MkdirAll(filepath.Dir(p), 0o750); err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(p, b, 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return root
}

func localStore(t *testing.T, dir string) storage.Store {
	t.Helper()
	st, err := storage.NewLocal(dir)
	if err != nil {
		t.Fatal(err)
	}
	return st
}

// sameTree fails unless both directories hold the same files with the same bytes.
func sameTree(t *testing.T, a, b string) {
	t.Helper()
	read := func(root string) map[string][]byte {
		out := map[string][]byte{}
		filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err == nil && d.Type().IsRegular() {
				rel, _ := filepath.Rel(root, p)
				out[rel], _ = os.ReadFile(p)
			}
			return err
		})
		return out
	}
	x, y := read(a), read(b)
	if len(x) != len(y) || len(x) == 0 {
		t.Fatalf("files: %d backed up, %d restored", len(x), len(y))
	}
	for k, v := range x {
		if !bytes.Equal(v, y[k]) {
			t.Fatalf("restored file %s differs", k)
		}
	}
}

func checkRestore(t *testing.T, rep *migrate.RestoreReport, err error) {
	t.Helper()
	if err != nil {
		t.Fatalf("restore: %v", err)
	}
	if len(rep.Tables) < 7 || rep.Files != 3 {
		t.Fatalf("restore report: %+v", rep)
	}
	for _, c := range rep.Tables {
		if !c.OK || c.BackupRows != c.RestoredRows {
			t.Errorf("table %s: %+v", c.Name, c)
		}
	}
}

func TestBackupRestoreSQLite(t *testing.T) {
	ctx := context.Background()
	src := testenv.New(t, db.SQLite, nil)
	s := seed(t, src)
	files := storedFiles(t)
	out := filepath.Join(t.TempDir(), "backup.tar.gz")
	m, err := migrate.Backup(ctx, src.DB, migrate.BackupOptions{Store: localStore(t, files), Out: out, Version: "test"})
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if m.Engine != "sqlite" || len(m.Files) != 3 || len(m.Tables) < 7 {
		t.Fatalf("manifest: %+v", m)
	}
	for _, target := range dbtest.Engines() {
		t.Run("into "+string(target), func(t *testing.T) {
			u := dbtest.URL(t, target)
			restored := filepath.Join(t.TempDir(), "files")
			o := migrate.RestoreOptions{Target: u, Store: localStore(t, restored)}
			dry := o
			dry.DryRun = true
			if rep, err := migrate.Restore(ctx, out, dry); err != nil || !rep.DryRun || rep.Files != 3 {
				t.Fatalf("dry run: %v %+v", err, rep)
			}
			if entries, _ := os.ReadDir(restored); len(entries) != 0 {
				t.Fatal("dry run wrote files")
			}
			rep, err := migrate.Restore(ctx, out, o)
			checkRestore(t, rep, err)
			sameTree(t, files, restored)
			if _, err := migrate.Restore(ctx, out, o); !errors.Is(err, migrate.ErrNotEmpty) {
				t.Fatalf("restore into a filled deployment: %v", err)
			}
			serveCopy(t, u, s)
		})
	}
}

func TestBackupRestorePostgres(t *testing.T) {
	if os.Getenv(dbtest.PostgresEnv) == "" {
		t.Skip(dbtest.PostgresEnv + " not set")
	}
	ctx := context.Background()
	src := testenv.New(t, db.Postgres, nil)
	s := seed(t, src)
	files := storedFiles(t)
	out := filepath.Join(t.TempDir(), "backup.tar.gz")
	m, err := migrate.Backup(ctx, src.DB, migrate.BackupOptions{Store: localStore(t, files), Out: out})
	if err != nil {
		t.Fatalf("backup: %v", err)
	}
	if m.Engine != "postgres" || m.Schema == "" {
		t.Fatalf("manifest: %+v", m)
	}
	u := freshDatabase(t, m.Schema)
	restored := filepath.Join(t.TempDir(), "files")
	rep, err := migrate.Restore(ctx, out, migrate.RestoreOptions{Target: u, Store: localStore(t, restored)})
	checkRestore(t, rep, err)
	sameTree(t, files, restored)
	serveCopy(t, u, s)
}

// freshDatabase creates a new PostgreSQL database (dropped at cleanup) and
// returns its URL with search_path set to schema, as the dump names it.
func freshDatabase(t *testing.T, schema string) config.DatabaseURL {
	t.Helper()
	base, err := config.ParseDatabaseURL(os.Getenv(dbtest.PostgresEnv))
	if err != nil {
		t.Fatal(err)
	}
	admin, err := sql.Open("pgx", base.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	name := fmt.Sprintf("restore_%d", os.Getpid()) + schema
	if _, err := admin.Exec(`CREATE DATABASE ` + name); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", base.DSN)
		if err == nil {
			a.Exec(`DROP DATABASE IF EXISTS ` + name + ` WITH (FORCE)`)
			a.Close()
		}
	})
	pu, _ := url.Parse(base.DSN)
	pu.Path = "/" + name
	q := pu.Query()
	q.Set("search_path", schema)
	pu.RawQuery = q.Encode()
	return config.DatabaseURL{Engine: db.Postgres, DSN: pu.String()}
}

// TestRestoreRefusesATamperedArchive: a stored file whose bytes no longer
// match the manifest stops the restore.
func TestRestoreRefusesATamperedArchive(t *testing.T) {
	ctx := context.Background()
	src := testenv.New(t, db.SQLite, nil)
	out := filepath.Join(t.TempDir(), "backup.tar.gz")
	if _, err := migrate.Backup(ctx, src.DB, migrate.BackupOptions{Store: localStore(t, storedFiles(t)), Out: out}); err != nil {
		t.Fatal(err)
	}
	tampered := filepath.Join(t.TempDir(), "tampered.tar.gz")
	rewrite(t, out, tampered, "files/orgs/a/doc1/extracted.md", []byte("# Title\n\nTEXT"))
	restored := filepath.Join(t.TempDir(), "f")
	_, err := migrate.Restore(ctx, tampered, migrate.RestoreOptions{Target: dbtest.URL(t, db.SQLite), Store: localStore(t, restored)})
	if err == nil || !strings.Contains(err.Error(), "differs from the backup's checksum") {
		t.Fatalf("tampered archive: %v", err)
	}
	if entries, _ := os.ReadDir(restored); len(entries) != 0 {
		t.Fatalf("a failed restore left %d entries in FILES_ROOT", len(entries))
	}
}

// rewrite copies the archive src to dst with entry name's bytes replaced.
func rewrite(t *testing.T, src, dst, name string, body []byte) {
	t.Helper()
	in, err := os.Open(src)
	if err != nil {
		t.Fatal(err)
	}
	defer in.Close()
	gr, err := gzip.NewReader(in)
	if err != nil {
		t.Fatal(err)
	}
	out, err := os.Create(dst)
	if err != nil {
		t.Fatal(err)
	}
	defer out.Close()
	gw := gzip.NewWriter(out)
	tr, tw := tar.NewReader(gr), tar.NewWriter(gw)
	for {
		hdr, err := tr.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(tr)
		if hdr.Name == name {
			b = body
		}
		hdr.Size = int64(len(b))
		tw.WriteHeader(hdr)
		tw.Write(b)
	}
	tw.Close()
	gw.Close()
}

// s3Store is a store on the S3 test server (CURATORE_TEST_S3_*, started by
// .ci/run) under a fresh prefix, emptied at cleanup.
func s3Store(t *testing.T) storage.Store {
	t.Helper()
	c := storage.S3Config{Endpoint: os.Getenv("CURATORE_TEST_S3_ENDPOINT"), Bucket: os.Getenv("CURATORE_TEST_S3_BUCKET"),
		Region: "us-east-1", AccessKeyID: os.Getenv("CURATORE_TEST_S3_ACCESS_KEY_ID"),
		SecretAccessKey: os.Getenv("CURATORE_TEST_S3_SECRET_ACCESS_KEY"), UsePathStyle: true, PartSize: 5 << 20,
		Prefix: fmt.Sprintf("restore-%d/", time.Now().UnixNano())}
	if c.Endpoint == "" || c.Bucket == "" {
		if os.Getenv("CI") == "true" {
			t.Fatal("CURATORE_TEST_S3_ENDPOINT and CURATORE_TEST_S3_BUCKET are not set")
		}
		t.Skip("no S3 test server")
	}
	s, err := storage.NewS3(c)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx := context.Background()
		s.List(ctx, "", func(i storage.Info) error { return s.Delete(ctx, i.Key) })
	})
	return s
}

// TestBackupLocalRestoreS3: the archive does not depend on the store it
// came from; files backed up from local storage restore into S3 and back.
func TestBackupLocalRestoreS3(t *testing.T) {
	ctx := context.Background()
	st := s3Store(t)
	src := testenv.New(t, db.SQLite, nil)
	files := storedFiles(t)
	out := filepath.Join(t.TempDir(), "backup.tar.gz")
	if _, err := migrate.Backup(ctx, src.DB, migrate.BackupOptions{Store: localStore(t, files), Out: out}); err != nil {
		t.Fatal(err)
	}
	rep, err := migrate.Restore(ctx, out, migrate.RestoreOptions{Target: dbtest.URL(t, db.SQLite), Store: st})
	if err != nil || rep.Files != 3 {
		t.Fatalf("restore into S3: %v %+v", err, rep)
	}
	// And from S3 into local files, through a second backup.
	again := filepath.Join(t.TempDir(), "again.tar.gz")
	if _, err := migrate.Backup(ctx, src.DB, migrate.BackupOptions{Store: st, Out: again}); err != nil {
		t.Fatal(err)
	}
	local := filepath.Join(t.TempDir(), "files")
	if _, err := migrate.Restore(ctx, again, migrate.RestoreOptions{Target: dbtest.URL(t, db.SQLite), Store: localStore(t, local)}); err != nil {
		t.Fatal(err)
	}
	sameTree(t, files, local)
}
