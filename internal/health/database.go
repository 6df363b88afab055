package health

import (
	"context"
	"fmt"
	"os"

	"github.com/curatore/curatore/internal/db"
)

// Tables are the tables whose row counts the database report shows.
var Tables = []string{"organizations", "users", "memberships", "api_keys", "connections", "system_settings", "audit_logs"}

// Database returns the check for the database: it answers and its
// migration version; with WithDetails also its URL (password hidden), row
// counts and size — several queries, for system administrators only.
func Database(d *db.DB) Check {
	return func(ctx context.Context) Report {
		details := map[string]any{
			"database_type": string(d.Engine()),
			"connected":     false,
		}
		if DetailsWanted(ctx) {
			details["database_url"] = d.URL.Redacted()
		}
		fail := func(msg string) Report {
			return Report{Status: Unhealthy, Message: msg, Details: details}
		}
		if d.Engine() == db.SQLite {
			// A deleted database file keeps working through open handles while
			// every write goes to an unlinked inode: that is not healthy.
			if _, err := os.Stat(d.URL.Path); err != nil {
				return fail("database file is missing: " + d.URL.Path)
			}
		}
		if err := d.Ping(ctx); err != nil {
			return fail("database unreachable: " + err.Error())
		}
		details["connected"] = true
		version, err := d.Version(ctx)
		if err != nil {
			return fail("cannot read migration version: " + err.Error())
		}
		details["migration_version"] = version
		if !DetailsWanted(ctx) {
			return Report{Status: Healthy, Message: "Database connection successful", Details: details}
		}
		counts := map[string]int64{}
		for _, t := range Tables {
			var n int64
			if err := d.QueryRow(ctx, "SELECT COUNT(*) FROM "+t).Scan(&n); err != nil {
				return fail(fmt.Sprintf("table %s: %v", t, err))
			}
			counts[t] = n
		}
		details["tables"] = counts
		details["database_size_mb"] = sizeMB(ctx, d)
		return Report{Status: Healthy, Message: "Database connection successful", Details: details}
	}
}

func sizeMB(ctx context.Context, d *db.DB) float64 {
	var bytes int64
	if d.Engine() == db.SQLite {
		for _, suffix := range []string{"", "-wal"} {
			if fi, err := os.Stat(d.URL.Path + suffix); err == nil {
				bytes += fi.Size()
			}
		}
	} else if err := d.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&bytes); err != nil {
		return 0
	}
	return float64(bytes*100/(1<<20)) / 100
}
