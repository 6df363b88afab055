package job

import (
	"context"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// newService builds an insert-only job service (no workers) on d.
func newService(t *testing.T, d *db.DB) *Service {
	t.Helper()
	ctx := context.Background()
	if _, err := Migrate(ctx, d); err != nil {
		t.Fatal(err)
	}
	s, err := New(ctx, Setup{DB: d})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		_ = s.Stop(ctx)
	})
	return s
}

// TestTaskEndTouchesNoDocument: a task is about no document, so its job
// failing or being cancelled sets no document's status — not even that of
// a document whose id is the empty string a task's DocumentID reads as
// (which is what such an update would have aimed at).
func TestTaskEndTouchesNoDocument(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx, now := context.Background(), db.Now()
		s := newService(t, d)
		for _, stmt := range []string{
			`INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at) VALUES ('o', 'o', 'o', 'o', ?, ?)`,
			`INSERT INTO documents (id, org_id, filename, content_type, kind, file_size, sha256, status, uploaded_at, updated_at)
				VALUES ('', 'o', 'decoy.md', 'text/markdown', 'markdown', 1, 'x', 'uploaded', ?, ?)`,
		} {
			if _, err := d.Exec(ctx, stmt, now, now); err != nil {
				t.Fatal(err)
			}
		}
		for _, tc := range []struct {
			kind, source, want string
			end                func(j Job) error
		}{
			{KindSync, "s1", StatusFailed, func(j Job) error {
				return s.note(ctx, j, StatusFailed, "error", "Error: Graph said no", "failed", "Graph said no")
			}},
			{KindImport, "", StatusFailed, func(j Job) error {
				return s.note(ctx, j, StatusFailed, "error", "Error: Graph said no", "failed", "Graph said no")
			}},
			{KindSync, "s2", StatusCancelled, func(j Job) error {
				return d.InTx(ctx, func(q db.Querier) error { return s.cancelTx(ctx, q, j, "Cancelled by user") })
			}},
		} {
			var j Job
			err := d.InTx(ctx, func(q db.Querier) (err error) {
				j, err = s.EnqueueTaskTx(ctx, q, NewTask{OrgID: "o", Kind: tc.kind, SourceID: tc.source})
				return err
			})
			if err != nil {
				t.Fatal(err)
			}
			if err := tc.end(j); err != nil {
				t.Fatalf("%s %s: %v", tc.kind, tc.want, err)
			}
			var jobStatus, docStatus string
			if err := d.QueryRow(ctx, `SELECT status FROM jobs WHERE org_id = 'o' AND id = ?`, j.ID).Scan(&jobStatus); err != nil {
				t.Fatal(err)
			}
			if err := d.QueryRow(ctx, `SELECT status FROM documents WHERE org_id = 'o' AND id = ''`).Scan(&docStatus); err != nil {
				t.Fatal(err)
			}
			if jobStatus != tc.want || docStatus != "uploaded" {
				t.Errorf("%s %s: job %s, document status %s; want it untouched (uploaded)", tc.kind, tc.want, jobStatus, docStatus)
			}
		}
	})
}
