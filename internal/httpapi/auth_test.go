package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/golang-jwt/jwt/v5"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/testenv"
)

// problem decodes a problem body.
func problem(t *testing.T, b []byte) httpapi.Problem {
	t.Helper()
	var p httpapi.Problem
	if err := json.Unmarshal(b, &p); err != nil {
		t.Fatalf("not a problem: %s", b)
	}
	return p
}

func TestLoginMeAndUniformFailures(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Mia")
		var tok httpapi.TokenResponse
		st := env.DoJSON(t, "POST", "/api/v1/auth/login", "", map[string]string{"email_or_username": strings.ToUpper(u.Email), "password": u.Password}, &tok)
		if st != 200 || tok.TokenType != "bearer" || tok.ExpiresIn != 3600 || tok.User.ID != u.ID || tok.User.Role != "member" ||
			tok.User.OrganizationID != o.ID || tok.User.LastLoginAt == nil || tok.RefreshToken == "" {
			t.Fatalf("login by email: %d %+v", st, tok)
		}
		env.Login(t, u.Username, u.Password, "") // by username
		var me httpapi.MeResponse
		if st := env.DoJSON(t, "GET", "/api/v1/auth/me", tok.AccessToken, nil, &me); st != 200 || me.ID != u.ID ||
			me.OrganizationName != "Acme" || me.Role != "member" || me.AuthMethod != "jwt" || me.Email != u.Email {
			t.Fatalf("me: %d %+v", st, me)
		}
		inactive := env.CreateUser(t, o.ID, auth.RoleMember, "Ina")
		if _, err := env.DB.Exec(context.Background(), "UPDATE users SET is_active = ? WHERE id = ?", false, inactive.ID); err != nil {
			t.Fatal(err)
		}
		invited := env.CreateUser(t, o.ID, auth.RoleMember, "Ivy")
		if _, err := env.DB.Exec(context.Background(), "UPDATE users SET password_hash = '!' WHERE id = ?", invited.ID); err != nil {
			t.Fatal(err)
		}
		cases := []struct{ name, login, password string }{
			{"wrong password", u.Email, "wrong-password"},
			{"no password set yet", invited.Email, "!"},
			{"unknown user", "nobody@example.com", "whatever-password"},
			{"inactive user", inactive.Email, inactive.Password},
			{"too long password", u.Email, strings.Repeat("x", 100)},
		}
		for _, c := range cases {
			st, b := env.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email_or_username": c.login, "password": c.password})
			if p := problem(t, b); st != 401 || p.Detail != "Invalid email/username or password" {
				t.Errorf("%s: %d %+v", c.name, st, p)
			}
		}
		var n int
		_ = env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action = 'auth.login' AND status = 'failure'").Scan(&n)
		if n != len(cases) {
			t.Errorf("failure audit rows %d, want %d", n, len(cases))
		}
		_ = env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action = 'auth.login' AND status = 'success'").Scan(&n)
		if n != 2 {
			t.Errorf("success audit rows %d, want 2", n)
		}
	})
}

func TestRefreshRotatesAndReuseRevokesSession(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Rita")
		first := env.Login(t, u.Email, u.Password, "")
		var second httpapi.TokenResponse
		if st := env.DoJSON(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first.RefreshToken}, &second); st != 200 ||
			second.RefreshToken == first.RefreshToken || second.AccessToken == "" {
			t.Fatalf("refresh: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", second.AccessToken, nil); st != 200 {
			t.Fatalf("new access token: %d", st)
		}
		// The first refresh token comes back: theft assumed, session revoked.
		st, b := env.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": first.RefreshToken})
		if p := problem(t, b); st != 401 || p.Code != "refresh_token_reused" {
			t.Fatalf("reuse: %d %+v", st, p)
		}
		for _, tok := range []string{second.AccessToken, first.AccessToken} {
			if st, _ := env.Do(t, "GET", "/api/v1/auth/me", tok, nil); st != 401 {
				t.Errorf("access token of a revoked session: %d", st)
			}
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": second.RefreshToken}); st != 401 {
			t.Errorf("latest refresh token after reuse: %d", st)
		}
		var n int
		_ = env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action = 'auth.refresh_reuse'").Scan(&n)
		if n != 1 {
			t.Errorf("reuse audit rows %d", n)
		}
	})
}

func TestLogoutRevokesSession(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleViewer, "Leo")
		a := env.Login(t, u.Email, u.Password, "")
		b := env.Login(t, u.Email, u.Password, "")
		if st, _ := env.Do(t, "POST", "/api/v1/auth/logout", a.AccessToken, nil); st != 200 {
			t.Fatalf("logout: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": a.RefreshToken}); st != 401 {
			t.Errorf("refresh after logout: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", a.AccessToken, nil); st != 401 {
			t.Errorf("access after logout: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", b.AccessToken, nil); st != 200 {
			t.Errorf("other session after logout: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/logout-all", b.AccessToken, nil); st != 200 {
			t.Fatalf("logout-all: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", b.AccessToken, nil); st != 401 {
			t.Errorf("access after logout-all: %d", st)
		}
	})
}

func TestForgedTokensRefused(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada")
		good := env.Login(t, u.Email, u.Password, "")
		parsed, _, err := jwt.NewParser().ParseUnverified(good.AccessToken, jwt.MapClaims{})
		if err != nil {
			t.Fatal(err)
		}
		claims := parsed.Claims.(jwt.MapClaims)
		none, _ := jwt.NewWithClaims(jwt.SigningMethodNone, claims).SignedString(jwt.UnsafeAllowNoneSignatureType)
		wrong, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte("another-secret-0123456789abcdef0123456789"))
		hs512, _ := jwt.NewWithClaims(jwt.SigningMethodHS512, claims).SignedString([]byte(testenv.Secret))
		claims["type"] = "refresh"
		asRefresh, _ := jwt.NewWithClaims(jwt.SigningMethodHS256, claims).SignedString([]byte(testenv.Secret))
		cases := map[string]string{"alg none": none, "wrong secret": wrong, "HS512": hs512, "refresh type": asRefresh,
			"garbage": "not.a.jwt", "refresh token as access": good.RefreshToken}
		for name, tok := range cases {
			if st, _ := env.Do(t, "GET", "/api/v1/auth/me", tok, nil); st != 401 {
				t.Errorf("%s: %d", name, st)
			}
		}
		resp := env.Request(t, "GET", "/api/v1/auth/me", nil, nil)
		resp.Body.Close()
		if resp.StatusCode != 401 || resp.Header.Get("WWW-Authenticate") == "" {
			t.Errorf("no credentials: %d %v", resp.StatusCode, resp.Header)
		}
	})
}

func TestAPIKeysBothHeadersRevokeExpire(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Kim")
		tok := env.LoginAs(t, u, "")
		k := env.CreateAPIKey(t, tok, "ci")
		if !strings.HasPrefix(k.Key, "cur_") || len(k.Key) != 68 || !strings.HasPrefix(k.Key, k.Prefix) {
			t.Fatalf("key shape %q prefix %q", k.Key, k.Prefix)
		}
		for _, h := range []testenv.Header{{Name: "Authorization", Value: "Bearer " + k.Key}, {Name: "X-API-Key", Value: k.Key}} {
			resp := env.Request(t, "GET", "/api/v1/auth/me", nil, []testenv.Header{h})
			var me httpapi.MeResponse
			_ = json.NewDecoder(resp.Body).Decode(&me)
			resp.Body.Close()
			if resp.StatusCode != 200 || me.ID != u.ID || me.AuthMethod != "api_key" || me.OrganizationID != o.ID {
				t.Errorf("%s: %d %+v", h.Name, resp.StatusCode, me)
			}
		}
		var list httpapi.APIKeyList
		if st := env.DoJSON(t, "GET", "/api/v1/api-keys", tok, nil, &list); st != 200 || list.Total != 1 ||
			list.Keys[0].LastUsedAt == nil || list.Keys[0].Prefix != k.Prefix {
			t.Fatalf("list: %d %+v", st, list)
		}
		if strings.Contains(mustBody(t, env, tok), k.Key) {
			t.Fatal("list shows the key")
		}
		if st, _ := env.Do(t, "DELETE", "/api/v1/api-keys/"+k.ID, tok, nil); st != 204 {
			t.Fatalf("revoke: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", k.Key, nil); st != 401 {
			t.Errorf("revoked key: %d", st)
		}
		if st, _ := env.Do(t, "DELETE", "/api/v1/api-keys/"+k.ID, tok, nil); st != 409 {
			t.Errorf("revoke twice: %d", st)
		}
		exp := env.CreateAPIKey(t, tok, "short")
		if _, err := env.DB.Exec(context.Background(), "UPDATE api_keys SET expires_at = ? WHERE id = ?", time.Now().UTC().Add(-time.Minute), exp.ID); err != nil {
			t.Fatal(err)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", exp.Key, nil); st != 401 {
			t.Errorf("expired key: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", "cur_"+strings.Repeat("0", 64), nil); st != 401 {
			t.Errorf("unknown key: %d", st)
		}
	})
}

func mustBody(t *testing.T, env *testenv.Env, tok string) string {
	_, b := env.Do(t, "GET", "/api/v1/api-keys", tok, nil)
	return string(b)
}

func TestAPIKeyVisibilityAndRoles(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a, b := env.CreateOrg(t, "Alpha"), env.CreateOrg(t, "Beta")
		admin := env.LoginAs(t, env.CreateUser(t, a.ID, auth.RoleAdmin, "Adm"), "")
		member := env.LoginAs(t, env.CreateUser(t, a.ID, auth.RoleMember, "Mem"), "")
		other := env.LoginAs(t, env.CreateUser(t, a.ID, auth.RoleMember, "Oth"), "")
		viewer := env.LoginAs(t, env.CreateUser(t, a.ID, auth.RoleViewer, "Vic"), "")
		outsider := env.LoginAs(t, env.CreateUser(t, b.ID, auth.RoleAdmin, "Out"), "")
		mk := env.CreateAPIKey(t, member, "member key")
		env.CreateAPIKey(t, admin, "admin key")
		cases := []struct {
			name, method, path, token string
			body                      any
			status                    int
		}{
			{"viewer cannot create", "POST", "/api/v1/api-keys", viewer, map[string]string{"name": "x"}, 403},
			{"viewer cannot revoke", "DELETE", "/api/v1/api-keys/" + mk.ID, viewer, nil, 403},
			{"viewer may list", "GET", "/api/v1/api-keys", viewer, nil, 200},
			{"other member cannot see", "PUT", "/api/v1/api-keys/" + mk.ID, other, map[string]string{"name": "y"}, 404},
			{"other org is 404", "DELETE", "/api/v1/api-keys/" + mk.ID, outsider, nil, 404},
			{"owner renames", "PUT", "/api/v1/api-keys/" + mk.ID, member, map[string]string{"name": "renamed"}, 200},
			{"bad name", "POST", "/api/v1/api-keys", member, map[string]string{"name": ""}, 422},
			{"bad expiry", "POST", "/api/v1/api-keys", member, map[string]any{"name": "n", "expires_days": 400}, 422},
			{"bad limit", "GET", "/api/v1/api-keys?limit=5000", member, nil, 422},
			{"admin revokes another's key", "DELETE", "/api/v1/api-keys/" + mk.ID, admin, nil, 204},
		}
		for _, c := range cases {
			if st, b := env.Do(t, c.method, c.path, c.token, c.body); st != c.status {
				t.Errorf("%s: %d %s", c.name, st, b)
			}
		}
		var list httpapi.APIKeyList
		env.DoJSON(t, "GET", "/api/v1/api-keys", admin, nil, &list)
		if list.Total != 2 {
			t.Errorf("admin lists %d keys, want 2", list.Total)
		}
		env.DoJSON(t, "GET", "/api/v1/api-keys?is_active=true", member, nil, &list)
		if list.Total != 0 {
			t.Errorf("member active keys %d, want 0", list.Total)
		}
		env.DoJSON(t, "GET", "/api/v1/api-keys", outsider, nil, &list)
		if list.Total != 0 {
			t.Errorf("outsider sees %d keys", list.Total)
		}
	})
}

func TestDeactivationEndsAccess(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		ctx := context.Background()
		cases := []struct{ name, sql string }{
			{"user", "UPDATE users SET is_active = ? WHERE id = ?"},
			{"membership", "UPDATE memberships SET is_active = ? WHERE user_id = ?"},
			{"organization", "UPDATE organizations SET is_active = ? WHERE id IN (SELECT org_id FROM memberships WHERE user_id = ?)"},
		}
		for _, c := range cases {
			o := env.CreateOrg(t, "Org "+c.name)
			u := env.CreateUser(t, o.ID, auth.RoleMember, "U "+c.name)
			tok := env.LoginAs(t, u, "")
			k := env.CreateAPIKey(t, tok, "k")
			if _, err := env.DB.Exec(ctx, c.sql, false, u.ID); err != nil {
				t.Fatal(err)
			}
			for _, cred := range []string{tok, k.Key} {
				if st, _ := env.Do(t, "GET", "/api/v1/auth/me", cred, nil); st != 401 {
					t.Errorf("deactivated %s: %d", c.name, st)
				}
			}
		}
	})
}

func TestLoginRateLimited(t *testing.T) {
	testenv.Each(t, map[string]string{"RATE_LIMIT_LOGIN_PER_MINUTE": "3"}, func(t *testing.T, env *testenv.Env) {
		body := map[string]string{"email_or_username": "someone@example.com", "password": "wrong-password"}
		for i := 0; i < 3; i++ {
			if st, _ := env.Do(t, "POST", "/api/v1/auth/login", "", body); st != 401 {
				t.Fatalf("attempt %d: %d", i, st)
			}
		}
		resp := env.Request(t, "POST", "/api/v1/auth/login", body, nil)
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("4th attempt: %d Retry-After=%q", resp.StatusCode, resp.Header.Get("Retry-After"))
		}
	})
}

func TestAccountBackoffAfterRepeatedFailures(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Bo")
		bad := map[string]string{"email_or_username": u.Email, "password": "wrong-password"}
		for i := 0; i < 6; i++ {
			env.Do(t, "POST", "/api/v1/auth/login", "", bad)
		}
		resp := env.Request(t, "POST", "/api/v1/auth/login", map[string]string{"email_or_username": u.Email, "password": u.Password}, nil)
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("after 6 failures: %d", resp.StatusCode)
		}
		other := env.CreateUser(t, o.ID, auth.RoleMember, "Cy")
		env.Login(t, other.Email, other.Password, "") // another account is not slowed
	})
}

func TestSwitchOrganization(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a, b, c := env.CreateOrg(t, "Alpha"), env.CreateOrg(t, "Beta"), env.CreateOrg(t, "Gamma")
		u := env.CreateUser(t, a.ID, auth.RoleMember, "Sam")
		env.AddMembership(t, b.ID, u.ID, auth.RoleViewer)
		tok := env.Login(t, u.Email, u.Password, "beta") // by slug
		var me httpapi.MeResponse
		env.DoJSON(t, "GET", "/api/v1/auth/me", tok.AccessToken, nil, &me)
		if me.OrganizationID != b.ID || me.Role != "viewer" || len(me.Organizations) != 2 {
			t.Fatalf("login to beta: %+v", me)
		}
		var sw httpapi.TokenResponse
		if st := env.DoJSON(t, "POST", "/api/v1/auth/switch-organization", tok.AccessToken, map[string]string{"organization_id": a.ID}, &sw); st != 200 || sw.User.Role != "member" {
			t.Fatalf("switch: %d %+v", st, sw)
		}
		env.DoJSON(t, "GET", "/api/v1/auth/me", sw.AccessToken, nil, &me)
		if me.OrganizationID != a.ID || me.Role != "member" {
			t.Fatalf("after switch: %+v", me)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/switch-organization", sw.AccessToken, map[string]string{"organization_id": c.ID}); st != 422 {
			t.Errorf("switch to a foreign org: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email_or_username": u.Email, "password": u.Password, "organization_id": c.ID}); st != 422 {
			t.Errorf("login to a foreign org: %d", st)
		}
	})
}

func TestAuthDisabledActsAsDefaultAdmin(t *testing.T) {
	testenv.Each(t, map[string]string{"ENABLE_AUTH": "false"}, func(t *testing.T, env *testenv.Env) {
		var me httpapi.MeResponse
		if st := env.DoJSON(t, "GET", "/api/v1/auth/me", "", nil, &me); st != 200 || me.Role != "org_admin" ||
			me.OrganizationSlug != "default" || me.AuthMethod != "anonymous" {
			t.Fatalf("anonymous me: %d %+v", st, me)
		}
		defaultOrg := me.OrganizationID
		o := env.CreateOrg(t, "Other")
		u := env.CreateUser(t, o.ID, auth.RoleViewer, "Val")
		tok := env.LoginAs(t, u, "")
		if st := env.DoJSON(t, "GET", "/api/v1/auth/me", tok, nil, &me); st != 200 || me.ID != u.ID || me.Role != "viewer" {
			t.Fatalf("with credentials: %d %+v", st, me)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", "not-a-token", nil); st != 401 {
			t.Errorf("bad credentials with auth disabled: %d", st)
		}
		// Once the default organization has an admin, anonymous requests act as them.
		admin := env.CreateUser(t, defaultOrg, auth.RoleAdmin, "Def")
		var anon httpapi.MeResponse
		env.DoJSON(t, "GET", "/api/v1/auth/me", "", nil, &anon)
		if anon.ID != admin.ID || anon.Role != "org_admin" || anon.AuthMethod != "anonymous" || anon.OrganizationID != defaultOrg {
			t.Fatalf("anonymous after seeding: %+v", anon)
		}
	})
}
