package document

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// seedBenchDocuments stores n documents of one new organization, one a
// second apart, every tenth completed and RAG-ready, in transactions of
// 5,000 rows.
func seedBenchDocuments(b *testing.B, d *db.DB, n int) string {
	ctx := context.Background()
	orgID, now := db.NewID(), db.Now()
	if _, err := d.Exec(ctx, `INSERT INTO organizations (id, name, display_name, slug, created_at, updated_at)
		VALUES (?, 'Bench', 'Bench', 'bench', ?, ?)`, orgID, now, now); err != nil {
		b.Fatal(err)
	}
	base := now.Add(-time.Duration(n) * time.Second)
	for start := 0; start < n; start += 5000 {
		err := d.InTx(ctx, func(q db.Querier) error {
			for i := start; i < min(start+5000, n); i++ {
				status, ready := "uploaded", false
				if i%10 == 0 {
					status, ready = "completed", true
				}
				at := base.Add(time.Duration(i)*time.Second + time.Duration(i%1000)*time.Microsecond)
				if _, err := q.Exec(ctx, `INSERT INTO documents (id, org_id, filename, content_type, kind, file_size, sha256,
					status, rag_ready, conversion_score, uploaded_at, updated_at) VALUES (?, ?, ?, 'text/markdown', 'md', ?, ?, ?, ?, ?, ?, ?)`,
					db.NewID(), orgID, fmt.Sprintf("document-%06d.md", i), 1000+i%5000, fmt.Sprintf("%064d", i), status, ready,
					float64(i%100), at, at); err != nil {
					return err
				}
			}
			return nil
		})
		if err != nil {
			b.Fatal(err)
		}
	}
	if d.Engine() == db.Postgres {
		if _, err := d.Exec(ctx, `ANALYZE documents`); err != nil {
			b.Fatal(err)
		}
	}
	return orgID
}

// BenchmarkList100k reads pages of 50 of an organization with 100,000
// documents, as the API and the web UI ask for them: the first page
// newest first (with and without the total), a keyset page half way
// down (page 1,000), completed and RAG-ready documents, a name search
// matching 100 recent documents and one matching only the oldest (every
// row is read), and the first page by filename.
func BenchmarkList100k(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			orgID := seedBenchDocuments(b, d, 100_000)
			ctx := context.Background()
			mid, err := List(ctx, d, orgID, Filter{Skip: 49_950, Limit: 50, SkipTotal: true})
			if err != nil || mid.Next == "" {
				b.Fatalf("page 1,000: %v", err)
			}
			ready := true
			for _, c := range []struct {
				name string
				f    Filter
			}{
				{"first", Filter{Limit: 50, SkipTotal: true}},
				{"first_with_total", Filter{Limit: 50}},
				{"page_1000_keyset", Filter{Limit: 50, SkipTotal: true, After: mid.Next}},
				{"completed_rag_ready", Filter{Status: "completed", RAGReady: &ready, Limit: 50, SkipTotal: true}},
				{"name_search", Filter{Query: "document-0999", Limit: 50, SkipTotal: true}},
				{"name_search_oldest", Filter{Query: "document-000042", Limit: 50, SkipTotal: true}},
				{"by_filename", Filter{Sort: "filename", Limit: 50, SkipTotal: true}},
			} {
				b.Run(c.name, func(b *testing.B) {
					for b.Loop() {
						p, err := List(ctx, d, orgID, c.f)
						if err != nil || len(p.Documents) == 0 {
							b.Fatalf("%d documents, %v", len(p.Documents), err)
						}
					}
				})
			}
		})
	}
}
