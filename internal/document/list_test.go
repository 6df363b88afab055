package document

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// seedListOrg makes an organization and stores n documents uploaded within
// the same second, with 0 to 6 fractional digits (trailing zeros dropped in
// SQLite's text) and written in several zones, plus pairs sharing an
// instant (the id breaks the tie).
func seedListOrg(t *testing.T, d *db.DB, n int) (string, []Document) {
	t.Helper()
	ctx := context.Background()
	orgID, now := db.NewID(), db.Now()
	if _, err := d.Exec(ctx, `INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?)`, orgID, "List "+orgID, "List", "list-"+orgID, now, now); err != nil {
		t.Fatal(err)
	}
	base := time.Date(2026, 12, 6, 9, 0, 25, 0, time.UTC)
	zones := []*time.Location{time.UTC, time.FixedZone("east", 2*3600), time.FixedZone("west", -5*3600-1800)}
	fracs := []int{0, 1, 10, 100, 80640, 80645, 99999, 100000, 120000, 500000, 999999}
	docs := make([]Document, 0, n)
	for i := range n {
		at := base.Add(time.Duration(fracs[i%len(fracs)]+i/len(fracs)*7) * time.Microsecond)
		if i%5 == 4 {
			at = docs[i-1].UploadedAt // same instant as the previous one
		}
		doc := Document{ID: db.NewID(), OrgID: orgID, Filename: fmt.Sprintf("Doc-%03d.md", n-i), ContentType: "text/markdown",
			Kind: "md", FileSize: int64(i % 7), SHA256: fmt.Sprintf("%064d", i), Status: "uploaded", UploadedAt: at, UpdatedAt: now}
		stored := doc
		stored.UploadedAt = at.In(zones[i%len(zones)])
		if err := insert(ctx, d, &stored); err != nil {
			t.Fatal(err)
		}
		docs = append(docs, doc)
	}
	return orgID, docs
}

// pageThrough follows the list's cursor to the end (at most 10 times as
// many pages as documents, so that a cursor going back fails instead of
// looping) and returns the documents in the order received.
func pageThrough(t *testing.T, d *db.DB, orgID string, f Filter, total int) []Document {
	t.Helper()
	var got []Document
	for range total*10 + 1 {
		p, err := List(context.Background(), d, orgID, f)
		if err != nil {
			t.Fatal(err)
		}
		got = append(got, p.Documents...)
		if p.Next == "" {
			return got
		}
		f.After = p.Next
	}
	t.Fatalf("the cursor did not reach the end after %d pages (%d documents read)", total*10+1, len(got))
	return nil
}

// TestListCursorVisitsEveryDocumentOnceInOrder pages through documents
// uploaded within one second with small limits, newest first (the
// default) and oldest first: every document comes exactly once, in
// (uploaded_at, id) order.
func TestListCursorVisitsEveryDocumentOnceInOrder(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const n = 240
		orgID, _ := seedListOrg(t, d, n)
		for _, c := range []struct {
			name string
			f    Filter
			desc bool
		}{
			{"newest first", Filter{Limit: 3}, true},
			{"oldest first", Filter{Sort: "uploaded_at", Limit: 7}, false},
			{"newest first, filtered", Filter{Sort: "uploaded_at", Desc: true, Query: "doc-", SkipTotal: true, Limit: 1}, true},
		} {
			got := pageThrough(t, d, orgID, c.f, n)
			seen := map[string]bool{}
			for i, doc := range got {
				if seen[doc.ID] {
					t.Fatalf("%s: %s came twice (position %d)", c.name, doc.ID, i)
				}
				seen[doc.ID] = true
				if i > 0 && !inOrder(got[i-1], doc, c.desc) {
					t.Fatalf("%s: position %d (%s %s) is out of order after %s %s", c.name, i,
						doc.UploadedAt.Format(time.RFC3339Nano), doc.ID, got[i-1].UploadedAt.Format(time.RFC3339Nano), got[i-1].ID)
				}
			}
			if len(got) != n {
				t.Errorf("%s: %d documents, want %d", c.name, len(got), n)
			}
		}
	})
}

func inOrder(prev, next Document, desc bool) bool {
	c := prev.UploadedAt.Compare(next.UploadedAt)
	if c == 0 {
		c = strings.Compare(prev.ID, next.ID)
	}
	if desc {
		return c > 0
	}
	return c < 0
}

// TestListSortsByOffset: the other sorts page by offset, each document
// once, in the column's order with NULLs last.
func TestListSortsByOffset(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		const n = 40
		orgID, _ := seedListOrg(t, d, n)
		for _, sort := range SortNames() {
			for _, desc := range []bool{false, true} {
				var got []Document
				for skip := 0; ; skip += 6 {
					p, err := List(context.Background(), d, orgID, Filter{Sort: sort, Desc: desc, Skip: skip, Limit: 6})
					if err != nil {
						t.Fatal(err)
					}
					if p.Total != n {
						t.Fatalf("%s: total %d, want %d", sort, p.Total, n)
					}
					got = append(got, p.Documents...)
					if len(p.Documents) < 6 {
						break
					}
				}
				seen := map[string]bool{}
				for _, doc := range got {
					seen[doc.ID] = true
				}
				if len(got) != n || len(seen) != n {
					t.Errorf("%s desc=%v: %d documents, %d distinct, want %d", sort, desc, len(got), len(seen), n)
				}
				if sort == "filename" && (got[0].Filename == got[n-1].Filename || (got[0].Filename < got[n-1].Filename) == desc) {
					t.Errorf("filename desc=%v: %s first, %s last", desc, got[0].Filename, got[n-1].Filename)
				}
			}
		}
	})
}
