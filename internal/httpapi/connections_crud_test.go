package httpapi_test

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/testenv"
)

type problemBody struct {
	Code   string `json:"code"`
	Errors []struct {
		Field  string `json:"field"`
		Reason string `json:"reason"`
	} `json:"errors"`
}

func (p problemBody) has(field string) bool {
	for _, e := range p.Errors {
		if e.Field == field {
			return true
		}
	}
	return false
}

func TestConnectionCRUDAndSecretMasking(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		const base = "/api/v1/connections"
		create := func(body map[string]any) (int, httpapi.ConnectionResponse, []byte) {
			body["test_on_save"] = false
			st, raw := env.Do(t, "POST", base, admin, body)
			var c httpapi.ConnectionResponse
			_ = json.Unmarshal(raw, &c)
			return st, c, raw
		}
		st, first, raw := create(map[string]any{"name": "Primary", "connection_type": "sharepoint",
			"config": map[string]any{"tenant_id": "t1", "client_id": "c1", "client_secret": "sp-secret-1234"}})
		if st != 201 || !first.IsDefault || strings.Contains(string(raw), "sp-secret-1234") {
			t.Fatalf("create: %d %s", st, raw)
		}
		if first.Config["client_secret"] != "********" || first.Config["client_secret_set"] != true ||
			first.Config["graph_base_url"] != "https://graph.microsoft.com/v1.0" {
			t.Fatalf("config = %v", first.Config)
		}
		// Names are unique per organization and type.
		var p problemBody
		st, _, raw = create(map[string]any{"name": "Primary", "connection_type": "sharepoint",
			"config": map[string]any{"tenant_id": "t", "client_id": "c", "client_secret": "x"}})
		if _ = json.Unmarshal(raw, &p); st != http.StatusConflict || !p.has("name") {
			t.Fatalf("duplicate name: %d %s", st, raw)
		}
		// Bad input: unknown type, missing and mistyped fields, unknown keys.
		for field, body := range map[string]map[string]any{
			"connection_type":    {"name": "x", "connection_type": "ftp", "config": map[string]any{}},
			"config.model":       {"name": "x", "connection_type": "llm", "config": map[string]any{}},
			"config.timeout":     {"name": "x", "connection_type": "llm", "config": map[string]any{"model": "m", "timeout": 0}},
			"config.base_url":    {"name": "x", "connection_type": "llm", "config": map[string]any{"model": "m", "base_url": "ftp://x"}},
			"config.verify_ssl":  {"name": "x", "connection_type": "llm", "config": map[string]any{"model": "m", "verify_ssl": "yes"}},
			"config.engine":      {"name": "x", "connection_type": "extraction", "config": map[string]any{"service_url": "http://d", "engine": "tika"}},
			"config.no_such_key": {"name": "x", "connection_type": "llm", "config": map[string]any{"model": "m", "no_such_key": 1}},
			"name":               {"name": " ", "connection_type": "llm", "config": map[string]any{"model": "m"}},
		} {
			p = problemBody{}
			st, _, raw = create(map[string]any{"name": body["name"], "connection_type": body["connection_type"], "config": body["config"]})
			if _ = json.Unmarshal(raw, &p); st != http.StatusUnprocessableEntity || !p.has(field) {
				t.Errorf("%s: %d %s", field, st, raw)
			}
		}
		// A second of the type is not the default unless asked; asked, it
		// takes the default over.
		_, second, _ := create(map[string]any{"name": "Second", "connection_type": "sharepoint",
			"config": map[string]any{"tenant_id": "t2", "client_id": "c2", "client_secret": "sp-secret-2"}})
		if second.IsDefault {
			t.Fatal("second connection became the default")
		}
		var c httpapi.ConnectionResponse
		if st := env.DoJSON(t, "POST", base+"/"+second.ID+"/set-default", admin, nil, &c); st != 200 || !c.IsDefault {
			t.Fatalf("set-default: %d %+v", st, c)
		}
		env.DoJSON(t, "GET", base+"/"+first.ID, admin, nil, &c)
		if c.IsDefault {
			t.Fatal("two defaults")
		}
		var list httpapi.ConnectionList
		env.DoJSON(t, "GET", base+"?connection_type=sharepoint&is_default=true", admin, nil, &list)
		if list.Total != 1 || list.Connections[0].ID != second.ID {
			t.Fatalf("defaults = %+v", list)
		}
		// Partial update: omitted and masked secrets keep their value, a new
		// one replaces it, null clears an optional field.
		upd := func(cfg map[string]any) httpapi.ConnectionResponse {
			var out httpapi.ConnectionResponse
			if st, raw := env.Do(t, "PUT", base+"/"+first.ID, admin, map[string]any{"config": cfg}); st != 200 {
				t.Fatalf("PUT %v: %d %s", cfg, st, raw)
			} else {
				_ = json.Unmarshal(raw, &out)
			}
			return out
		}
		upd(map[string]any{"client_id": "c1b", "client_secret": "********", "client_secret_set": true})
		upd(map[string]any{"site_url": "https://contoso.sharepoint.com/sites/x"})
		secretOf := func(id string) string {
			c, err := env.App.Connections.Get(t.Context(), scopeOf(a), id)
			if err != nil {
				t.Fatal(err)
			}
			return c.Secret("client_secret")
		}
		if s := secretOf(first.ID); s != "sp-secret-1234" {
			t.Fatalf("secret after masked PUT = %q", s)
		}
		out := upd(map[string]any{"client_secret": "sp-secret-new", "site_url": nil})
		if s := secretOf(first.ID); s != "sp-secret-new" || out.Config["site_url"] != nil || out.Config["client_id"] != "c1b" {
			t.Fatalf("after replace: %q %v", s, out.Config)
		}
		// Clearing a required secret is refused.
		if st, raw := env.Do(t, "PUT", base+"/"+first.ID, admin, map[string]any{"config": map[string]any{"client_secret": nil}}); st != 422 ||
			!strings.Contains(string(raw), "config.client_secret") {
			t.Fatalf("clearing a required secret: %d %s", st, raw)
		}
		// Viewers read (masked) but cannot write; delete is 204 and then 404.
		if st, raw := env.Do(t, "GET", base+"/"+first.ID, a.viewerTok, nil); st != 200 || strings.Contains(string(raw), "sp-secret") {
			t.Fatalf("viewer read: %d %s", st, raw)
		}
		if st, _ := env.Do(t, "DELETE", base+"/"+first.ID, admin, nil); st != 204 {
			t.Fatalf("delete: %d", st)
		}
		if st, _ := env.Do(t, "GET", base+"/"+first.ID, admin, nil); st != 404 {
			t.Fatalf("after delete: %d", st)
		}
		var types httpapi.ConnectionTypes
		env.DoJSON(t, "GET", base+"/types", a.viewerTok, nil, &types)
		if len(types.Types) != 3 || types.Types[0].ConfigSchema["properties"].(map[string]any)["api_key"].(map[string]any)["writeOnly"] != true {
			t.Fatalf("types = %+v", types)
		}
	})
}

func scopeOf(tn tenant) auth.Scope {
	return auth.Scope{OrgID: tn.orgID, UserID: tn.admin.ID, Role: auth.RoleAdmin}
}
