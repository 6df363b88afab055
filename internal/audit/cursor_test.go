package audit_test

import (
	"context"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// TestCursorOverRowsOfOneSecond pages with small limits through rows
// written within one second, with 0 to 6 fractional digits, in several
// zones and with shared instants: every row comes once, newest first.
func TestCursorOverRowsOfOneSecond(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		seedOrg(t, d, "org-c")
		base := time.Date(2026, 12, 6, 9, 0, 25, 0, time.UTC)
		zones := []*time.Location{time.UTC, time.FixedZone("east", 2*3600), time.FixedZone("west", -5*3600-1800)}
		fracs := []int{0, 1, 10, 100, 80640, 80645, 99999, 100000, 120000, 500000, 999999}
		const n = 120
		at := map[string]time.Time{}
		var prev time.Time
		for i := range n {
			ts := base.Add(time.Duration(fracs[i%len(fracs)]+i/len(fracs)*7) * time.Microsecond)
			if i%4 == 3 {
				ts = prev
			}
			prev = ts
			id := db.NewID()
			at[id] = ts
			if _, err := d.Exec(ctx, `INSERT INTO audit_logs (id, org_id, action, status, created_at) VALUES (?, 'org-c', 'probe', 'success', ?)`,
				id, ts.In(zones[i%len(zones)])); err != nil {
				t.Fatal(err)
			}
		}
		var got []audit.Log
		cursor := ""
		for range n*5 + 1 {
			page, err := audit.List(ctx, d, audit.Filter{OrgID: "org-c"}, cursor, 4)
			if err != nil {
				t.Fatal(err)
			}
			got = append(got, page.Items...)
			if page.NextCursor == nil {
				break
			}
			cursor = *page.NextCursor
		}
		seen := map[string]bool{}
		for i, l := range got {
			if seen[l.ID] || !l.CreatedAt.Equal(at[l.ID]) {
				t.Fatalf("row %d (%s) repeated or with another time", i, l.ID)
			}
			seen[l.ID] = true
			if i > 0 {
				p := got[i-1]
				if c := p.CreatedAt.Compare(l.CreatedAt); c < 0 || (c == 0 && p.ID < l.ID) {
					t.Fatalf("row %d is out of order: %s %s after %s %s", i, l.CreatedAt, l.ID, p.CreatedAt, p.ID)
				}
			}
		}
		if len(got) != n {
			t.Errorf("paged through %d rows, want %d", len(got), n)
		}
	})
}
