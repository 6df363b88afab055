package setting_test

import (
	"context"
	"testing"

	"github.com/curatore/curatore/internal/db/dbtest"
)

// BenchmarkEffective measures one full resolution (three layer reads) for
// an organization and user with values on every layer.
func BenchmarkEffective(b *testing.B) {
	for _, e := range dbtest.Engines() {
		b.Run(string(e), func(b *testing.B) {
			d := dbtest.Open(b, e)
			f := newFixtureTB(b, d)
			s := serviceTB(b, d)
			ctx := context.Background()
			s.UpdateSystem(ctx, f.sys, obj("quality_thresholds", obj("clarity", 6.0)))
			s.UpdateOrg(ctx, f.admin, obj("quality_thresholds", obj("clarity", 8.0), "ocr.psm", 4.0))
			s.UpdateUser(ctx, f.admin, obj("ui.theme", "dark"))
			b.ResetTimer()
			for i := 0; i < b.N; i++ {
				v, err := s.Resolver.Effective(ctx, f.orgID, f.userID)
				if err != nil || v.Thresholds().Clarity != 8 {
					b.Fatal(err)
				}
			}
		})
	}
}
