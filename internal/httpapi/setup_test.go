package httpapi_test

import (
	"context"
	"testing"

	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/testenv"
)

// TestSetupCreatesTheFirstAdminOnce: on a server without users, the
// one-time setup token creates the first administrator (system
// administrator, org_admin of the default organization, signed in); the
// token works once, and setup is closed once a user exists.
func TestSetupCreatesTheFirstAdminOnce(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		tok, err := env.App.Auth.NewSetupToken(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		var st httpapi.SetupStatusResponse
		if env.DoJSON(t, "GET", "/api/v1/setup?token=wrong", "", nil, &st); !st.SetupRequired || st.TokenValid {
			t.Fatalf("status with a wrong token: %+v", st)
		}
		if env.DoJSON(t, "GET", "/api/v1/setup?token="+tok, "", nil, &st); !st.SetupRequired || !st.TokenValid {
			t.Fatalf("status: %+v", st)
		}
		body := map[string]string{"token": "wrong", "email": "root@example.com", "username": "root", "password": "root-password-1"}
		if code, b := env.Do(t, "POST", "/api/v1/setup", "", body); code != 422 {
			t.Fatalf("wrong token: %d %s", code, b)
		}
		body["token"] = tok
		var tokens testenv.Tokens
		if code := env.DoJSON(t, "POST", "/api/v1/setup", "", body, &tokens); code != 201 || tokens.AccessToken == "" {
			t.Fatalf("setup: %d", code)
		}
		var me httpapi.MeResponse
		if env.DoJSON(t, "GET", "/api/v1/auth/me", tokens.AccessToken, nil, &me); !me.IsSystemAdmin || me.Role != "org_admin" ||
			me.OrganizationSlug != env.Config.DefaultOrgSlug || !me.IsVerified {
			t.Fatalf("first admin: %+v", me)
		}
		body["username"], body["email"] = "second", "second@example.com"
		if code, b := env.Do(t, "POST", "/api/v1/setup", "", body); code != 409 && code != 422 {
			t.Fatalf("token reused: %d %s", code, b)
		}
		again, _ := env.App.Auth.NewSetupToken(context.Background())
		body["token"] = again
		if code, b := env.Do(t, "POST", "/api/v1/setup", "", body); code != 409 {
			t.Fatalf("setup with users present: %d %s", code, b)
		}
		if env.DoJSON(t, "GET", "/api/v1/setup?token="+again, "", nil, &st); st.SetupRequired || st.TokenValid {
			t.Fatalf("status after setup: %+v", st)
		}
	})
}
