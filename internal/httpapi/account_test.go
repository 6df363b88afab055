package httpapi_test

import (
	"context"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/testenv"
)

// tokenFrom extracts the token of the link in an email body.
func tokenFrom(t *testing.T, body, path string) string {
	t.Helper()
	i := strings.Index(body, "http")
	if i < 0 {
		t.Fatalf("no link in %q", body)
	}
	link := strings.Fields(body[i:])[0]
	u, err := url.Parse(link)
	if err != nil || u.Path != path || u.Query().Get("token") == "" {
		t.Fatalf("link %q", link)
	}
	return u.Query().Get("token")
}

func TestRegisterClosedByDefault(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		st, b := env.Do(t, "POST", "/api/v1/auth/register", "", map[string]string{"email": "a@example.com", "username": "alice", "password": "password123"})
		if p := problem(t, b); st != 403 || p.Code != "registration_disabled" {
			t.Fatalf("register: %d %+v", st, p)
		}
	})
}

func TestRegisterVerifyAndConflicts(t *testing.T) {
	testenv.Each(t, map[string]string{"ALLOW_REGISTRATION": "true"}, func(t *testing.T, env *testenv.Env) {
		body := map[string]string{"email": "Alice@Example.com", "username": "alice", "password": "password123",
			"full_name": "Alice A", "organization_name": "Alice Corp"}
		var p httpapi.UserProfile
		if st := env.DoJSON(t, "POST", "/api/v1/auth/register", "", body, &p); st != 201 || p.Email != "alice@example.com" ||
			p.Role != "org_admin" || p.IsVerified || p.OrganizationID == "" || p.FullName == nil {
			t.Fatalf("register: %d %+v", st, p)
		}
		cases := []struct {
			name   string
			change map[string]string
			status int
			field  string
		}{
			{"duplicate email", map[string]string{"username": "alice2"}, 409, "email"},
			{"duplicate username", map[string]string{"email": "other@example.com"}, 409, "username"},
			{"password over 72 bytes", map[string]string{"email": "x@example.com", "username": "xx1", "password": strings.Repeat("p", 73)}, 422, "password"},
			{"password too short", map[string]string{"email": "x@example.com", "username": "xx1", "password": "short"}, 422, "password"},
			{"bad email", map[string]string{"email": "not-an-email", "username": "xx1"}, 422, "email"},
			{"join existing org", map[string]string{"email": "x@example.com", "username": "xx1", "organization_id": p.OrganizationID}, 403, ""},
			{"organization name taken", map[string]string{"email": "x@example.com", "username": "xx1"}, 409, "organization_name"},
		}
		for _, c := range cases {
			b := map[string]string{}
			for k, v := range body {
				b[k] = v
			}
			for k, v := range c.change {
				b[k] = v
			}
			st, raw := env.Do(t, "POST", "/api/v1/auth/register", "", b)
			pr := problem(t, raw)
			if st != c.status || (c.field != "" && (len(pr.Errors) == 0 || pr.Errors[0].Field != c.field)) {
				t.Errorf("%s: %d %+v", c.name, st, pr)
			}
		}
		msg := env.Mail.WaitFor(t, "alice@example.com", 1)
		tok := tokenFrom(t, msg.Text, "/verify-email")
		if st := env.DoJSON(t, "POST", "/api/v1/auth/verify-email", "", map[string]string{"token": tok}, &p); st != 200 || !p.IsVerified {
			t.Fatalf("verify: %d %+v", st, p)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/verify-email", "", map[string]string{"token": tok}); st != 422 {
			t.Errorf("verify twice: %d", st)
		}
		env.Login(t, "alice", "password123", "")
		var n int
		_ = env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action IN ('auth.register', 'auth.verify_email') AND status = 'success'").Scan(&n)
		if n != 2 {
			t.Errorf("audit rows %d", n)
		}
		var stored int
		_ = env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM user_tokens WHERE token_hash = ?", tok).Scan(&stored)
		if stored != 0 {
			t.Error("token stored in clear")
		}
	})
}

func TestResendVerificationSameAnswer(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Una")
		if _, err := env.DB.Exec(context.Background(), "UPDATE users SET is_verified = ? WHERE id = ?", false, u.ID); err != nil {
			t.Fatal(err)
		}
		var known, unknown httpapi.MessageResponse
		st1 := env.DoJSON(t, "POST", "/api/v1/auth/resend-verification", "", map[string]string{"email": u.Email}, &known)
		st2 := env.DoJSON(t, "POST", "/api/v1/auth/resend-verification", "", map[string]string{"email": "ghost@example.com"}, &unknown)
		if st1 != 200 || st2 != 200 || known != unknown {
			t.Fatalf("resend: %d %d %q %q", st1, st2, known, unknown)
		}
		first := tokenFrom(t, env.Mail.WaitFor(t, u.Email, 1).Text, "/verify-email")
		env.DoJSON(t, "POST", "/api/v1/auth/resend-verification", "", map[string]string{"email": u.Email}, nil)
		second := tokenFrom(t, env.Mail.WaitFor(t, u.Email, 2).Text, "/verify-email")
		if st, _ := env.Do(t, "POST", "/api/v1/auth/verify-email", "", map[string]string{"token": first}); st != 422 {
			t.Errorf("superseded token: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/verify-email", "", map[string]string{"token": second}); st != 200 {
			t.Errorf("latest token: %d", st)
		}
	})
}

func TestPasswordResetRevokesSessions(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Pat")
		session := env.Login(t, u.Email, u.Password, "")
		var known, unknown httpapi.MessageResponse
		env.DoJSON(t, "POST", "/api/v1/auth/forgot-password", "", map[string]string{"email": strings.ToUpper(u.Email)}, &known)
		env.DoJSON(t, "POST", "/api/v1/auth/forgot-password", "", map[string]string{"email": "ghost@example.com"}, &unknown)
		if known != unknown || known.Message == "" {
			t.Fatalf("forgot answers differ: %q %q", known, unknown)
		}
		tok := tokenFrom(t, env.Mail.WaitFor(t, u.Email, 1).Text, "/reset-password")
		var v httpapi.ResetTokenStatus
		if env.DoJSON(t, "GET", "/api/v1/auth/validate-reset-token/"+tok, "", nil, &v); !v.Valid || v.Email == nil || *v.Email != u.Email {
			t.Fatalf("validate: %+v", v)
		}
		if env.DoJSON(t, "GET", "/api/v1/auth/validate-reset-token/nope", "", nil, &v); v.Valid {
			t.Fatal("bogus token valid")
		}
		st, b := env.Do(t, "POST", "/api/v1/auth/reset-password", "", map[string]string{"token": tok, "new_password": strings.Repeat("n", 73)})
		if p := problem(t, b); st != 422 || len(p.Errors) == 0 || p.Errors[0].Field != "new_password" {
			t.Fatalf("long password: %d %+v", st, p)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/reset-password", "", map[string]string{"token": tok, "new_password": "brand-new-pass"}); st != 200 {
			t.Fatalf("reset: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/reset-password", "", map[string]string{"token": tok, "new_password": "again-new-pass"}); st != 422 {
			t.Errorf("reuse reset token: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", session.AccessToken, nil); st != 401 {
			t.Errorf("old session after reset: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": session.RefreshToken}); st != 401 {
			t.Errorf("old refresh after reset: %d", st)
		}
		env.Login(t, u.Email, "brand-new-pass", "")
		var n int
		_ = env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE action = 'auth.password_reset' AND status = 'success'").Scan(&n)
		if n != 1 {
			t.Errorf("reset audit rows %d", n)
		}
	})
}

func TestForgotPasswordRateLimited(t *testing.T) {
	testenv.Each(t, map[string]string{"RATE_LIMIT_LOGIN_PER_MINUTE": "2"}, func(t *testing.T, env *testenv.Env) {
		for i := 0; i < 2; i++ {
			if st, _ := env.Do(t, "POST", "/api/v1/auth/forgot-password", "", map[string]string{"email": "a@example.com"}); st != 200 {
				t.Fatalf("attempt %d: %d", i, st)
			}
		}
		resp := env.Request(t, "POST", "/api/v1/auth/forgot-password", map[string]string{"email": "a@example.com"}, nil)
		resp.Body.Close()
		if resp.StatusCode != 429 || resp.Header.Get("Retry-After") == "" {
			t.Fatalf("3rd: %d", resp.StatusCode)
		}
	})
}

func TestPublicAuthRoutesRateLimited(t *testing.T) {
	overrides := map[string]string{"RATE_LIMIT_LOGIN_PER_MINUTE": "2", "ALLOW_REGISTRATION": "true"}
	testenv.Each(t, overrides, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Rae")
		tok := env.Login(t, u.Email, u.Password, "")
		cases := []struct {
			name, path string
			body       func(i int) any
		}{
			{"register", "/api/v1/auth/register", func(i int) any {
				return map[string]string{"email": "r" + string(rune('a'+i)) + "@example.com", "username": "reg" + string(rune('a'+i)), "password": "password123"}
			}},
			{"refresh", "/api/v1/auth/refresh", func(i int) any { return map[string]string{"refresh_token": tok.RefreshToken + "x"} }},
			{"resend-verification", "/api/v1/auth/resend-verification", func(i int) any { return map[string]string{"email": "q@example.com"} }},
		}
		for _, c := range cases {
			limited := false
			for i := 0; i < 3 && !limited; i++ {
				resp := env.Request(t, "POST", c.path, c.body(i), nil)
				resp.Body.Close()
				limited = resp.StatusCode == 429 && resp.Header.Get("Retry-After") != ""
			}
			if !limited {
				t.Errorf("%s: never limited", c.name)
			}
		}
	})
}

func TestLogoutWithAPIKeyAndAuditOfKeys(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleMember, "Kai")
		tok := env.LoginAs(t, u, "")
		k := env.CreateAPIKey(t, tok, "audit me")
		if st, _ := env.Do(t, "POST", "/api/v1/auth/logout", k.Key, nil); st != 422 {
			t.Errorf("logout with an API key: %d", st)
		}
		env.Do(t, "DELETE", "/api/v1/api-keys/"+k.ID, tok, nil)
		rows, err := env.DB.Query(context.Background(), "SELECT action, COALESCE(CAST(details AS TEXT), '') FROM audit_logs WHERE entity_id = ? ORDER BY created_at", k.ID)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		var actions []string
		for rows.Next() {
			var a, d string
			_ = rows.Scan(&a, &d)
			if strings.Contains(d, k.Key) {
				t.Errorf("%s row holds the key", a)
			}
			actions = append(actions, a)
		}
		if strings.Join(actions, ",") != "api_key.create,api_key.revoke" {
			t.Errorf("audit actions %v", actions)
		}
	})
}

func TestOpenAPIListsAuthRoutes(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	var spec struct {
		Paths map[string]map[string]any `json:"paths"`
	}
	env.DoJSON(t, "GET", "/openapi.json", "", nil, &spec)
	for _, rt := range env.App.API.Routes() {
		if strings.HasPrefix(rt.Path, "/api/v1/auth/") || strings.HasPrefix(rt.Path, "/api/v1/api-keys") {
			if spec.Paths[rt.Path][strings.ToLower(rt.Method)] == nil {
				t.Errorf("openapi lacks %s %s", rt.Method, rt.Path)
			}
		}
	}
	if spec.Paths["/api/v1/auth/login"] == nil || spec.Paths["/api/v1/api-keys/{id}"] == nil {
		t.Fatal("auth routes missing from the spec")
	}
}

// TestPasswordResetThroughSMTP runs the configured SMTP backend end to end:
// forgot-password mails the link to a loopback SMTP server, and the token in
// it resets the password.
func TestPasswordResetThroughSMTP(t *testing.T) {
	srv := testenv.StartSMTP(t, nil)
	overrides := map[string]string{"EMAIL_BACKEND": "smtp", "SMTP_HOST": "127.0.0.1", "SMTP_PORT": strconv.Itoa(srv.Port()),
		"SMTP_USE_TLS": "false", "SMTP_USERNAME": "mailer", "SMTP_PASSWORD": "pw", "FRONTEND_BASE_URL": "https://app.example.com/"}
	env := testenv.New(t, "sqlite", overrides)
	o := env.CreateOrg(t, "Acme")
	u := env.CreateUser(t, o.ID, auth.RoleMember, "Sol")
	env.DoJSON(t, "POST", "/api/v1/auth/forgot-password", "", map[string]string{"email": u.Email}, nil)
	got := srv.Last(t)
	if !strings.Contains(got.Rcpt, u.Email) || got.Auth != "\x00mailer\x00pw" || !strings.Contains(got.Data, "https://app.example.com/reset-password?token=") {
		t.Fatalf("mail: %+v", got)
	}
	body := got.Data[strings.Index(got.Data, "\r\n\r\n"):]
	tok := tokenFrom(t, strings.ReplaceAll(body, "\r\n", "\n"), "/reset-password")
	if st, b := env.Do(t, "POST", "/api/v1/auth/reset-password", "", map[string]string{"token": tok, "new_password": "via-smtp-pass"}); st != 200 {
		t.Fatalf("reset: %d %s", st, b)
	}
	env.Login(t, u.Email, "via-smtp-pass", "")
}
