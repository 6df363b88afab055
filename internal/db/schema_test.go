package db_test

import (
	"context"
	"testing"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// globalTables hold no tenant data, each for the reason given. Every other
// table is tenant-owned and must have org_id NOT NULL.
var globalTables = map[string]string{
	"schema_migrations":  "migration bookkeeping",
	"organizations":      "the tenants themselves",
	"users":              "a person may belong to several organizations (memberships carry org_id)",
	"system_settings":    "server-wide settings",
	"user_tokens":        "email verification / password tokens belong to a person, not an organization",
	"setup_tokens":       "the one-time link that creates the first administrator, before any organization has one",
	"rate_limit_buckets": "rate limits per IP or login, decided before any organization is known",
	"login_backoff":      "the login back-off per account name, decided before any organization is known",
}

// nullableOrg are tenant tables whose org_id may be NULL, with the reason.
var nullableOrg = map[string]string{
	"audit_logs": "events outside any organization (failed login for an unknown account)",
}

func TestEveryTenantTableHasOrgID(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		q := `SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%'`
		col := `SELECT COUNT(*) FROM pragma_table_info(?) WHERE name = 'org_id' AND "notnull" = ?`
		if d.Engine() == db.Postgres {
			q = `SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema() AND table_type = 'BASE TABLE'`
			col = `SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema()
				AND table_name = ? AND column_name = 'org_id' AND (is_nullable = 'NO') = ?`
		}
		rows, err := d.Query(ctx, q)
		if err != nil {
			t.Fatal(err)
		}
		var tables []string
		for rows.Next() {
			var name string
			if err := rows.Scan(&name); err != nil {
				t.Fatal(err)
			}
			tables = append(tables, name)
		}
		rows.Close()
		if len(tables) < 7 {
			t.Fatalf("found only %v", tables)
		}
		for _, table := range tables {
			if _, ok := globalTables[table]; ok {
				continue
			}
			_, nullable := nullableOrg[table]
			var n int
			if err := d.QueryRow(ctx, col, table, !nullable).Scan(&n); err != nil {
				t.Fatal(err)
			}
			if n != 1 {
				t.Errorf("table %s is tenant-owned but lacks org_id NOT NULL (or list it in globalTables with a reason)", table)
			}
		}
	})
}
