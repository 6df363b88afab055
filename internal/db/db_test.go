package db_test

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

func TestMigrateEmptyThenAgainThenStatus(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.OpenEmpty(t, e)
			all, err := db.Migrations(e)
			if err != nil || len(all) == 0 {
				t.Fatalf("migrations: %v (%d)", err, len(all))
			}
			applied, err := d.Migrate(ctx)
			if err != nil {
				t.Fatal(err)
			}
			if len(applied) != len(all) {
				t.Fatalf("applied %d of %d", len(applied), len(all))
			}
			again, err := d.Migrate(ctx)
			if err != nil || len(again) != 0 {
				t.Fatalf("second migrate applied %d, err %v; want a no-op", len(again), err)
			}
			st, err := d.Status(ctx)
			if err != nil {
				t.Fatal(err)
			}
			for _, s := range st {
				if s.AppliedAt == nil {
					t.Errorf("%s reported pending after migrate", s.Name)
				}
			}
			v, err := d.Version(ctx)
			if err != nil || v != all[len(all)-1].Version {
				t.Fatalf("version %d, %v", v, err)
			}
			for _, table := range []string{"organizations", "users", "memberships", "api_keys", "connections", "system_settings", "audit_logs"} {
				var n int
				if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+table).Scan(&n); err != nil {
					t.Errorf("table %s: %v", table, err)
				}
			}
		})
	}
}

func TestMigrationsMatchAcrossEngines(t *testing.T) {
	lite, err := db.Migrations(db.SQLite)
	if err != nil {
		t.Fatal(err)
	}
	pg, err := db.Migrations(db.Postgres)
	if err != nil {
		t.Fatal(err)
	}
	if len(lite) != len(pg) {
		t.Fatalf("sqlite has %d migrations, postgres %d", len(lite), len(pg))
	}
	for i := range lite {
		if lite[i].Version != pg[i].Version || lite[i].Name != pg[i].Name {
			t.Errorf("migration %d: sqlite %s, postgres %s", i, lite[i].Name, pg[i].Name)
		}
	}
}

func TestFailedMigrationNamesFileAndStatementAndKeepsVersion(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		before, _ := d.Version(ctx)
		broken := []db.Migration{{Version: 9999, Name: "9999_broken.sql",
			SQL: "CREATE TABLE half_done (id TEXT);\nCREATE TABLE broken (;\n"}}
		applied, err := d.ApplyForTest(ctx, broken)
		var me *db.MigrationError
		if !errors.As(err, &me) || len(applied) != 0 || !strings.Contains(err.Error(), "9999_broken.sql, statement 2") {
			t.Fatalf("error %v (applied %d) does not name file and statement", err, len(applied))
		}
		if after, _ := d.Version(ctx); after != before {
			t.Fatalf("version moved from %d to %d", before, after)
		}
		var n int
		if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM half_done").Scan(&n); err == nil {
			t.Fatal("the first statement of the failed migration was kept")
		}
	})
}

func TestChildCannotReferenceAnotherOrgsParent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		now := db.Now()
		exec := func(q string, args ...any) error { _, err := d.Exec(ctx, q, args...); return err }
		must := func(err error) {
			t.Helper()
			if err != nil {
				t.Fatal(err)
			}
		}
		for _, org := range []string{"A", "B"} {
			must(exec("INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
				"org"+org, "Org "+org, "Org "+org, "org-"+strings.ToLower(org), now, now))
		}
		must(exec("INSERT INTO users (id, email, username, password_hash, created_at, updated_at) VALUES ('u1', 'a@x.io', 'a', 'h', ?, ?)", now, now))
		must(exec("INSERT INTO memberships (org_id, user_id, role, created_at, updated_at) VALUES ('orgA', 'u1', 'member', ?, ?)", now, now))
		// A key of org A's member in org A is fine …
		must(exec("INSERT INTO api_keys (id, org_id, user_id, name, key_hash, prefix, created_at, updated_at) VALUES ('k1', 'orgA', 'u1', 'k', 'h1', 'p', ?, ?)", now, now))
		// … but a key in org B for a user who is only in org A is refused.
		err := exec("INSERT INTO api_keys (id, org_id, user_id, name, key_hash, prefix, created_at, updated_at) VALUES ('k2', 'orgB', 'u1', 'k', 'h2', 'p', ?, ?)", now, now)
		if !errors.Is(err, apperr.Invalid) {
			t.Fatalf("cross-org key: got %v, want a constraint violation", err)
		}
		err = exec("INSERT INTO api_keys (id, org_id, user_id, name, key_hash, prefix, created_at, updated_at) VALUES ('k3', 'orgA', 'u1', 'k', 'h1', 'p', ?, ?)", now, now)
		if !errors.Is(err, apperr.Conflict) {
			t.Fatalf("duplicate key hash: got %v, want conflict", err)
		}
	})
}

func TestConcurrentWritesAndReadsNeverLock(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	now := db.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 400)
	for i := 0; i < 200; i++ {
		wg.Add(2)
		go func(i int) {
			defer wg.Done()
			errs <- d.InTx(ctx, func(q db.Querier) error {
				_, err := q.Exec(ctx, "INSERT INTO system_settings (id, key, value, created_at, updated_at) VALUES (?, ?, '1', ?, ?)",
					db.NewID(), fmt.Sprintf("k%d", i), now, now)
				return err
			})
		}(i)
		go func() {
			defer wg.Done()
			var n int
			errs <- d.QueryRow(ctx, "SELECT COUNT(*) FROM system_settings").Scan(&n)
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
}

func TestRebind(t *testing.T) {
	got := db.Rebind(db.Postgres, "SELECT '?' FROM t WHERE a = ? AND b = ?")
	if got != "SELECT '?' FROM t WHERE a = $1 AND b = $2" {
		t.Fatal(got)
	}
	if db.Rebind(db.SQLite, "a = ?") != "a = ?" {
		t.Fatal("sqlite must not rebind")
	}
}
