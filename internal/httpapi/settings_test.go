package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

type effective struct {
	Settings []struct {
		Key    string `json:"key"`
		Value  any    `json:"value"`
		Source string `json:"source"`
		Env    string `json:"env"`
	} `json:"settings"`
}

func (e effective) get(key string) (any, string, bool) {
	for _, s := range e.Settings {
		if s.Key == key {
			return s.Value, s.Source, true
		}
	}
	return nil, "", false
}

// TestSettingsLayersThroughTheAPI: each layer set through its route shows
// in /settings/effective with its source, an environment variable pins a
// setting above every layer, and /config/defaults answers from the same
// resolution.
func TestSettingsLayersThroughTheAPI(t *testing.T) {
	testenv.Each(t, map[string]string{"OCR_PSM": "11"}, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		if err := user.SetSystemAdmin(context.Background(), env.DB, a.admin.ID, true); err != nil {
			t.Fatal(err)
		}
		admin := env.LoginAs(t, a.admin, a.orgID)
		put := func(path, token, body string, want int) string {
			t.Helper()
			st, b := env.Do(t, "PUT", path, token, body)
			if st != want {
				t.Fatalf("PUT %s %s: %d %s", path, body, st, b)
			}
			return string(b)
		}
		put("/api/v1/settings/system", admin, `{"settings": {"quality_thresholds": {"conversion": 60, "clarity": 6}, "ocr": {"psm": 4}}}`, 200)
		put("/api/v1/organizations/me/settings", admin, `{"settings": {"quality_thresholds": {"clarity": 8}, "llm": {"monthly_token_budget": 5000}}}`, 200)
		put("/api/v1/users/me/settings", a.viewerTok, `{"settings": {"ui": {"theme": "dark"}, "quality_thresholds.clarity": 9}}`, 200)

		var e effective
		env.DoJSON(t, "GET", "/api/v1/settings/effective", a.viewerTok, nil, &e)
		for key, want := range map[string][2]any{
			"quality_thresholds.conversion": {60.0, "system"}, "quality_thresholds.clarity": {9.0, "user"},
			"quality_thresholds.markdown": {7.0, "default"}, "ui.theme": {"dark", "user"}, "ocr.psm": {11.0, "env"},
		} {
			if v, src, _ := e.get(key); v != want[0] || src != want[1] {
				t.Errorf("viewer's %s = %v from %s, want %v from %s", key, v, src, want[0], want[1])
			}
		}
		if _, _, ok := e.get("llm.monthly_token_budget"); ok {
			t.Error("a viewer reads the admin-only budget")
		}
		env.DoJSON(t, "GET", "/api/v1/settings/effective", admin, nil, &e)
		if v, src, _ := e.get("llm.monthly_token_budget"); v != 5000.0 || src != "org" {
			t.Errorf("admin's budget = %v from %s", v, src)
		}
		var d struct {
			QualityThresholds map[string]float64 `json:"quality_thresholds"`
			OCRSettings       struct {
				Language string `json:"language"`
				PSM      int    `json:"psm"`
			} `json:"ocr_settings"`
			AutoOptimize bool `json:"auto_optimize"`
		}
		env.DoJSON(t, "GET", "/api/v1/config/defaults", admin, nil, &d)
		if d.QualityThresholds["clarity"] != 8 || d.QualityThresholds["conversion"] != 60 || d.OCRSettings.PSM != 11 ||
			d.OCRSettings.Language != "eng" || !d.AutoOptimize {
			t.Errorf("config/defaults for the admin: %+v", d)
		}
		var f struct {
			Extensions []string `json:"supported_extensions"`
			MaxFile    int64    `json:"max_file_size"`
		}
		if env.DoJSON(t, "GET", "/api/v1/config/supported-formats", a.viewerTok, nil, &f); f.MaxFile != 52428800 || len(f.Extensions) == 0 {
			t.Errorf("supported-formats: %+v", f)
		}
		// The viewer's own settings never reach the organization's.
		var org struct{ Settings map[string]any }
		env.DoJSON(t, "GET", "/api/v1/organizations/me/settings", a.viewerTok, nil, &org)
		if _, ok := org.Settings["ui"]; ok || org.Settings["llm"] != nil {
			t.Errorf("viewer sees org settings %v", org.Settings)
		}
	})
}

// TestSettingsRefusedAndAudited: invalid values are 422 with the field and
// reason and store nothing; a change is audited with old and new values.
func TestSettingsRefusedAndAudited(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		st, b := env.Do(t, "PUT", "/api/v1/organizations/me/settings", admin,
			`{"settings": {"quality_thresholds": {"clarity": 11}, "nonsense": 1}}`)
		if st != 422 || !strings.Contains(string(b), `"field":"quality_thresholds.clarity","reason":"must be 1–10"`) ||
			!strings.Contains(string(b), `"field":"nonsense","reason":"is not a known setting"`) {
			t.Fatalf("invalid settings: %d %s", st, b)
		}
		if err := user.SetSystemAdmin(context.Background(), env.DB, a.admin.ID, true); err != nil {
			t.Fatal(err)
		}
		if st, b := env.Do(t, "POST", "/api/v1/organizations", admin, `{"name": "X", "settings": {"ocr": {"psm": 99}}}`); st != 422 || !strings.Contains(string(b), "ocr.psm") {
			t.Fatalf("create with bad settings: %d %s", st, b)
		}
		env.Do(t, "PUT", "/api/v1/organizations/me/settings", admin, `{"settings": {"quality_thresholds": {"clarity": 8}}}`)
		env.Do(t, "PUT", "/api/v1/organizations/me/settings", admin, `{"settings": {"quality_thresholds": {"clarity": 9}}}`)
		var details string
		if err := env.DB.QueryRow(context.Background(), `SELECT details FROM audit_logs WHERE org_id = ? AND action = 'organization.settings_update'
			ORDER BY created_at DESC, id DESC LIMIT 1`, a.orgID).Scan(&details); err != nil {
			t.Fatal(err)
		}
		var got struct {
			Changes []map[string]any `json:"changes"`
		}
		if err := json.Unmarshal([]byte(details), &got); err != nil || len(got.Changes) != 1 ||
			got.Changes[0]["setting"] != "quality_thresholds.clarity" || got.Changes[0]["from"] != 8.0 || got.Changes[0]["to"] != 9.0 {
			t.Fatalf("audit details %s", details)
		}
		var schema map[string]any
		env.DoJSON(t, "GET", "/api/v1/settings/schema", a.viewerTok, nil, &schema)
		qt := schema["properties"].(map[string]any)["quality_thresholds"].(map[string]any)["properties"].(map[string]any)
		if c := qt["clarity"].(map[string]any); c["minimum"] != 1.0 || c["maximum"] != 10.0 || c["x-env"] != "DEFAULT_CLARITY_THRESHOLD" {
			t.Fatalf("schema for clarity: %v", c)
		}
	})
}
