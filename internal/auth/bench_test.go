package auth_test

import (
	"context"
	"syscall"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/user"
)

// benchService returns a service on a fresh SQLite database with one
// organization and one admin user in it.
func benchService(b *testing.B) (*auth.Service, auth.Scope) {
	b.Helper()
	cfg, err := config.FromMap(map[string]string{"BCRYPT_ROUNDS": "4", "JWT_SECRET_KEY": "0123456789abcdef0123456789abcdef"})
	if err != nil {
		b.Fatal(err)
	}
	d := dbtest.New(b)
	ctx := context.Background()
	o := org.Organization{Name: "Bench", Slug: "bench", IsActive: true}
	u := user.User{Email: "bench@example.com", Username: "bench", PasswordHash: "x", IsActive: true}
	err = d.InTx(ctx, func(q db.Querier) error {
		if err := org.Create(ctx, q, &o); err != nil {
			return err
		}
		if err := user.Create(ctx, q, &u); err != nil {
			return err
		}
		return user.AddMembership(ctx, q, &user.Membership{OrgID: o.ID, UserID: u.ID, Role: "org_admin", IsActive: true})
	})
	if err != nil {
		b.Fatal(err)
	}
	s, err := auth.NewService(auth.Options{Config: cfg, DB: d})
	if err != nil {
		b.Fatal(err)
	}
	return s, auth.Scope{OrgID: o.ID, UserID: u.ID, Role: auth.RoleAdmin, Method: auth.MethodJWT}
}

// BenchmarkJWTVerify measures signature, expiry and claim checks only.
func BenchmarkJWTVerify(b *testing.B) {
	s := auth.NewSigner([]byte("0123456789abcdef0123456789abcdef"))
	tok, _, _ := s.Sign(auth.TypeAccess, "u", "o", auth.RoleMember, "s", time.Now(), time.Hour)
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := s.Verify(tok, auth.TypeAccess); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// BenchmarkAuthenticateAPIKey measures a whole key verification: shape
// check, SHA-256, one indexed lookup (SQLite) and the constant-time compare.
func BenchmarkAuthenticateAPIKey(b *testing.B) {
	s, sc := benchService(b)
	_, key, err := s.CreateKey(context.Background(), sc, auth.NewKeyInput{Name: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	ctx := context.Background()
	b.ReportAllocs()
	cpu0 := cpuTime()
	for b.Loop() {
		if _, err := s.AuthenticateAPIKey(ctx, key); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
}

// cpuTime returns the user+system CPU time of the process in nanoseconds
// (on a shared machine wall time overstates the cost).
func cpuTime() int64 {
	var ru syscall.Rusage
	_ = syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return ru.Utime.Nano() + ru.Stime.Nano()
}
