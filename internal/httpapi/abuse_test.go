package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/testenv"
)

// TestLongIdentifiersRefused: logins and addresses over 320 bytes are a
// 422 before they reach a limiter table or the database.
func TestLongIdentifiersRefused(t *testing.T) {
	testenv.Each(t, map[string]string{"ALLOW_REGISTRATION": "true"}, func(t *testing.T, env *testenv.Env) {
		long := strings.Repeat("a", 321) + "@example.com"
		cases := map[string]any{
			"/api/v1/auth/login":               map[string]string{"email_or_username": long, "password": "whatever-pass"},
			"/api/v1/auth/register":            map[string]string{"email": long, "username": "longname", "password": "whatever-pass"},
			"/api/v1/auth/forgot-password":     map[string]string{"email": long},
			"/api/v1/auth/resend-verification": map[string]string{"email": long},
		}
		for path, body := range cases {
			if st, b := env.Do(t, "POST", path, "", body); st != http.StatusUnprocessableEntity {
				t.Errorf("%s with a %d-byte identifier: %d %s", path, len(long), st, b)
			}
		}
	})
}

// TestRefusedPasswordRequestsCostNoHash: a bad reset token and a wrong
// current password are refused before the new password is hashed; both
// are rate-limited per IP and account, and their audit rows coalesce.
func TestRefusedPasswordRequestsCostNoHash(t *testing.T) {
	testenv.Each(t, map[string]string{"RATE_LIMIT_LOGIN_PER_MINUTE": "3"}, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Cpu")
		tok := env.LoginAs(t, u, o.ID)
		before := auth.HashCount()
		for i := 0; i < 3; i++ {
			if st, b := env.Do(t, "POST", "/api/v1/auth/reset-password", "", map[string]string{"token": "bogus" + strings.Repeat("x", i), "new_password": "brand-new-pass"}); st != 422 {
				t.Fatalf("bad reset token %d: %d %s", i, st, b)
			}
			body := map[string]string{"current_password": "wrong-password", "new_password": "brand-new-pass"}
			if st, b := env.Do(t, "POST", "/api/v1/users/me/password", tok, body); st != 422 {
				t.Fatalf("wrong current password %d: %d %s", i, st, b)
			}
		}
		if n := auth.HashCount() - before; n != 0 {
			t.Errorf("refused requests computed %d bcrypt hashes", n)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/reset-password", "", map[string]string{"token": "bogus-again", "new_password": "brand-new-pass"}); st != 429 {
			t.Errorf("4th bad reset token from one IP: %d, want 429", st)
		}
		body := map[string]string{"current_password": testenv.Password, "new_password": "brand-new-pass"}
		if st, _ := env.Do(t, "POST", "/api/v1/users/me/password", tok, body); st != 429 {
			t.Errorf("4th password change in a minute: %d, want 429", st)
		}
		for action, want := range map[string]int{"auth.password_reset": 1, "user.password_change": 1} {
			var n int
			_ = env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action = ? AND status = 'failure'", action).Scan(&n)
			if n != want {
				t.Errorf("%s: %d failure rows for 3 attempts, want %d (coalesced)", action, n, want)
			}
		}
	})
}

// TestLoginLimitsSharedAcrossServers: two servers on one PostgreSQL
// database (replicas behind a load balancer) enforce one login limit and
// one back-off per account, not one each; the refusal is the same 429
// problem with Retry-After.
func TestLoginLimitsSharedAcrossServers(t *testing.T) {
	u := dbtest.URL(t, db.Postgres)
	limit := map[string]string{"RATE_LIMIT_LOGIN_PER_MINUTE": "3"}
	servers := []*testenv.Env{testenv.NewAt(t, u, limit), testenv.NewAt(t, u, limit)}
	body := map[string]string{"email_or_username": "someone@example.com", "password": "wrong-password"}
	for i := 0; i < 3; i++ {
		if st, b := servers[i%2].Do(t, "POST", "/api/v1/auth/login", "", body); st != 401 {
			t.Fatalf("attempt %d: %d %s", i, st, b)
		}
	}
	for i, env := range servers {
		resp := env.Request(t, "POST", "/api/v1/auth/login", body, nil)
		var p struct{ Code string }
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		_ = json.Unmarshal(raw, &p)
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" || p.Code != "rate_limited" ||
			resp.Header.Get("Content-Type") != "application/problem+json" {
			t.Fatalf("server %d, 4th attempt in all: %d Retry-After=%q %s", i, resp.StatusCode, resp.Header.Get("Retry-After"), raw)
		}
	}

	a, b := testenv.NewAt(t, u, nil), testenv.NewAt(t, u, nil)
	o := a.CreateOrg(t, "Acme")
	usr := a.CreateUser(t, o.ID, auth.RoleMember, "Bo")
	bad := map[string]string{"email_or_username": usr.Email, "password": "wrong-password"}
	for i := 0; i < 6; i++ {
		[]*testenv.Env{a, b}[i%2].Do(t, "POST", "/api/v1/auth/login", "", bad)
	}
	good := map[string]string{"email_or_username": usr.Email, "password": usr.Password}
	for i, env := range []*testenv.Env{a, b} {
		if st, raw := env.Do(t, "POST", "/api/v1/auth/login", "", good); st != 429 {
			t.Fatalf("server %d after 6 failures spread over two servers: %d %s", i, st, raw)
		}
	}
}
