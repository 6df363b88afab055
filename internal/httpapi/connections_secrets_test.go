package httpapi_test

import (
	"bytes"
	"context"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/sharepoint/graphtest"
	"github.com/curatore/curatore/internal/testenv"
)

// lockedBuffer is a log sink shared by the server's goroutines.
type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string { l.mu.Lock(); defer l.mu.Unlock(); return l.b.String() }

// TestSecretsNeverLeak drives every connection path with known secrets —
// saves, failing tests whose server echoes the key back, updates, lists,
// health, deletion — and then greps the debug log, every response, the
// audit log, the connections table and (SQLite) the raw database files for
// them.
func TestSecretsNeverLeak(t *testing.T) {
	logs := &lockedBuffer{}
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})))
	t.Cleanup(func() { slog.SetDefault(prev) })
	secrets := []string{"sk-leak-canary-llm-0001", "sk-leak-canary-llm-0002", "sp-leak-canary-secret-3", "dk-leak-canary-docling-4"}
	testenv.Each(t, map[string]string{"DEBUG": "true"}, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		var responses strings.Builder
		call := func(method, path string, body any) {
			_, raw := env.Do(t, method, path, admin, body)
			responses.Write(raw)
		}
		echo := llmtest.New(t)
		// Like some gateways, the server quotes the key it received.
		echo.Script(func(r llmtest.ChatRequest) llmtest.Reply {
			return llmtest.Reply{Status: 401, Message: "Incorrect API key provided: " + r.APIKey}
		})
		g := graphtest.New(t, "app", "another")
		call("POST", "/api/v1/connections", map[string]any{"name": "L", "connection_type": "llm", "is_default": true,
			"config": map[string]any{"base_url": echo.URL(), "api_key": secrets[0], "model": "test-model"}})
		call("POST", "/api/v1/connections", map[string]any{"name": "S", "connection_type": "sharepoint",
			"config": map[string]any{"tenant_id": "t", "client_id": "app", "client_secret": secrets[2], "token_url": g.TokenURL(), "graph_base_url": g.GraphURL()}})
		call("POST", "/api/v1/connections", map[string]any{"name": "D", "connection_type": "extraction",
			"config": map[string]any{"service_url": "http://no-such-host.invalid", "api_key": secrets[3]}})
		var ids []string
		rows, err := env.DB.Query(context.Background(), "SELECT id FROM connections WHERE org_id = ? AND name IN ('L','S','D')", a.orgID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var id string
			_ = rows.Scan(&id)
			ids = append(ids, id)
		}
		rows.Close()
		for _, id := range ids {
			call("PUT", "/api/v1/connections/"+id, map[string]any{"description": "x", "test_on_save": true})
			call("POST", "/api/v1/connections/"+id+"/test", nil)
			call("GET", "/api/v1/connections/"+id, nil)
		}
		call("PUT", "/api/v1/connections/"+ids[0], map[string]any{"config": map[string]any{"api_key": secrets[1]}, "test_on_save": true})
		call("GET", "/api/v1/connections", nil)
		for _, kind := range []string{"llm", "sharepoint", "extraction", "docling", "comprehensive"} {
			call("GET", "/api/v1/system/health/"+kind, nil)
		}
		call("DELETE", "/api/v1/connections/"+ids[2], nil)
		if keys := echo.Keys(); len(keys) == 0 {
			t.Fatal("the echoing server was never called")
		}
		places := map[string]string{"log": logs.String(), "responses": responses.String(),
			"audit_logs":  dump(t, env, "SELECT CAST(details AS TEXT) || COALESCE(error_message, '') FROM audit_logs"),
			"connections": dump(t, env, "SELECT CAST(config AS TEXT) || COALESCE(CAST(test_result AS TEXT), '') || COALESCE(secrets, '') FROM connections")}
		if env.DB.Engine() == db.SQLite {
			places["database files"] = rawFiles(t, env.Config.Database.Path)
		}
		for where, text := range places {
			if len(text) < 100 {
				t.Errorf("%s: only %d bytes captured", where, len(text))
			}
			for _, s := range secrets {
				if strings.Contains(text, s) {
					t.Errorf("%s contains the secret %q", where, s)
				}
			}
		}
		if !strings.Contains(responses.String(), "authentication failed") {
			t.Error("the failing test's message is missing")
		}
	})
}

func dump(t *testing.T, env *testenv.Env, q string) string {
	rows, err := env.DB.Query(context.Background(), q)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var b strings.Builder
	for rows.Next() {
		var s string
		if err := rows.Scan(&s); err != nil {
			t.Fatal(err)
		}
		b.WriteString(s + "\n")
	}
	return b.String()
}

// rawFiles reads the SQLite database and its WAL as bytes.
func rawFiles(t *testing.T, path string) string {
	var b strings.Builder
	matches, _ := filepath.Glob(path + "*")
	for _, m := range matches {
		data, err := os.ReadFile(m)
		if err != nil {
			t.Fatal(err)
		}
		b.Write(data)
	}
	return b.String()
}
