package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/webhook"
)

// tenant is one organization of the matrix with a user of every role and
// an API key of its admin.
type tenant struct {
	orgID                  string
	docID, jobID, batchID  string // a processed document, its job and batch
	admin, member, viewer  testenv.User
	adminKey, adminKeyID   string
	memberToken, viewerTok string
	connectionID           string
	invitationID           string // a pending invitation
	sourceID               string // a SharePoint source
	webhookID              string // an endpoint (on a closed loopback port)
}

func newTenant(t *testing.T, env *testenv.Env, name string) tenant {
	o := env.CreateOrg(t, name)
	tn := tenant{orgID: o.ID,
		admin:  env.CreateUser(t, o.ID, auth.RoleAdmin, name+" admin"),
		member: env.CreateUser(t, o.ID, auth.RoleMember, name+" member"),
		viewer: env.CreateUser(t, o.ID, auth.RoleViewer, name+" viewer")}
	k := env.CreateAPIKey(t, env.LoginAs(t, tn.admin, o.ID), name+" key")
	tn.adminKey, tn.adminKeyID = k.Key, k.ID
	var inv struct {
		ID string `json:"id"`
	}
	if st := env.DoJSON(t, "POST", "/api/v1/organizations/me/users", env.LoginAs(t, tn.admin, o.ID),
		map[string]any{"email": "invitee-" + slugOf(name) + "@example.com"}, &inv); st != http.StatusCreated {
		t.Fatalf("invite: %d", st)
	}
	tn.invitationID = inv.ID
	tn.memberToken = env.LoginAs(t, tn.member, o.ID)
	tn.viewerTok = env.LoginAs(t, tn.viewer, o.ID)
	// Processed before the LLM connection exists: its URL answers nothing,
	// and the review would wait out its retries.
	tn.docID, tn.jobID, tn.batchID = processedDocument(t, env, tn.memberToken, name)
	off := false
	c, err := env.App.Connections.Create(context.Background(), auth.Scope{OrgID: o.ID, UserID: tn.admin.ID, Role: auth.RoleAdmin},
		connection.CreateInput{Name: name + " LLM", Type: "llm", TestOnSave: &off,
			Config: map[string]any{"base_url": "http://127.0.0.1:9/v1", "api_key": "sk-" + name, "model": "m"}})
	if err != nil {
		t.Fatal(err)
	}
	tn.connectionID = c.ID
	// Subscribed to an event nothing here emits, so its log stays empty.
	hook, _, err := env.App.Webhooks.Create(context.Background(), auth.Scope{OrgID: o.ID, UserID: tn.admin.ID, Role: auth.RoleAdmin},
		webhook.CreateInput{URL: "http://127.0.0.1:9/" + slugOf(name), Events: []string{webhook.EventSourceSynced}})
	if err != nil {
		t.Fatal(err)
	}
	tn.webhookID = hook.ID
	tn.sourceID = newSource(t, env, tn.memberToken, name)
	return tn
}

// resourceOf maps every path parameter of the route table to one of A's
// resources. A route whose parameters are not listed fails the matrix, so a
// route added later must be added here to be covered.
func resourceOf(a tenant) map[string]string {
	return map[string]string{
		"/api/v1/api-keys/{id}":                          a.adminKeyID,
		"/api/v1/organizations/{id}":                     a.orgID,
		"/api/v1/organizations/me/users/{id}":            a.member.ID,
		"/api/v1/organizations/me/users/{id}/reactivate": a.member.ID,
		"/api/v1/connections/{id}":                       a.connectionID,
		"/api/v1/connections/{id}/test":                  a.connectionID,
		"/api/v1/connections/{id}/set-default":           a.connectionID,
		"/api/v1/organizations/me/invitations/{id}":      a.invitationID,
		"/api/v1/documents/{id}":                         a.docID,
		"/api/v1/documents/{id}/download":                a.docID,
		"/api/v1/documents/{id}/source":                  a.docID,
		"/api/v1/documents/{id}/rag-ready":               a.docID,
		"/api/v1/documents/{id}/process":                 a.docID,
		"/api/v1/documents/{id}/evaluate":                a.docID,
		"/api/v1/documents/{id}/result":                  a.docID,
		"/api/v1/documents/{id}/results":                 a.docID,
		"/api/v1/documents/{id}/versions":                a.docID,
		"/api/v1/documents/{id}/versions/{n}":            a.docID, // fills {n} too: a version A's document has not
		"/api/v1/documents/{id}/content":                 a.docID,
		"/api/v1/documents/{id}/chunks":                  a.docID,
		"/api/v1/jobs/{id}":                              a.jobID,
		"/api/v1/jobs/{id}/cancel":                       a.jobID,
		"/api/v1/jobs/{id}/retry":                        a.jobID,
		"/api/v1/jobs/{id}/events":                       a.jobID,
		"/api/v1/jobs/by-document/{id}":                  a.docID,
		"/api/v1/batches/{id}":                           a.batchID,
		"/api/v1/batches/{id}/cancel":                    a.batchID,
		"/api/v1/batches/{id}/retry-failed":              a.batchID,
		"/api/v1/batches/{id}/events":                    a.batchID,
		"/api/v1/sources/{id}":                           a.sourceID,
		"/api/v1/sources/{id}/sync":                      a.sourceID,
		"/api/v1/webhooks/{id}":                          a.webhookID,
		"/api/v1/webhooks/{id}/rotate-secret":            a.webhookID,
		"/api/v1/webhooks/{id}/deliveries":               a.webhookID,
		"/api/v1/webhooks/{id}/ping":                     a.webhookID,
	}
}

// sampleBodies are valid bodies, so that handlers get past validation and
// reach the lookup that must not find another tenant's data.
var sampleBodies = map[string]any{
	"PUT /api/v1/api-keys/{id}":                           map[string]any{"name": "renamed"},
	"PUT /api/v1/organizations/{id}":                      map[string]any{"display_name": "taken over"},
	"PUT /api/v1/organizations/me/users/{id}":             map[string]any{"role": "viewer"},
	"POST /api/v1/organizations":                          map[string]any{"name": "Matrix Org"},
	"POST /api/v1/organizations/me/users":                 map[string]any{"email": "new-person@example.com"},
	"PUT /api/v1/organizations/me":                        map[string]any{"display_name": "B renamed"},
	"PUT /api/v1/organizations/me/settings":               map[string]any{"settings": map[string]any{"ui": map[string]any{"theme": "dark"}}},
	"PUT /api/v1/settings/system":                         map[string]any{"settings": map[string]any{"ui.page_size": 50}},
	"PUT /api/v1/users/me/settings":                       map[string]any{"settings": map[string]any{"ui.theme": "light"}},
	"POST /api/v1/api-keys":                               map[string]any{"name": "k"},
	"POST /api/v1/auth/switch-organization":               map[string]any{"organization_id": "x"},
	"PUT /api/v1/users/me":                                map[string]any{"full_name": "Me"},
	"POST /api/v1/users/me/password":                      map[string]any{"current_password": "wrong", "new_password": "another-long-password"},
	"POST /api/v1/organizations/me/users/{id}/reactivate": nil,
	"POST /api/v1/connections":                            map[string]any{"name": "Matrix LLM", "connection_type": "llm", "test_on_save": false, "config": map[string]any{"model": "m", "base_url": "http://127.0.0.1:9/v1"}},
	"PUT /api/v1/connections/{id}":                        map[string]any{"name": "taken over", "config": map[string]any{"api_key": "sk-stolen"}},
	"POST /api/v1/documents/upload":                       &testenv.Form{Files: []testenv.File{{Name: "m.md", Content: []byte("# M\n")}}},
	"POST /api/v1/documents/delete":                       map[string]any{"document_ids": []string{"x"}},
	"POST /api/v1/documents/batch/process":                map[string]any{"document_ids": []string{"x"}},
	"PUT /api/v1/documents/{id}/rag-ready":                map[string]any{"rag_ready": true, "reason": "checked"},
	"PUT /api/v1/documents/{id}/content":                  map[string]any{"content": "# Taken over"},
	"POST /api/v1/sharepoint/inventory":                   map[string]any{"folder_url": "https://contoso.sharepoint.com/:f:/s/x"},
	"POST /api/v1/sharepoint/import":                      map[string]any{"folder_url": "https://contoso.sharepoint.com/:f:/s/x", "all": true},
	"POST /api/v1/sources":                                map[string]any{"name": "Matrix source", "folder_url": "https://contoso.sharepoint.com/:f:/s/x"},
	"PUT /api/v1/sources/{id}":                            map[string]any{"name": "taken over", "folder_url": "https://evil.example/x"},
	"POST /api/v1/webhooks":                               map[string]any{"url": "http://127.0.0.1:9/matrix", "events": []string{"job.failed"}},
	"PATCH /api/v1/webhooks/{id}":                         map[string]any{"url": "http://127.0.0.1:9/taken-over", "is_active": false},
}

func slugOf(name string) string { return strings.ToLower(strings.ReplaceAll(name, " ", "-")) }

var param = regexp.MustCompile(`\{[a-z_]+\}`)

// snapshot is everything of one organization the matrix must leave intact.
func snapshot(t *testing.T, env *testenv.Env, orgID string) string {
	t.Helper()
	queries := []string{
		"SELECT id || name || display_name || slug || CAST(is_active AS TEXT) || CAST(settings AS TEXT) FROM organizations WHERE id = ?",
		"SELECT user_id || role || CAST(is_active AS TEXT) FROM memberships WHERE org_id = ? ORDER BY user_id",
		"SELECT u.id || u.email || u.username || COALESCE(u.full_name, '') || u.password_hash || CAST(u.is_active AS TEXT) FROM users u JOIN memberships m ON m.user_id = u.id WHERE m.org_id = ? ORDER BY u.id",
		"SELECT id || name || CAST(is_active AS TEXT) FROM api_keys WHERE org_id = ? ORDER BY id",
		"SELECT id || name || CAST(config AS TEXT) || COALESCE(secrets, '') || CAST(is_default AS TEXT) || COALESCE(test_status, '') FROM connections WHERE org_id = ? ORDER BY id",
		"SELECT id || email || role || COALESCE(CAST(revoked_at AS TEXT), '') FROM invitations WHERE org_id = ? ORDER BY id",
		"SELECT id || filename || status || CAST(rag_ready AS TEXT) || CAST(current_version AS TEXT) FROM documents WHERE org_id = ? ORDER BY id",
		"SELECT id || status FROM jobs WHERE org_id = ? ORDER BY id",
		"SELECT CAST(COUNT(*) AS TEXT) FROM document_versions WHERE org_id = ?",
		"SELECT id FROM batches WHERE org_id = ? ORDER BY id",
		"SELECT id || name || folder_url || COALESCE(last_sync_job_id, '') FROM sources WHERE org_id = ? ORDER BY id",
		"SELECT id || url || description || events || CAST(is_active AS TEXT) || secret_sealed FROM webhooks WHERE org_id = ? ORDER BY id",
		"SELECT CAST(COUNT(*) AS TEXT) FROM webhook_deliveries WHERE org_id = ?",
	}
	var b strings.Builder
	for _, q := range queries {
		rows, err := env.DB.Query(context.Background(), q, orgID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var s string
			if err := rows.Scan(&s); err != nil {
				t.Fatal(err)
			}
			b.WriteString(s + "\n")
		}
		rows.Close()
	}
	return b.String()
}

// TestCrossTenantMatrix sends org B's admin credentials (a JWT and an API
// key) to every authenticated route, aimed at org A's resources: routes
// with an id answer 404 (403 for system-admin routes, which refuse every
// id alike), lists show nothing of A, and A's rows are unchanged.
func TestCrossTenantMatrix(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a, b := newTenant(t, env, "Alpha"), newTenant(t, env, "Bravo")
		resources := resourceOf(a)
		secretsOfA := []string{a.orgID, a.admin.ID, a.member.ID, a.viewer.ID, a.admin.Email, a.adminKeyID, a.connectionID, "Alpha LLM"}
		before := snapshot(t, env, a.orgID)
		// Routes without ids first: afterwards B's own audit log holds the
		// ids of A that B sent in its failed attempts, which is no leak.
		routes := slices.Clone(env.App.API.Routes())
		sort.SliceStable(routes, func(i, j int) bool {
			return !param.MatchString(routes[i].Path) && param.MatchString(routes[j].Path)
		})
		for _, rt := range routes {
			if rt.Access == httpapi.Public {
				continue
			}
			path := rt.Path
			if param.MatchString(path) {
				id, ok := resources[rt.Path]
				if !ok {
					t.Errorf("%s %s: path parameters unknown to the tenancy matrix; add the route to resourceOf", rt.Method, rt.Path)
					continue
				}
				path = param.ReplaceAllString(path, id)
			}
			// A fresh session for each call: some routes end the caller's session.
			creds := map[string]string{"jwt": env.LoginAs(t, b.admin, b.orgID), "api_key": b.adminKey}
			for kind, cred := range creds {
				status, body := env.Do(t, rt.Method, path, cred, sampleBodies[rt.Method+" "+rt.Path])
				name := fmt.Sprintf("%s %s as B (%s)", rt.Method, rt.Path, kind)
				switch {
				case status >= 500:
					t.Errorf("%s: %d %s", name, status, body)
				case param.MatchString(rt.Path) && rt.Access == httpapi.SystemAdmin:
					if status != http.StatusForbidden && status != http.StatusNotFound {
						t.Errorf("%s: %d, want 403 or 404", name, status)
					}
				case param.MatchString(rt.Path):
					if status != http.StatusNotFound {
						t.Errorf("%s: %d %s, want 404", name, status, body)
					}
				case status < 300:
					for _, s := range secretsOfA {
						if strings.Contains(string(body), s) {
							t.Errorf("%s: response reveals org A's %q", name, s)
						}
					}
				}
			}
		}
		if after := snapshot(t, env, a.orgID); after != before {
			t.Errorf("org A changed:\nbefore:\n%s\nafter:\n%s", before, after)
		}
	})
}

// selfService are mutating routes any role may call: they act on the caller
// alone, not on organization data.
var selfService = map[string]bool{
	"POST /api/v1/auth/logout":              true,
	"POST /api/v1/auth/logout-all":          true,
	"POST /api/v1/auth/switch-organization": true,
	"PUT /api/v1/users/me":                  true,
	"POST /api/v1/users/me/password":        true,
	"PUT /api/v1/users/me/settings":         true,
}

// readOnlyPosts are POST routes that only read (their body is a query too
// large for a URL): any role may call them, like a GET.
var readOnlyPosts = map[string]bool{
	"POST /api/v1/documents/download/bulk": true,
}

// TestRoleMatrix: a viewer gets 403 from every mutating route (but the
// self-service ones), and a member gets 403 where an admin is required.
func TestRoleMatrix(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		resources := resourceOf(a)
		for _, rt := range env.App.API.Routes() {
			key := rt.Method + " " + rt.Path
			if rt.Method == "GET" || rt.Access == httpapi.Public || selfService[key] || readOnlyPosts[key] {
				continue
			}
			if rt.Access == httpapi.Authenticated {
				t.Errorf("%s mutates but is open to viewers; give it Writer/Admin access or list it as self-service", key)
				continue
			}
			path := param.ReplaceAllStringFunc(rt.Path, func(string) string { return resources[rt.Path] })
			if st, body := env.Do(t, rt.Method, path, a.viewerTok, sampleBodies[key]); st != http.StatusForbidden {
				t.Errorf("%s as viewer: %d %s, want 403", key, st, body)
			}
			if rt.Access == httpapi.Admin || rt.Access == httpapi.SystemAdmin {
				if st, body := env.Do(t, rt.Method, path, a.memberToken, sampleBodies[key]); st != http.StatusForbidden {
					t.Errorf("%s as member: %d %s, want 403", key, st, body)
				}
			}
		}
	})
}

// TestListLimitsIdsAndUnknownParams: limit > 1000 is 422, malformed ids are
// 404 (never 500), unknown query parameters are ignored.
func TestListLimitsIdsAndUnknownParams(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		token := env.LoginAs(t, a.admin, a.orgID)
		for _, p := range []string{"/api/v1/organizations/me/users", "/api/v1/audit-logs", "/api/v1/api-keys"} {
			if st, body := env.Do(t, "GET", p+"?limit=1001", token, nil); st != http.StatusUnprocessableEntity {
				t.Errorf("%s?limit=1001: %d %s", p, st, body)
			}
			if st, _ := env.Do(t, "GET", p+"?limit=1000&no_such_param=1", token, nil); st != http.StatusOK {
				t.Errorf("%s with an unknown parameter: %d", p, st)
			}
		}
		for _, rt := range env.App.API.Routes() {
			if !param.MatchString(rt.Path) || rt.Access == httpapi.Public || rt.Access == httpapi.SystemAdmin {
				continue
			}
			for _, bad := range []string{"not-a-uuid", "%27%3B%20DROP%20TABLE%20users%3B--", "00000000-0000-0000-0000-000000000000"} {
				path := param.ReplaceAllString(rt.Path, bad)
				if st, body := env.Do(t, rt.Method, path, token, sampleBodies[rt.Method+" "+rt.Path]); st != http.StatusNotFound {
					t.Errorf("%s %s: %d %s, want 404", rt.Method, path, st, body)
				}
			}
		}
	})
}
