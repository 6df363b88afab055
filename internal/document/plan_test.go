package document

import (
	"context"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// explain returns SQLite's query plan of q, one step a line.
func explain(t testing.TB, d *db.DB, q string, args []any) string {
	t.Helper()
	rows, err := d.Query(context.Background(), `EXPLAIN QUERY PLAN `+q, args...)
	if err != nil {
		t.Fatal(err)
	}
	steps, err := db.Collect(rows, func(s db.Scanner) (string, error) {
		var id, parent, unused int
		var detail string
		return detail, s.Scan(&id, &parent, &unused, &detail)
	})
	if err != nil {
		t.Fatal(err)
	}
	return strings.Join(steps, "\n")
}

// TestListPlansUseIndexes: on SQLite the default order (newest upload
// first), a keyset page and the NOT NULL sorts are read from an index
// rather than sorted in a temporary B-tree.
func TestListPlansUseIndexes(t *testing.T) {
	d := dbtest.New(t)
	after := encodeCursor(cursor{T: db.Now(), ID: db.NewID()})
	for name, f := range map[string]Filter{
		"default": {Limit: 50}, "keyset": {Limit: 50, After: after}, "oldest first": {Sort: "uploaded_at", Limit: 50},
		"oldest first keyset": {Sort: "uploaded_at", Limit: 50, After: after},
		"filtered":            {Status: "completed", Limit: 50}, "name search": {Query: "report", Limit: 50},
		"filename": {Sort: "filename", Limit: 50}, "filename desc": {Sort: "filename", Desc: true, Limit: 50},
		"file_size": {Sort: "file_size", Limit: 50}, "status": {Sort: "status", Desc: true, Limit: 50},
	} {
		lq, err := f.query("org")
		if err != nil {
			t.Fatal(err)
		}
		plan := explain(t, d, lq.page, lq.pageArgs)
		t.Logf("%s:\n%s", name, plan)
		if strings.Contains(plan, "TEMP B-TREE") || !strings.Contains(plan, "USING INDEX") {
			t.Errorf("%s: the page is not read in index order:\n%s", name, plan)
		}
	}
}
