package migrate_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/migrate"
	"github.com/curatore/curatore/internal/org"
)

// benchRows is the size of the generated audit log copied per iteration.
const benchRows = 20000

// BenchmarkCopy copies a SQLite database holding benchRows audit rows (with
// JSON details) into a fresh database of each engine, verification
// included, and reports rows per second.
func BenchmarkCopy(b *testing.B) {
	ctx := context.Background()
	src := dbtest.New(b)
	o := org.Organization{Name: "Bench", Slug: "bench", IsActive: true}
	if err := org.Create(ctx, src, &o); err != nil {
		b.Fatal(err)
	}
	err := src.InTx(ctx, func(q db.Querier) error {
		for i := 0; i < benchRows; i++ {
			_, err := q.Exec(ctx, `INSERT INTO audit_logs (id, org_id, action, entity_type, entity_id, details, status, created_at)
				VALUES (?, ?, 'document.process', 'document', ?, ?, 'success', ?)`, db.NewID(), o.ID, fmt.Sprint(i),
				fmt.Sprintf(`{"filename": "report-%d.pdf", "pages": %d, "ok": true}`, i, i%40), db.Now().Add(-time.Duration(i)*time.Second))
			if err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	for _, e := range dbtest.Engines() {
		b.Run("to "+string(e), func(b *testing.B) {
			var total time.Duration
			for i := 0; i < b.N; i++ {
				b.StopTimer()
				dst := dbtest.OpenEmpty(b, e)
				b.StartTimer()
				start := time.Now()
				if _, err := migrate.Copy(ctx, src, dst, migrate.Options{}); err != nil {
					b.Fatal(err)
				}
				total += time.Since(start)
			}
			b.ReportMetric(float64(benchRows*b.N)/total.Seconds(), "rows/s")
		})
	}
}
