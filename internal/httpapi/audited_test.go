package httpapi_test

import (
	"context"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

// auditedCall is how to call one mutating route successfully.
type auditedCall struct {
	route  string // "METHOD /path pattern"
	path   string // concrete path
	token  string
	body   any
	status int
}

// TestEveryMutationIsAudited calls every authenticated mutating route of
// the route table successfully, in an order where each call makes sense,
// and checks that each one wrote exactly one new success audit row. A
// mutating route missing from the list fails the test, so a route added
// later must show it is audited.
func TestEveryMutationIsAudited(t *testing.T) {
	// No workers: the jobs the calls make stay queued, so they can be
	// cancelled and retried deterministically.
	testenv.Each(t, map[string]string{"WORKER_CONCURRENCY": "0"}, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		ctx := context.Background()
		if err := user.SetSystemAdmin(ctx, env.DB, a.admin.ID, true); err != nil {
			t.Fatal(err)
		}
		other := env.CreateOrg(t, "Other")
		env.AddMembership(t, other.ID, a.admin.ID, auth.RoleAdmin)
		admin := env.LoginAs(t, a.admin, a.orgID)
		target := env.CreateOrg(t, "Target")
		key := env.CreateAPIKey(t, admin, "to be changed")
		var inv struct {
			ID string `json:"id"`
		}
		env.DoJSON(t, "POST", "/api/v1/organizations/me/users", admin, map[string]any{"email": "to-revoke@example.com"}, &inv)
		exported := seedExport(t, env, admin, a.orgID, "exported.md", "# Exported\n\ntext\n", nil, true)
		const users = "/api/v1/organizations/me/users/"
		const conns = "/api/v1/connections/"
		const hooks = "/api/v1/webhooks/"
		calls := []auditedCall{
			{"POST /api/v1/documents/download/bulk", "/api/v1/documents/download/bulk", admin, map[string]any{"document_ids": []string{exported}}, 200},
			{"PUT /api/v1/organizations/me", "/api/v1/organizations/me", admin, map[string]any{"display_name": "A2"}, 200},
			{"PUT /api/v1/organizations/me/settings", "/api/v1/organizations/me/settings", admin, map[string]any{"settings": map[string]any{"auto_optimize": false}}, 200},
			{"PUT /api/v1/settings/system", "/api/v1/settings/system", admin, map[string]any{"settings": map[string]any{"ui": map[string]any{"page_size": 50}}}, 200},
			{"PUT /api/v1/users/me/settings", "/api/v1/users/me/settings", admin, map[string]any{"settings": map[string]any{"ui.theme": "dark"}}, 200},
			{"POST /api/v1/organizations", "/api/v1/organizations", admin, map[string]any{"name": "Fresh Org"}, 201},
			{"PUT /api/v1/organizations/{id}", "/api/v1/organizations/" + target.ID, admin, map[string]any{"display_name": "T2"}, 200},
			{"DELETE /api/v1/organizations/{id}", "/api/v1/organizations/" + target.ID, admin, nil, 204},
			{"POST /api/v1/organizations/me/users", "/api/v1/organizations/me/users", admin, map[string]any{"email": "fresh@example.com"}, 201},
			{"DELETE /api/v1/organizations/me/invitations/{id}", "/api/v1/organizations/me/invitations/" + inv.ID, admin, nil, 204},
			{"PUT /api/v1/organizations/me/users/{id}", users + a.viewer.ID, admin, map[string]any{"role": "member"}, 200},
			{"DELETE /api/v1/organizations/me/users/{id}", users + a.viewer.ID, admin, nil, 204},
			{"POST /api/v1/organizations/me/users/{id}/reactivate", users + a.viewer.ID + "/reactivate", admin, nil, 200},
			{"POST /api/v1/api-keys", "/api/v1/api-keys", admin, map[string]any{"name": "k"}, 201},
			{"PUT /api/v1/api-keys/{id}", "/api/v1/api-keys/" + key.ID, admin, map[string]any{"name": "renamed"}, 200},
			{"DELETE /api/v1/api-keys/{id}", "/api/v1/api-keys/" + key.ID, admin, nil, 204},
			{"PUT /api/v1/users/me", "/api/v1/users/me", admin, map[string]any{"full_name": "Admin A"}, 200},
			{"POST /api/v1/users/me/password", "/api/v1/users/me/password", admin,
				map[string]any{"current_password": testenv.Password, "new_password": "a-brand-new-password"}, 200},
			{"PUT /api/v1/connections/{id}", conns + a.connectionID, admin, map[string]any{"description": "changed"}, 200},
			{"POST /api/v1/connections/{id}/test", conns + a.connectionID + "/test", admin, nil, 200},
			{"POST /api/v1/connections/{id}/set-default", conns + a.connectionID + "/set-default", admin, nil, 200},
			{"DELETE /api/v1/connections/{id}", conns + a.connectionID, admin, nil, 204},
			{"POST /api/v1/connections", "/api/v1/connections", admin,
				map[string]any{"name": "Second", "connection_type": "llm", "test_on_save": false, "config": map[string]any{"model": "m"}}, 201},
			{"POST /api/v1/webhooks", "/api/v1/webhooks", admin, map[string]any{"url": "http://127.0.0.1:9/new", "events": []string{"job.completed"}}, 201},
			{"PATCH /api/v1/webhooks/{id}", hooks + a.webhookID, admin, map[string]any{"description": "changed"}, 200},
			{"POST /api/v1/webhooks/{id}/rotate-secret", hooks + a.webhookID + "/rotate-secret", admin, nil, 200},
			{"POST /api/v1/webhooks/{id}/ping", hooks + a.webhookID + "/ping", admin, nil, 200},
			{"DELETE /api/v1/webhooks/{id}", hooks + a.webhookID, admin, nil, 204},
			{"POST /api/v1/auth/switch-organization", "/api/v1/auth/switch-organization", admin, map[string]any{"organization_id": other.ID}, 200},
			{"POST /api/v1/auth/logout", "/api/v1/auth/logout", admin, nil, 200},
			{"POST /api/v1/auth/logout-all", "/api/v1/auth/logout-all", a.memberToken, nil, 200},
		}
		covered := map[string]bool{}
		for _, c := range calls {
			covered[c.route] = true
			before := countRows(t, env, "success")
			if st, body := env.Do(t, methodOf(c.route), c.path, c.token, c.body); st != c.status {
				t.Fatalf("%s: %d %s, want %d", c.route, st, body, c.status)
			}
			if after := countRows(t, env, "success"); after != before+1 {
				t.Errorf("%s wrote %d success audit rows, want 1", c.route, after-before)
			}
		}
		for _, route := range auditDocumentCalls(t, env, env.Login(t, a.admin.Email, "a-brand-new-password", a.orgID).AccessToken) {
			covered[route] = true
		}
		for _, route := range auditSourceCalls(t, env) {
			covered[route] = true
		}
		for _, rt := range env.App.API.Routes() {
			if rt.Method == "GET" || rt.Access == httpapi.Public {
				continue
			}
			if key := rt.Method + " " + rt.Path; !covered[key] {
				t.Errorf("%s mutates but is not in the audit test; add a successful call for it", key)
			}
		}
	})
}

func methodOf(route string) string {
	method, _, _ := strings.Cut(route, " ")
	return method
}

func countRows(t *testing.T, env *testenv.Env, status string) int {
	t.Helper()
	var n int
	if err := env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE status = ?", status).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}
