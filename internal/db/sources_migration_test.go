package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// TestSourcesMigrationKeepsJobsAndLogs applies 0008 to a database holding
// a job and its log: SQLite rebuilds the jobs table, which must keep both
// rows and never reuse a log id (the event ids of Server-Sent Events).
func TestSourcesMigrationKeepsJobsAndLogs(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			d := dbtest.OpenEmpty(t, e)
			all, err := db.Migrations(e)
			if err != nil {
				t.Fatal(err)
			}
			var before, after []db.Migration
			for _, m := range all {
				if m.Version < 8 {
					before = append(before, m)
				} else {
					after = append(after, m)
				}
			}
			if _, err := d.Status(ctx); err != nil { // creates schema_migrations
				t.Fatal(err)
			}
			if _, err := d.ApplyForTest(ctx, before); err != nil {
				t.Fatal(err)
			}
			now := time.Now().UTC()
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO organizations (id, name, display_name, slug, is_active, settings, created_at, updated_at)
					VALUES ('o', 'O', 'O', 'o', ?, '{}', ?, ?)`, []any{true, now, now}},
				{`INSERT INTO documents (id, org_id, filename, content_type, kind, file_size, sha256, status, rag_ready, current_version,
					uploaded_at, updated_at) VALUES ('d', 'o', 'a.md', 'text/markdown', 'md', 1, 'x', 'queued', ?, 0, ?, ?)`, []any{false, now, now}},
				{`INSERT INTO jobs (id, org_id, document_id, kind, status, stage, progress, attempts, enqueued_at, updated_at)
					VALUES ('j', 'o', 'd', 'process', 'queued', 'queued', 0, 0, ?, ?)`, []any{now, now}},
				{`INSERT INTO job_logs (org_id, job_id, ts, level, message) VALUES ('o', 'j', ?, 'info', 'one')`, []any{now}},
				{`INSERT INTO job_logs (org_id, job_id, ts, level, message) VALUES ('o', 'j', ?, 'info', 'two')`, []any{now}},
				{`DELETE FROM job_logs WHERE message = 'two'`, nil},
			} {
				if _, err := d.Exec(ctx, q.sql, q.args...); err != nil {
					t.Fatalf("%s: %v", q.sql, err)
				}
			}
			if _, err := d.ApplyForTest(ctx, after); err != nil {
				t.Fatal(err)
			}
			var job, msg string
			var logID int64
			if err := d.QueryRow(ctx, `SELECT j.id, l.message, l.id FROM jobs j JOIN job_logs l ON l.org_id = j.org_id AND l.job_id = j.id`).
				Scan(&job, &msg, &logID); err != nil || job != "j" || msg != "one" {
				t.Fatalf("after 0008: %q %q %v", job, msg, err)
			}
			if _, err := d.Exec(ctx, `INSERT INTO job_logs (org_id, job_id, ts, level, message) VALUES ('o', 'j', ?, 'info', 'three')`, now); err != nil {
				t.Fatal(err)
			}
			var next int64
			if err := d.QueryRow(ctx, `SELECT id FROM job_logs WHERE message = 'three'`).Scan(&next); err != nil || next != logID+2 {
				t.Fatalf("next log id %d after %d (the deleted one must not be reused): %v", next, logID, err)
			}
			// A task job has no document; a processing job still needs one.
			if _, err := d.Exec(ctx, `INSERT INTO jobs (id, org_id, kind, status, enqueued_at, updated_at) VALUES ('s', 'o', 'sync', 'queued', ?, ?)`, now, now); err != nil {
				t.Fatalf("sync job: %v", err)
			}
			if _, err := d.Exec(ctx, `INSERT INTO jobs (id, org_id, kind, status, enqueued_at, updated_at) VALUES ('p', 'o', 'process', 'queued', ?, ?)`, now, now); err == nil {
				t.Fatal("a process job without a document was accepted")
			}
		})
	}
}
