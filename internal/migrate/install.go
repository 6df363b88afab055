package migrate

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
)

// installDatabase puts the extracted database in place and compares it
// with the manifest.
func installDatabase(ctx context.Context, m *Manifest, dbFile string, o RestoreOptions) ([]TableCheck, error) {
	if m.Engine == "postgres" {
		if err := pgRestore(ctx, m, dbFile, o); err != nil {
			return nil, err
		}
		return sumsOf(ctx, o.Target, m)
	}
	snapURL := config.DatabaseURL{Engine: db.SQLite, Path: dbFile}
	snapChecks, err := sumsOf(ctx, snapURL, m)
	if err != nil {
		return nil, err
	}
	for _, c := range snapChecks {
		if !c.OK {
			return snapChecks, fmt.Errorf("the archived database differs from its manifest (table %s)", c.Name)
		}
	}
	if o.Target.Engine == db.SQLite {
		for _, suffix := range []string{"", "-wal", "-shm"} {
			if err := os.Remove(o.Target.Path + suffix); err != nil && !os.IsNotExist(err) {
				return nil, err
			}
		}
		if err := os.Rename(dbFile, o.Target.Path); err != nil {
			return nil, err
		}
		return sumsOf(ctx, o.Target, m)
	}
	return copyInto(ctx, snapURL, o.Target, m)
}

// copyInto copies the SQLite snapshot into the target (which Copy
// verifies table by table) and reports the target's row counts.
func copyInto(ctx context.Context, snapURL, target config.DatabaseURL, m *Manifest) ([]TableCheck, error) {
	snap, err := db.Open(ctx, snapURL, db.Options{})
	if err != nil {
		return nil, err
	}
	defer snap.Close()
	dst, err := db.Open(ctx, target, db.Options{PoolSize: 4})
	if err != nil {
		return nil, err
	}
	defer dst.Close()
	rep, err := Copy(ctx, snap, dst, Options{})
	if err != nil {
		return nil, err
	}
	copied := map[string]TableReport{}
	for _, t := range rep.Tables {
		copied[t.Table] = t
	}
	out := make([]TableCheck, 0, len(m.Tables))
	for _, t := range m.Tables {
		c := copied[t.Name]
		out = append(out, TableCheck{Name: t.Name, BackupRows: t.Rows, RestoredRows: c.TargetRows,
			OK: c.Verified && c.TargetRows == t.Rows})
	}
	return out, nil
}

// sumsOf sums the tables of the database at u and compares them with the
// manifest's.
func sumsOf(ctx context.Context, u config.DatabaseURL, m *Manifest) ([]TableCheck, error) {
	d, err := db.Open(ctx, u, db.Options{PoolSize: 2})
	if err != nil {
		return nil, err
	}
	defer d.Close()
	got, err := sumTables(ctx, d)
	if err != nil {
		return nil, err
	}
	byName := map[string]TableSum{}
	for _, t := range got {
		byName[t.Name] = t
	}
	out := make([]TableCheck, 0, len(m.Tables))
	for _, t := range m.Tables {
		g, ok := byName[t.Name]
		out = append(out, TableCheck{Name: t.Name, BackupRows: t.Rows, RestoredRows: g.Rows,
			OK: ok && g.Rows == t.Rows && g.Checksum == t.Checksum})
		delete(byName, t.Name)
	}
	for name, g := range byName {
		out = append(out, TableCheck{Name: name, RestoredRows: g.Rows}) // not in the backup
	}
	return out, nil
}

// pgRestore restores a custom-format dump into the target's schema, which
// must have the dumped schema's name. The dump's CREATE SCHEMA entry is
// left out, so an existing empty schema (public) is used as it is.
func pgRestore(ctx context.Context, m *Manifest, dump string, o RestoreOptions) error {
	bin, err := findTool(o.PGRestore, "pg_restore")
	if err != nil {
		return err
	}
	d, err := db.Open(ctx, o.Target, db.Options{PoolSize: 2})
	if err != nil {
		return err
	}
	defer d.Close()
	var path string
	if err := d.QueryRow(ctx, `SELECT current_setting('search_path')`).Scan(&path); err != nil {
		return err
	}
	if schema := firstSchema(path); schema != m.Schema {
		return fmt.Errorf("the backup holds schema %q but the target uses %q: restore into a database whose search_path is %s", m.Schema, schema, m.Schema)
	}
	if _, err := d.Exec(ctx, `CREATE SCHEMA IF NOT EXISTS `+quote(m.Schema)); err != nil {
		return err
	}
	list, err := exec1(ctx, bin, "--list", dump)
	if err != nil {
		return err
	}
	var keep bytes.Buffer
	sc := bufio.NewScanner(bytes.NewReader(list))
	for sc.Scan() {
		if !strings.Contains(sc.Text(), " SCHEMA - ") {
			keep.WriteString(sc.Text() + "\n")
		}
	}
	listFile := filepath.Join(filepath.Dir(dump), "restore.list")
	if err := os.WriteFile(listFile, keep.Bytes(), 0o600); err != nil {
		return err
	}
	cmd, err := pgCommand(ctx, bin, o.Target.DSN, "--no-owner", "--no-privileges", "--exit-on-error", "--single-transaction", "--use-list="+listFile, dump)
	if err != nil {
		return err
	}
	if out, err := cmd.CombinedOutput(); err != nil {
		return fmt.Errorf("pg_restore: %v: %s", err, out)
	}
	return nil
}

// firstSchema is the first schema of a search_path setting other than
// "$user".
func firstSchema(path string) string {
	for _, p := range strings.Split(path, ",") {
		p = strings.Trim(strings.TrimSpace(p), `"`)
		if p != "" && p != "$user" {
			return p
		}
	}
	return "public"
}
