package httpapi_test

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

// TestHealthDetailsForSystemAdminsOnly: the database URL, row counts and
// size are shown to system administrators only; anyone else (anonymous or
// an org admin) sees status, type, connected and migration version.
func TestHealthDetailsForSystemAdminsOnly(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Ops")
		orgAdmin := env.CreateUser(t, o.ID, auth.RoleAdmin, "Org Admin")
		root := env.CreateUser(t, o.ID, auth.RoleAdmin, "Root")
		if err := user.SetSystemAdmin(t.Context(), env.DB, root.ID, true); err != nil {
			t.Fatal(err)
		}
		get := func(path, token string) map[string]any {
			st, b := env.Do(t, "GET", path, token, nil)
			var m map[string]any
			if st != 200 || json.Unmarshal(b, &m) != nil {
				t.Fatalf("%s: %d %s", path, st, b)
			}
			return m
		}
		for who, tok := range map[string]string{"anonymous": "", "org admin": env.LoginAs(t, orgAdmin, o.ID)} {
			db := get("/api/v1/system/health/database", tok)
			raw, _ := json.Marshal(get("/api/v1/system/health/comprehensive", tok))
			for _, leak := range []string{"database_url", "tables", "database_size_mb", "api_keys", "audit_logs", env.Config.Database.Path} {
				if _, ok := db[leak]; ok || (leak != "" && strings.Contains(string(raw), leak)) {
					t.Errorf("%s sees %q", who, leak)
				}
			}
			if db["status"] != "healthy" || db["connected"] != true || db["migration_version"] == nil || db["database_type"] == nil {
				t.Errorf("%s: public fields missing: %v", who, db)
			}
		}
		sys := env.LoginAs(t, root, o.ID)
		db := get("/api/v1/system/health/database", sys)
		tables, _ := db["tables"].(map[string]any)
		if db["database_url"] == nil || len(tables) < 7 || db["database_size_mb"] == nil {
			t.Fatalf("system administrator's details: %v", db)
		}
		comp := get("/api/v1/system/health/comprehensive", sys)
		if d, _ := comp["components"].(map[string]any)["database"].(map[string]any); d["tables"] == nil {
			t.Fatalf("comprehensive details: %v", comp)
		}
	})
}
