package httpapi_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

// The storage component reports the files folder (to system
// administrators; anyone sees the status and backend), and 503 once
// nothing can be written there.
func TestStorageHealth(t *testing.T) {
	env := testenv.New(t, db.SQLite, nil)
	o := env.CreateOrg(t, "Ops")
	root := env.CreateUser(t, o.ID, auth.RoleAdmin, "Root")
	if err := user.SetSystemAdmin(t.Context(), env.DB, root.ID, true); err != nil {
		t.Fatal(err)
	}
	code, raw := env.Do(t, "GET", "/api/v1/system/health/storage", "", nil)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	if code != 200 || body["status"] != "healthy" || body["backend"] != "local" || body["files_root"] != nil {
		t.Fatalf("public storage health %d %s", code, raw)
	}
	code, raw = env.Do(t, "GET", "/api/v1/system/health/storage", env.LoginAs(t, root, o.ID), nil)
	body = nil
	_ = json.Unmarshal(raw, &body)
	if code != 200 || body["status"] != "healthy" || body["files_root"] != env.Config.Storage.FilesRoot {
		t.Fatalf("storage health for a system administrator %d %s", code, raw)
	}
	files := env.Config.Storage.FilesRoot
	if err := os.RemoveAll(files); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(files, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if code, raw := env.Do(t, "GET", "/api/v1/system/health/storage", "", nil); code != 503 {
		t.Fatalf("storage health with the folder gone: %d %s", code, raw)
	}
	code, raw = env.Do(t, "GET", "/api/v1/system/health/comprehensive", "", nil)
	_ = json.Unmarshal(raw, &body)
	if comps, _ := body["components"].(map[string]any); comps["storage"] == nil || body["overall_status"] != "unhealthy" {
		t.Errorf("comprehensive %d %s", code, raw)
	}
}
