package orgexport_test

import (
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/netguard"
	"github.com/curatore/curatore/internal/orgexport"
	"github.com/curatore/curatore/internal/secret"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/webhook"
)

// rows is a deployment's view of one organization, ids left out (they
// differ between deployments by design).
func rows(t *testing.T, d *db.DB, slug string) string {
	t.Helper()
	ctx := context.Background()
	queries := []string{
		`SELECT name || '|' || display_name || '|' || CAST(is_active AS TEXT) FROM organizations WHERE slug = ?`,
		`SELECT u.email || '|' || u.username || '|' || COALESCE(u.full_name, '') || '|' || CAST(u.is_active AS TEXT) || '|' ||
			CAST(u.is_verified AS TEXT) || '|' || m.role || '|' || CAST(m.is_active AS TEXT)
			FROM memberships m JOIN users u ON u.id = m.user_id JOIN organizations o ON o.id = m.org_id WHERE o.slug = ? ORDER BY u.email`,
	}
	var b strings.Builder
	for _, q := range queries {
		r, err := d.Query(ctx, q, slug)
		if err != nil {
			t.Fatal(err)
		}
		for r.Next() {
			var s string
			r.Scan(&s)
			b.WriteString(strings.ReplaceAll(strings.ReplaceAll(s, "true", "1"), "false", "0") + "\n")
		}
		r.Close()
	}
	var id string
	if err := d.QueryRow(ctx, `SELECT id FROM organizations WHERE slug = ?`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	vals, err := setting.OrgValues(ctx, d, id)
	if err != nil {
		t.Fatal(err)
	}
	js, _ := json.Marshal(vals)
	b.Write(js)
	return b.String()
}

func seedOrg(t *testing.T, env *testenv.Env) string {
	t.Helper()
	o := env.CreateOrg(t, "Export Source")
	admin := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada Admin")
	env.CreateUser(t, o.ID, auth.RoleMember, "Mo Member")
	env.CreateUser(t, o.ID, auth.RoleViewer, "Vi Viewer")
	token := env.LoginAs(t, admin, o.ID)
	st, body := env.Do(t, "PUT", "/api/v1/organizations/me/settings", token,
		`{"settings": {"quality_thresholds": {"clarity": 8, "conversion": 80}, "llm": {"temperature": 0.5}, "ui.theme": "dark"}}`)
	if st != 200 {
		t.Fatalf("settings: %d %s", st, body)
	}
	conns := []string{
		`{"name": "Main LLM", "connection_type": "llm", "test_on_save": false, "config": {"base_url": "https://llm.example.com/v1", "api_key": "sk-export-secret-1", "model": "m1", "context_window": 32000}}`,
		`{"name": "Tenant", "connection_type": "sharepoint", "test_on_save": false, "config": {"tenant_id": "t1", "client_id": "c1", "client_secret": "sp-export-secret-2"}}`,
		`{"name": "Spare LLM", "connection_type": "llm", "test_on_save": false, "config": {"base_url": "https://other.example.com/v1", "model": "m2"}}`,
	}
	for _, c := range conns {
		if st, body := env.Do(t, "POST", "/api/v1/connections", token, c); st != 201 {
			t.Fatalf("connection: %d %s", st, body)
		}
	}
	hook := `{"url": "https://hooks.example.com/curatore?token=hook-query-secret", "events": ["job.completed", "document.rag_ready"], "description": "indexer"}`
	if st, body := env.Do(t, "POST", "/api/v1/webhooks", token, hook); st != 201 {
		t.Fatalf("webhook: %d %s", st, body)
	}
	return o.Slug
}

// targetWebhooks is a webhook service on d.
func targetWebhooks(t *testing.T, d *db.DB, keys *secret.Keyring) orgexport.WebhookStore {
	t.Helper()
	return orgexport.WebhookServiceStore(&webhook.Service{DB: d, Sealer: keys, CheckAddr: netguard.Policy{}.Check})
}

// targetStore is a connections service on d with its own key (the export
// is re-sealed under the target deployment's key).
func targetStore(t *testing.T, d *db.DB) (orgexport.ConnectionStore, *connection.Service) {
	store, svc, _ := targetStores(t, d)
	return store, svc
}

// targetStores is targetStore plus the webhook store on the same key.
func targetStores(t *testing.T, d *db.DB) (orgexport.ConnectionStore, *connection.Service, orgexport.WebhookStore) {
	t.Helper()
	key := make([]byte, 32)
	rand.Read(key)
	keys, err := secret.New(key)
	if err != nil {
		t.Fatal(err)
	}
	svc := &connection.Service{DB: d, Keys: keys}
	return orgexport.ServiceStore(svc), svc, targetWebhooks(t, d, keys)
}

// hookRows is a deployment's webhook endpoints of one organization.
func hookRows(t *testing.T, store orgexport.WebhookStore, d *db.DB, slug string) string {
	t.Helper()
	var id string
	if err := d.QueryRow(context.Background(), `SELECT id FROM organizations WHERE slug = ?`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	list, err := store.List(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(list)
	return string(b)
}

// connRows is a deployment's connections of one organization, secrets
// included, as comparable text.
func connRows(t *testing.T, store orgexport.ConnectionStore, d *db.DB, slug string) string {
	t.Helper()
	var id string
	if err := d.QueryRow(context.Background(), `SELECT id FROM organizations WHERE slug = ?`, slug).Scan(&id); err != nil {
		t.Fatal(err)
	}
	list, err := store.Export(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := json.Marshal(list)
	return string(b)
}

func TestExportImportRoundTrip(t *testing.T) {
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) {
			ctx := context.Background()
			src := testenv.New(t, e, nil)
			slug := seedOrg(t, src)
			srcStore := orgexport.ServiceStore(src.App.Connections)
			pass := []byte("correct horse battery staple")
			srcHooks := targetWebhooks(t, src.DB, src.App.Connections.Keys)
			doc, err := orgexport.Export(ctx, src.DB, slug, orgexport.ExportOptions{Version: "test", Passphrase: pass,
				Connections: srcStore, Webhooks: srcHooks})
			if err != nil {
				t.Fatal(err)
			}
			raw, _ := json.Marshal(doc)
			for _, secret := range []string{"$2a$", "password", "sk-export-secret-1", "sp-export-secret-2", "hook-query-secret"} {
				if strings.Contains(string(raw), secret) {
					t.Fatalf("the export holds %q: %s", secret, raw)
				}
			}
			var back orgexport.Document
			if err := json.Unmarshal(raw, &back); err != nil {
				t.Fatal(err)
			}
			dst := dbtest.Open(t, e)
			dstStore, _, dstHooks := targetStores(t, dst)
			opts := orgexport.ImportOptions{Passphrase: pass, Connections: dstStore, Webhooks: dstHooks}
			if _, err := orgexport.Import(ctx, dst, &back, orgexport.ImportOptions{Passphrase: []byte("wrong passphrase!"), Connections: dstStore}); !errors.Is(err, orgexport.ErrPassphrase) {
				t.Fatalf("wrong passphrase: %v", err)
			}
			dryOpts := opts
			dryOpts.DryRun = true
			dry, err := orgexport.Import(ctx, dst, &back, dryOpts)
			if err != nil || dry.Count(orgexport.Create) != 1+3+3+4+3+1 {
				t.Fatalf("dry run: %v %+v", err, dry)
			}
			var n int
			dst.QueryRow(ctx, `SELECT COUNT(*) FROM organizations`).Scan(&n)
			if n != 0 {
				t.Fatal("the dry run wrote")
			}
			rep, err := orgexport.Import(ctx, dst, &back, opts)
			if err != nil || rep.Count(orgexport.Conflict) != 0 || rep.Count(orgexport.Skip) != 0 {
				t.Fatalf("import: %v %+v", err, rep)
			}
			if a, b := rows(t, src.DB, slug), rows(t, dst, slug); a != b {
				t.Fatalf("rows differ:\nsource:\n%s\nimported:\n%s", a, b)
			}
			if a, b := connRows(t, srcStore, src.DB, slug), connRows(t, dstStore, dst, slug); a != b {
				t.Fatalf("connections differ:\nsource:   %s\nimported: %s", a, b)
			}
			if a, b := hookRows(t, srcHooks, src.DB, slug), hookRows(t, dstHooks, dst, slug); a != b || !strings.Contains(a, "indexer") {
				t.Fatalf("webhooks differ:\nsource:   %s\nimported: %s", a, b)
			}
			for _, a := range rep.Actions {
				if strings.Contains(a.Name+a.Detail, "hook-query-secret") {
					t.Fatalf("the report shows a webhook URL's query: %+v", a)
				}
			}
			again, err := orgexport.Import(ctx, dst, &back, opts)
			if err != nil || again.Count(orgexport.Create) != 0 || again.Count(orgexport.Conflict) != 0 {
				t.Fatalf("second import: %v %+v", err, again)
			}
			var audits int
			dst.QueryRow(ctx, `SELECT COUNT(*) FROM audit_logs WHERE action = 'organization.import' AND status = 'success'`).Scan(&audits)
			if audits != 2 {
				t.Fatalf("%d import audit rows", audits)
			}
		})
	}
}

// TestImportReportsConflicts: values that differ here are reported and
// kept, never overwritten.
func TestImportReportsConflicts(t *testing.T) {
	ctx := context.Background()
	src := testenv.New(t, db.SQLite, nil)
	slug := seedOrg(t, src)
	doc, err := orgexport.Export(ctx, src.DB, slug, orgexport.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	// The target already has the organization with another clarity and
	// another display name.
	if _, err := src.DB.Exec(ctx, `UPDATE organizations SET display_name = 'Renamed', settings = '{"quality_thresholds": {"clarity": 5}}' WHERE slug = ?`, slug); err != nil {
		t.Fatal(err)
	}
	rep, err := orgexport.Import(ctx, src.DB, doc, orgexport.ImportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]string{}
	for _, a := range rep.Actions {
		got[a.Kind+" "+a.Name] = a.Action
	}
	if got["organization "+slug] != orgexport.Conflict || got["setting quality_thresholds.clarity"] != orgexport.Conflict ||
		got["setting quality_thresholds.conversion"] != orgexport.Create {
		t.Fatalf("report: %v", got)
	}
	var name, settings string
	src.DB.QueryRow(ctx, `SELECT display_name, settings FROM organizations WHERE slug = ?`, slug).Scan(&name, &settings)
	if name != "Renamed" || !strings.Contains(settings, `"clarity":5`) {
		t.Fatalf("conflicting values overwritten: %s %s", name, settings)
	}
	bad := *doc
	bad.Settings = map[string]any{"quality_thresholds.clarity": 42.0}
	bad.Memberships = append([]orgexport.Membership{}, orgexport.Membership{Email: "x@example.com", Role: "owner"})
	if _, err := orgexport.Import(ctx, src.DB, &bad, orgexport.ImportOptions{}); err == nil ||
		!strings.Contains(fmt.Sprint(err), "validation") {
		t.Fatalf("invalid document: %v", err)
	}
}

// TestExportWithoutSecrets: secrets are left out (only their names are
// listed); importing such a document creates the connections that need
// none and skips the others with the reason.
func TestExportWithoutSecrets(t *testing.T) {
	ctx := context.Background()
	src := testenv.New(t, db.SQLite, nil)
	slug := seedOrg(t, src)
	doc, err := orgexport.Export(ctx, src.DB, slug, orgexport.ExportOptions{Connections: orgexport.ServiceStore(src.App.Connections),
		Webhooks: targetWebhooks(t, src.DB, src.App.Connections.Keys)})
	if err != nil {
		t.Fatal(err)
	}
	raw, _ := json.Marshal(doc)
	if strings.Contains(string(raw), "sk-export-secret-1") || strings.Contains(string(raw), "hook-query-secret") ||
		!strings.Contains(string(raw), `"secret_fields":["api_key"]`) || !strings.Contains(string(raw), `"url_redacted":true`) || doc.Sealing != nil {
		t.Fatalf("export without secrets: %s", raw)
	}
	dst := dbtest.New(t)
	store, _, hooks := targetStores(t, dst)
	rep, err := orgexport.Import(ctx, dst, doc, orgexport.ImportOptions{Connections: store, Webhooks: hooks})
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]orgexport.Action{}
	for _, a := range rep.Actions {
		got[a.Name] = a
	}
	if got["llm/Spare LLM"].Action != orgexport.Create || got["llm/Main LLM"].Action != orgexport.Skip ||
		!strings.Contains(got["sharepoint/Tenant"].Detail, "--include-secrets") ||
		got["https://hooks.example.com/curatore?redacted"].Action != orgexport.Skip {
		t.Fatalf("report: %+v", rep.Actions)
	}
}
