package db_test

import (
	"context"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
)

// TestTimesCompareAsInstantsInAnyZone: times written and compared in
// different zones (and with fractional seconds of any length) order and
// match as instants on both engines. On SQLite times are text, which sorts
// as the instants only when every value is written in the same zone.
func TestTimesCompareAsInstantsInAnyZone(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		if _, err := d.Exec(ctx, `CREATE TABLE tz_probe (n INTEGER NOT NULL, at TIMESTAMPTZ NOT NULL)`); err != nil {
			t.Fatal(err)
		}
		base := time.Date(2026, 12, 6, 9, 0, 25, 0, time.UTC)
		east, west := time.FixedZone("east", 5*3600+1800), time.FixedZone("west", -8*3600)
		// In time order; written in mixed zones, with 0 to 6 fractional digits.
		instants := []time.Time{
			base.In(west), base.Add(1 * time.Microsecond).In(east), base.Add(80640 * time.Microsecond),
			base.Add(80645 * time.Microsecond).In(west), base.Add(100 * time.Millisecond).In(east),
			base.Add(time.Second).In(west), base.Add(2 * time.Hour).In(east), base.Add(3 * time.Hour),
		}
		for i, at := range instants {
			if _, err := d.Exec(ctx, `INSERT INTO tz_probe (n, at) VALUES (?, ?)`, i, at); err != nil {
				t.Fatal(err)
			}
		}
		rows, err := d.Query(ctx, `SELECT n FROM tz_probe ORDER BY at`)
		if err != nil {
			t.Fatal(err)
		}
		order, err := db.Collect(rows, func(s db.Scanner) (n int, err error) { return n, s.Scan(&n) })
		if err != nil {
			t.Fatal(err)
		}
		for i, n := range order {
			if n != i {
				t.Fatalf("ORDER BY at gives %v, want 0..%d", order, len(instants)-1)
			}
		}
		for i, at := range instants {
			var before, equal int
			probe := at.In(time.FixedZone("probe", 3*3600)) // compared from yet another zone
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM tz_probe WHERE at < ?`, probe).Scan(&before); err != nil {
				t.Fatal(err)
			}
			if err := d.QueryRow(ctx, `SELECT COUNT(*) FROM tz_probe WHERE at = ?`, &probe).Scan(&equal); err != nil {
				t.Fatal(err)
			}
			if before != i || equal != 1 {
				t.Errorf("%s: %d rows before and %d equal, want %d and 1", at.UTC().Format(time.RFC3339Nano), before, equal, i)
			}
		}
	})
}
