package httpapi_test

import (
	"encoding/json"
	"os"
	"testing"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/testenv"
)

// The storage component reports the files folder, and 503 once nothing can
// be written there.
func TestStorageHealth(t *testing.T) {
	env := testenv.New(t, db.SQLite, nil)
	code, raw := env.Do(t, "GET", "/api/v1/system/health/storage", "", nil)
	var body map[string]any
	_ = json.Unmarshal(raw, &body)
	if code != 200 || body["status"] != "healthy" || body["backend"] != "local" || body["files_root"] != env.Config.Storage.FilesRoot {
		t.Fatalf("storage health %d %s", code, raw)
	}
	root := env.Config.Storage.FilesRoot
	if err := os.RemoveAll(root); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(root, nil, 0o600); err != nil {
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
