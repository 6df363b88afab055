package auth_test

import (
	"context"
	"errors"
	"fmt"
	"syscall"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/apperr"
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
	d := dbtest.New(b)
	ctx := context.Background()
	o := org.Organization{Name: "Bench", Slug: "bench", IsActive: true}
	u := user.User{Email: "bench@example.com", Username: "bench", PasswordHash: "x", IsActive: true}
	err := d.InTx(ctx, func(q db.Querier) error {
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
	return newService(b, d), auth.Scope{OrgID: o.ID, UserID: u.ID, Role: auth.RoleAdmin, Method: auth.MethodJWT}
}

// newService returns a service on d with cheap bcrypt.
func newService(t testing.TB, d *db.DB) *auth.Service {
	t.Helper()
	cfg, err := config.FromMap(map[string]string{"BCRYPT_ROUNDS": "4", "JWT_SECRET_KEY": "0123456789abcdef0123456789abcdef"})
	if err != nil {
		t.Fatal(err)
	}
	s, err := auth.NewService(auth.Options{Config: cfg, DB: d})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// BenchmarkJWTVerify measures signature, expiry and claim checks: the first
// use of a token (a new Signer each time, so nothing is cached) and later
// uses (served by the verified-token cache).
func BenchmarkJWTVerify(b *testing.B) {
	secret := []byte("0123456789abcdef0123456789abcdef")
	tok, _, _ := auth.NewSigner(secret).Sign(auth.TypeAccess, "u", "o", auth.RoleMember, "s", time.Now(), time.Hour)
	cached := auth.NewSigner(secret)
	for _, c := range []struct {
		name   string
		signer func() *auth.Signer
	}{
		{"first_use", func() *auth.Signer { return auth.NewSigner(secret) }},
		{"cached", func() *auth.Signer { return cached }},
	} {
		b.Run(c.name, func(b *testing.B) {
			b.ReportAllocs()
			cpu0 := cpuTime()
			for b.Loop() {
				if _, err := c.signer().Verify(tok, auth.TypeAccess); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
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

// BenchmarkLoginFailure compares the three failed-login cases, which must
// cost about the same (bcrypt at cost 10 dominates; an unknown user is
// checked against a dummy hash) so that timing does not reveal accounts.
func BenchmarkLoginFailure(b *testing.B) {
	cfg, err := config.FromMap(map[string]string{"BCRYPT_ROUNDS": "10", "JWT_SECRET_KEY": "0123456789abcdef0123456789abcdef",
		"RATE_LIMIT_LOGIN_PER_MINUTE": "100000"})
	if err != nil {
		b.Fatal(err)
	}
	d := dbtest.New(b)
	ctx := context.Background()
	hash, _ := auth.HashPassword("right-password", 10)
	const accounts = 200 // fewer than 5 failures per account: no backoff
	err = d.InTx(ctx, func(q db.Querier) error {
		for i := 0; i < accounts; i++ {
			for _, active := range []bool{true, false} {
				u := user.User{Email: fmt.Sprintf("u%d-%v@example.com", i, active), Username: fmt.Sprintf("u%d-%v", i, active),
					PasswordHash: hash, IsActive: active}
				if err := user.Create(ctx, q, &u); err != nil {
					return err
				}
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	s, err := auth.NewService(auth.Options{Config: cfg, DB: d})
	if err != nil {
		b.Fatal(err)
	}
	cases := []struct {
		name     string
		login    func(i int) string
		password string
	}{
		{"wrong_password", func(i int) string { return fmt.Sprintf("u%d-true", i%accounts) }, "wrong-password"},
		{"unknown_user", func(i int) string { return fmt.Sprintf("nobody%d", i) }, "wrong-password"},
		{"inactive_user", func(i int) string { return fmt.Sprintf("u%d-false", i%accounts) }, "right-password"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			i := 0
			cpu0 := cpuTime()
			for b.Loop() {
				i++
				if _, err := s.Login(ctx, auth.LoginInput{Login: c.login(i), Password: c.password}); !errors.Is(err, apperr.Unauthenticated) {
					b.Fatalf("login %d: %v", i, err)
				}
			}
			b.ReportMetric(float64(cpuTime()-cpu0)/float64(b.N), "cpu-ns/op")
		})
	}
}
