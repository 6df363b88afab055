package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

// TestAPIKeyScopesEnforced: a read key can only read, a write key cannot
// use admin routes, no key can mint keys, and unknown or role-exceeding
// scopes are refused.
func TestAPIKeyScopesEnforced(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		mk := func(scopes ...string) string {
			var k testenv.APIKey
			if st := env.DoJSON(t, "POST", "/api/v1/api-keys", admin, map[string]any{"name": "scoped", "scopes": scopes}, &k); st != 201 {
				t.Fatalf("create key %v: %d", scopes, st)
			}
			return k.Key
		}
		read, write := mk("read"), mk("write")
		cases := []struct {
			name, method, path, cred string
			body                     any
			want                     int
		}{
			{"read key reads", "GET", "/api/v1/organizations/me", read, nil, 200},
			{"read key renames org", "PUT", "/api/v1/organizations/me", read, map[string]any{"display_name": "x"}, 403},
			{"read key changes profile", "PUT", "/api/v1/users/me", read, map[string]any{"full_name": "x"}, 403},
			{"read key lists members (admin route)", "GET", "/api/v1/organizations/me/users", read, nil, 403},
			{"write key changes profile", "PUT", "/api/v1/users/me", write, map[string]any{"full_name": "x"}, 200},
			{"write key invites (admin route)", "POST", "/api/v1/organizations/me/users", write, map[string]any{"email": "w@example.com"}, 403},
			{"full key invites", "POST", "/api/v1/organizations/me/users", a.adminKey, map[string]any{"email": "f@example.com"}, 201},
			{"a key mints a key", "POST", "/api/v1/api-keys", a.adminKey, map[string]any{"name": "child"}, 403},
			{"unknown scope", "POST", "/api/v1/api-keys", admin, map[string]any{"name": "k", "scopes": []string{"superuser"}}, 422},
			{"member asks for admin scope", "POST", "/api/v1/api-keys", env.LoginAs(t, a.member, a.orgID), map[string]any{"name": "k", "scopes": []string{"admin"}}, 422},
		}
		for _, c := range cases {
			if st, body := env.Do(t, c.method, c.path, c.cred, c.body); st != c.want {
				t.Errorf("%s: %d %s, want %d", c.name, st, body, c.want)
			}
		}
	})
}

// TestDeactivationRevokesCredentials: deactivating a member ends their
// sessions and keys for good; reactivating does not revive them. The same
// for an organization.
func TestDeactivationRevokesCredentials(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		memberKey := env.CreateAPIKey(t, a.memberToken, "member key")
		path := "/api/v1/organizations/me/users/" + a.member.ID
		if st, _ := env.Do(t, "DELETE", path, admin, nil); st != 204 {
			t.Fatalf("deactivate: %d", st)
		}
		if st, _ := env.Do(t, "POST", path+"/reactivate", admin, nil); st != 200 {
			t.Fatalf("reactivate: %d", st)
		}
		for name, cred := range map[string]string{"session": a.memberToken, "api key": memberKey.Key} {
			if st, _ := env.Do(t, "GET", "/api/v1/auth/me", cred, nil); st != http.StatusUnauthorized {
				t.Errorf("member's old %s after reactivation: %d", name, st)
			}
		}
		env.LoginAs(t, a.member, a.orgID) // signing in again works
		// An organization: a system administrator deactivates and reactivates it.
		if err := user.SetSystemAdmin(t.Context(), env.DB, a.admin.ID, true); err != nil {
			t.Fatal(err)
		}
		b := newTenant(t, env, "Bravo")
		sys := env.LoginAs(t, a.admin, a.orgID)
		if st, _ := env.Do(t, "DELETE", "/api/v1/organizations/"+b.orgID, sys, nil); st != 204 {
			t.Fatalf("deactivate org: %d", st)
		}
		if st, _ := env.Do(t, "PUT", "/api/v1/organizations/"+b.orgID, sys, map[string]any{"is_active": true}); st != 200 {
			t.Fatalf("reactivate org: %d", st)
		}
		for name, cred := range map[string]string{"session": b.viewerTok, "api key": b.adminKey} {
			if st, _ := env.Do(t, "GET", "/api/v1/auth/me", cred, nil); st != http.StatusUnauthorized {
				t.Errorf("B's old %s after the organization's reactivation: %d", name, st)
			}
		}
	})
}

// TestAnonymousPrincipalIsLimited: with ENABLE_AUTH=false, even after the
// default organization's first admin (a system administrator) exists, an
// anonymous request is no system administrator and cannot mint API keys,
// change members or act on the admin's account.
func TestAnonymousPrincipalIsLimited(t *testing.T) {
	testenv.Each(t, map[string]string{"ENABLE_AUTH": "false"}, func(t *testing.T, env *testenv.Env) {
		var me struct {
			OrganizationID string `json:"organization_id"`
			IsSystemAdmin  bool   `json:"is_system_admin"`
		}
		env.DoJSON(t, "GET", "/api/v1/auth/me", "", nil, &me)
		root := env.CreateUser(t, me.OrganizationID, auth.RoleAdmin, "Root")
		if err := user.SetSystemAdmin(t.Context(), env.DB, root.ID, true); err != nil {
			t.Fatal(err)
		}
		other := env.CreateUser(t, me.OrganizationID, auth.RoleMember, "Other")
		if env.DoJSON(t, "GET", "/api/v1/auth/me", "", nil, &me); me.IsSystemAdmin {
			t.Fatal("anonymous caller is a system administrator")
		}
		cases := []struct {
			method, path string
			body         any
		}{
			{"POST", "/api/v1/api-keys", map[string]any{"name": "anon"}},
			{"GET", "/api/v1/organizations", nil},
			{"POST", "/api/v1/organizations/me/users", map[string]any{"email": "x@example.com", "role": "org_admin"}},
			{"PUT", "/api/v1/organizations/me/users/" + other.ID, map[string]any{"role": "org_admin"}},
			{"DELETE", "/api/v1/organizations/me/users/" + other.ID, nil},
			{"PUT", "/api/v1/users/me", map[string]any{"full_name": "anon"}},
		}
		for _, c := range cases {
			if st, body := env.Do(t, c.method, c.path, "", c.body); st != http.StatusForbidden {
				t.Errorf("anonymous %s %s: %d %s, want 403", c.method, c.path, st, body)
			}
		}
		// Org data stays usable in this mode.
		if st, _ := env.Do(t, "PUT", "/api/v1/organizations/me", "", map[string]any{"display_name": "Renamed anonymously"}); st != 200 {
			t.Errorf("anonymous organization update: %d", st)
		}
	})
}

// TestSwitchOrganizationAuditHasNoForeignOrg: the row written in the
// target organization does not name the organization the session came
// from (another tenant's id).
func TestSwitchOrganizationAuditHasNoForeignOrg(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a, b := env.CreateOrg(t, "From Org"), env.CreateOrg(t, "To Org")
		u := env.CreateUser(t, a.ID, auth.RoleMember, "Mover")
		env.AddMembership(t, b.ID, u.ID, auth.RoleMember)
		tok := env.LoginAs(t, u, a.ID)
		if st, _ := env.Do(t, "POST", "/api/v1/auth/switch-organization", tok, map[string]string{"organization_id": b.ID}); st != 200 {
			t.Fatalf("switch: %d", st)
		}
		var details string
		err := env.DB.QueryRow(t.Context(), "SELECT CAST(details AS TEXT) FROM audit_logs WHERE action = 'auth.switch_organization' AND org_id = ?", b.ID).Scan(&details)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(details, a.ID) || strings.Contains(details, "from_org_id") {
			t.Fatalf("the target organization's row names the source: %s", details)
		}
	})
}
