package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/testenv"
)

// TestConnectionHealthIsCachedAndPerOrganization: the LLM health endpoint
// answers from the last test while it is fresh (no chat call per probe),
// reports the caller's own connection, the environment for an
// organization without one, and not_configured when neither exists; the
// comprehensive report includes the components.
func TestConnectionHealthIsCachedAndPerOrganization(t *testing.T) {
	envLLM := llmtest.New(t)
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a, b := newTenant(t, env, "Alpha"), newTenant(t, env, "Bravo")
		adminA := env.LoginAs(t, a.admin, a.orgID)
		srv := llmtest.New(t)
		var c struct {
			ID string `json:"id"`
		}
		if st := env.DoJSON(t, "POST", "/api/v1/connections", adminA, map[string]any{"name": "Own", "connection_type": "llm",
			"is_default": true, "test_on_save": false, "config": map[string]any{"base_url": srv.URL(), "api_key": "sk-a", "model": "test-model"}}, &c); st != 201 {
			t.Fatalf("create: %d", st)
		}
		get := func(path, token string) map[string]any {
			var out map[string]any
			if st := env.DoJSON(t, "GET", path, token, nil, &out); st != http.StatusOK {
				t.Fatalf("%s: %d %v", path, st, out)
			}
			return out
		}
		for i := 0; i < 3; i++ {
			h := get("/api/v1/system/health/llm", a.viewerTok)
			if h["status"] != "healthy" || h["source"] != "connection:"+c.ID || h["cached"] != (i > 0) {
				t.Fatalf("probe %d: %v", i, h)
			}
		}
		if n := len(srv.Requests()); n != 1 {
			t.Fatalf("chat completions for 3 probes = %d, want 1", n)
		}
		// Org B's newTenant connection points at a closed port: unhealthy,
		// its own, never A's.
		hb := get("/api/v1/system/health/llm", b.viewerTok)
		if hb["status"] != "unhealthy" || hb["connection_id"] != b.connectionID {
			t.Fatalf("B: %v", hb)
		}
		if h := get("/api/v1/system/health/sharepoint", a.viewerTok); h["status"] != "not_configured" {
			t.Fatalf("sharepoint: %v", h)
		}
		comp := get("/api/v1/system/health/comprehensive", adminA)["components"].(map[string]any)
		for _, name := range []string{"llm", "sharepoint", "extraction_service", "docling", "database"} {
			if _, ok := comp[name]; !ok {
				t.Errorf("comprehensive lacks %s: %v", name, comp)
			}
		}
		// Statuses only for callers who are not system administrators.
		if llm := comp["llm"].(map[string]any); llm["status"] != "healthy" || llm["source"] != nil {
			t.Errorf("comprehensive llm = %v", llm)
		}
		// A configuration changed without a test makes the stored result
		// stale: the next probe tests the new configuration.
		if st, raw := env.Do(t, "PUT", "/api/v1/connections/"+c.ID, adminA, map[string]any{"test_on_save": false,
			"config": map[string]any{"base_url": "http://127.0.0.1:1/v1"}}); st != http.StatusOK {
			t.Fatalf("update: %d %s", st, raw)
		}
		if h := get("/api/v1/system/health/llm", a.viewerTok); h["status"] != "unhealthy" || h["cached"] != false {
			t.Fatalf("after a config change: %v", h)
		}
	})
	// The environment's endpoint, for an organization without a connection.
	env := testenv.New(t, "sqlite", map[string]string{"OPENAI_BASE_URL": envLLM.URL(), "OPENAI_MODEL": "test-model"})
	c := newTenant(t, env, "Charlie")
	if err := env.App.Connections.Delete(t.Context(), scopeOf(c), c.connectionID); err != nil {
		t.Fatal(err)
	}
	before := len(envLLM.Requests()) // newTenant's document was reviewed by the environment's LLM
	var h map[string]any
	env.DoJSON(t, "GET", "/api/v1/system/health/llm", c.viewerTok, nil, &h)
	env.DoJSON(t, "GET", "/api/v1/system/health/llm", c.viewerTok, nil, &h)
	if h["status"] != "healthy" || h["source"] != "env" || h["cached"] != true || len(envLLM.Requests()) != before+1 {
		t.Fatalf("env health: %v (%d chats, %d before)", h, len(envLLM.Requests()), before)
	}
}
