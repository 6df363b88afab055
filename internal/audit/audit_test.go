package audit_test

import (
	"context"
	"errors"
	"fmt"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

func seedOrg(t *testing.T, d *db.DB, id string) {
	t.Helper()
	now := db.Now()
	if _, err := d.Exec(context.Background(), "INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?)",
		id, id, id, id, now, now); err != nil {
		t.Fatal(err)
	}
}

func TestDoWritesRowInTheSameTransactionAndFailureRowsOnError(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := audit.WithActor(context.Background(), audit.Actor{IP: "10.0.0.1", UserAgent: "ua", RequestID: "rid"})
		seedOrg(t, d, "org-a")
		err := audit.Do(ctx, d, audit.Entry{OrgID: "org-a", Action: "setting.create", Details: map[string]any{"password": "p", "nested": map[string]any{"api_key": "k", "ok": 1}}},
			func(q db.Querier, e *audit.Entry) error {
				now := db.Now()
				_, err := q.Exec(ctx, "INSERT INTO system_settings (id, key, value, created_at, updated_at) VALUES ('s1', 'k1', '1', ?, ?)", now, now)
				e.EntityID = "s1"
				return err
			})
		if err != nil {
			t.Fatal(err)
		}
		boom := errors.New("boom")
		err = audit.Do(ctx, d, audit.Entry{OrgID: "org-a", Action: "setting.create"}, func(q db.Querier, e *audit.Entry) error {
			now := db.Now()
			if _, err := q.Exec(ctx, "INSERT INTO system_settings (id, key, value, created_at, updated_at) VALUES ('s2', 'k2', '1', ?, ?)", now, now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatalf("got %v", err)
		}
		var settings int
		_ = d.QueryRow(ctx, "SELECT COUNT(*) FROM system_settings").Scan(&settings)
		if settings != 1 {
			t.Fatalf("the failed change left %d rows, want 1", settings)
		}
		page, err := audit.List(ctx, d, audit.Filter{OrgID: "org-a"}, "", 10)
		if err != nil || len(page.Items) != 2 {
			t.Fatalf("%v %+v", err, page)
		}
		failure, success := page.Items[0], page.Items[1]
		if failure.Status != "failure" || *failure.ErrorMessage != "boom" || success.Status != "success" || *success.EntityID != "s1" {
			t.Fatalf("rows: %+v / %+v", failure, success)
		}
		if *success.IPAddress != "10.0.0.1" || *success.RequestID != "rid" {
			t.Fatalf("actor not recorded: %+v", success)
		}
		nested := success.Details["nested"].(map[string]any)
		if success.Details["password"] != audit.Redacted || nested["api_key"] != audit.Redacted || nested["ok"] != 1.0 {
			t.Fatalf("details not redacted: %v", success.Details)
		}
	})
}

func TestListFiltersCursorAndPrune(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seedOrg(t, d, "org-a")
		seedOrg(t, d, "org-b")
		for i := 0; i < 25; i++ {
			org := "org-a"
			if i%5 == 0 {
				org = "org-b"
			}
			action := "user.invite"
			if i%2 == 0 {
				action = "api_key.create"
			}
			if err := audit.Record(ctx, d, audit.Entry{OrgID: org, Action: action, EntityID: fmt.Sprint(i)}); err != nil {
				t.Fatal(err)
			}
		}
		var seen []string
		cursor := ""
		for pages := 0; ; pages++ {
			page, err := audit.List(ctx, d, audit.Filter{OrgID: "org-a"}, cursor, 7)
			if err != nil {
				t.Fatal(err)
			}
			for _, l := range page.Items {
				if *l.OrganizationID != "org-a" {
					t.Fatalf("row of %s in org-a's log", *l.OrganizationID)
				}
				seen = append(seen, l.ID)
			}
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		if len(seen) != 20 {
			t.Fatalf("paged through %d rows of org-a, want 20", len(seen))
		}
		for i := 1; i < len(seen); i++ {
			if seen[i] >= seen[i-1] {
				t.Fatal("not newest first, or a row repeated")
			}
		}
		page, _ := audit.List(ctx, d, audit.Filter{OrgID: "org-a", Action: "user.*"}, "", 100)
		if len(page.Items) != 10 {
			t.Fatalf("action prefix filter: %d rows", len(page.Items))
		}
		all, _ := audit.List(ctx, d, audit.Filter{AllOrgs: true}, "", 100)
		if len(all.Items) != 25 {
			t.Fatalf("all orgs: %d", len(all.Items))
		}
		if _, err := audit.List(ctx, d, audit.Filter{OrgID: "org-a"}, "garbage!", 10); err == nil {
			t.Fatal("bad cursor accepted")
		}
		future := time.Now().Add(time.Hour)
		if p, _ := audit.List(ctx, d, audit.Filter{OrgID: "org-a", Since: &future}, "", 10); len(p.Items) != 0 {
			t.Fatal("since filter ignored")
		}
		if n, err := audit.Prune(ctx, d, 0); n != 0 || err != nil {
			t.Fatal("retention 0 must keep everything")
		}
		if _, err := d.Exec(ctx, "UPDATE audit_logs SET created_at = ? WHERE entity_id IN ('1', '2')", db.Now().Add(-48*time.Hour)); err != nil {
			t.Fatal(err)
		}
		if n, err := audit.Prune(ctx, d, 24*time.Hour); n != 2 || err != nil {
			t.Fatalf("pruned %d, %v", n, err)
		}
		if p, _ := audit.List(ctx, d, audit.Filter{AllOrgs: true, Action: "audit.prune"}, "", 10); len(p.Items) != 1 || p.Items[0].Details["rows_deleted"] != 2.0 {
			t.Fatalf("prune not recorded: %+v", p.Items)
		}
	})
}

func TestFailureRowSurvivesARolledBackParent(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		boom := errors.New("boom")
		// The change creates an organization and then fails: the row cannot
		// point at the rolled-back organization, but it must not be lost.
		err := audit.Do(ctx, d, audit.Entry{OrgID: "org-new", Action: "organization.create"}, func(q db.Querier, e *audit.Entry) error {
			now := db.Now()
			if _, err := q.Exec(ctx, "INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at) VALUES ('org-new', 'n', 'n', 'n', ?, ?)", now, now); err != nil {
				return err
			}
			return boom
		})
		if !errors.Is(err, boom) {
			t.Fatal(err)
		}
		page, _ := audit.List(ctx, d, audit.Filter{AllOrgs: true, Status: "failure"}, "", 10)
		if len(page.Items) != 1 || page.Items[0].OrganizationID != nil || page.Items[0].Details["org_id"] != "org-new" {
			t.Fatalf("failure row: %+v", page.Items)
		}
	})
}
