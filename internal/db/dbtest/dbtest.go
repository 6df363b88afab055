// Package dbtest gives each test its own migrated database: SQLite in
// t.TempDir() always, and PostgreSQL too when CURATORE_TEST_POSTGRES_URL is
// set (a fresh schema per test, dropped afterwards).
package dbtest

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"net/url"
	"os"
	"path/filepath"
	"testing"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
)

// PostgresEnv names the variable holding the test server's URL.
const PostgresEnv = "CURATORE_TEST_POSTGRES_URL"

// Engines returns the engines to test on: SQLite, plus PostgreSQL when configured.
func Engines() []db.Engine {
	if os.Getenv(PostgresEnv) != "" {
		return []db.Engine{db.SQLite, db.Postgres}
	}
	return []db.Engine{db.SQLite}
}

// Each runs fn as a subtest once per engine, each with a new migrated database.
func Each(t *testing.T, fn func(t *testing.T, d *db.DB)) {
	t.Helper()
	for _, e := range Engines() {
		t.Run(string(e), func(t *testing.T) {
			fn(t, Open(t, e))
		})
	}
}

// New returns a migrated SQLite database.
func New(t testing.TB) *db.DB {
	t.Helper()
	return Open(t, db.SQLite)
}

// Open returns a migrated database of the given engine, closed at cleanup.
func Open(t testing.TB, e db.Engine) *db.DB {
	t.Helper()
	d := OpenEmpty(t, e)
	if _, err := d.Migrate(context.Background()); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	return d
}

// OpenEmpty returns an unmigrated database of the given engine.
func OpenEmpty(t testing.TB, e db.Engine) *db.DB {
	t.Helper()
	u := URL(t, e)
	d, err := db.Open(context.Background(), u, db.Options{PoolSize: 4, MaxOverflow: 8})
	if err != nil {
		t.Fatalf("open %s: %v", e, err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}

// URL returns a fresh database location for an engine: a file in a temp dir
// for SQLite, a new schema for PostgreSQL (dropped at cleanup).
func URL(t testing.TB, e db.Engine) config.DatabaseURL {
	t.Helper()
	if e == db.SQLite {
		return config.DatabaseURL{Engine: db.SQLite, Path: filepath.Join(t.TempDir(), "curatore.db")}
	}
	base := os.Getenv(PostgresEnv)
	if base == "" {
		t.Skipf("%s not set", PostgresEnv)
	}
	parsed, err := config.ParseDatabaseURL(base)
	if err != nil {
		t.Fatalf("%s: %v", PostgresEnv, err)
	}
	schema := fmt.Sprintf("t_%d", rand.Int64())
	admin, err := sql.Open("pgx", parsed.DSN)
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE SCHEMA " + schema); err != nil {
		t.Fatalf("PostgreSQL at %s unreachable or unusable: %v", parsed.Redacted(), err)
	}
	t.Cleanup(func() {
		a, err := sql.Open("pgx", parsed.DSN)
		if err == nil {
			_, _ = a.Exec("DROP SCHEMA " + schema + " CASCADE")
			a.Close()
		}
	})
	u, _ := url.Parse(parsed.DSN)
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return config.DatabaseURL{Engine: db.Postgres, DSN: u.String()}
}
