package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/document"
)

// TestUsageMigrationBackfillsStoredResults applies 0011 to a database
// holding results stored before it: their LLM usage becomes llm_usage rows
// (stages without use skipped) that TokensSince sums by organization and
// time.
func TestUsageMigrationBackfillsStoredResults(t *testing.T) {
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
				if m.Version < 11 {
					before = append(before, m)
				} else {
					after = append(after, m)
				}
			}
			if _, err := d.Status(ctx); err != nil {
				t.Fatal(err)
			}
			if _, err := d.ApplyForTest(ctx, before); err != nil {
				t.Fatal(err)
			}
			dec := time.Date(2026, 12, 3, 10, 0, 0, 0, time.UTC)
			nov := time.Date(2026, 11, 28, 10, 0, 0, 0, time.UTC)
			const used = `{"usage": [{"stage": "extract", "calls": 0, "prompt_tokens": 0, "completion_tokens": 0},
				{"stage": "review", "model": "m", "calls": 2, "prompt_tokens": 300, "completion_tokens": 100},
				{"stage": "optimize", "model": "m", "calls": 1, "prompt_tokens": 50, "completion_tokens": 25}]}`
			for _, q := range []struct {
				sql  string
				args []any
			}{
				{`INSERT INTO organizations (id, name, display_name, slug, is_active, settings, created_at, updated_at)
					VALUES ('o', 'O', 'O', 'o', ?, '{}', ?, ?), ('p', 'P', 'P', 'p', ?, '{}', ?, ?)`, []any{true, nov, nov, true, nov, nov}},
				{`INSERT INTO documents (id, org_id, filename, content_type, kind, file_size, sha256, status, rag_ready, current_version,
					uploaded_at, updated_at) VALUES ('d', 'o', 'a.md', 'text/markdown', 'md', 1, 'x', 'completed', ?, 0, ?, ?),
					('e', 'p', 'a.md', 'text/markdown', 'md', 1, 'x', 'completed', ?, 0, ?, ?)`, []any{false, nov, nov, false, nov, nov}},
				{`INSERT INTO processing_results (id, org_id, document_id, conversion_score, rag_ready, result, processed_at)
					VALUES ('r1', 'o', 'd', 90, ?, ?, ?), ('r2', 'o', 'd', 90, ?, ?, ?), ('r3', 'o', 'd', 90, ?, '{"usage": null}', ?),
					('r4', 'p', 'e', 90, ?, ?, ?)`, []any{true, used, dec, true, used, nov, true, dec, true, used, dec}},
			} {
				if _, err := d.Exec(ctx, q.sql, q.args...); err != nil {
					t.Fatalf("%s: %v", q.sql, err)
				}
			}
			if _, err := d.ApplyForTest(ctx, after); err != nil {
				t.Fatal(err)
			}
			var rows int
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM llm_usage`).Scan(&rows); err != nil || rows != 6 {
				t.Fatalf("backfilled rows: %d, want 6 (two stages of three results): %v", rows, err)
			}
			for _, c := range []struct {
				org   string
				since time.Time
				want  int64
			}{
				{"o", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), 475},
				{"o", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), 950},
				{"p", time.Date(2026, 12, 1, 0, 0, 0, 0, time.UTC), 475},
				{"q", time.Date(2026, 11, 1, 0, 0, 0, 0, time.UTC), 0},
			} {
				if n, err := document.TokensSince(ctx, d, c.org, c.since); err != nil || n != c.want {
					t.Errorf("TokensSince(%s, %s) = %d, %v; want %d", c.org, c.since.Format("2006-01-02"), n, err, c.want)
				}
			}
		})
	}
}
