package setting_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/extract/format"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/user"
)

// fixture is one organization with an admin user, a second user, and a
// system administrator.
type fixture struct {
	d                    *db.DB
	orgID, userID, other string
	admin, sys           auth.Scope
}

func newFixture(t *testing.T, d *db.DB) fixture { return newFixtureTB(t, d) }

func newFixtureTB(t testing.TB, d *db.DB) fixture {
	t.Helper()
	ctx := context.Background()
	o := org.Organization{Name: "Acme", Slug: "acme", IsActive: true}
	if err := org.Create(ctx, d, &o); err != nil {
		t.Fatal(err)
	}
	ids := make([]string, 2)
	for i, name := range []string{"ann", "bob"} {
		u := user.User{Email: name + "@example.com", Username: name, PasswordHash: "x", IsActive: true}
		if err := user.Create(ctx, d, &u); err != nil {
			t.Fatal(err)
		}
		if err := user.AddMembership(ctx, d, &user.Membership{OrgID: o.ID, UserID: u.ID, Role: "org_admin", IsActive: true}); err != nil {
			t.Fatal(err)
		}
		ids[i] = u.ID
	}
	return fixture{d: d, orgID: o.ID, userID: ids[0], other: ids[1],
		admin: auth.Scope{OrgID: o.ID, UserID: ids[0], Role: auth.RoleAdmin},
		sys:   auth.Scope{OrgID: o.ID, UserID: ids[0], Role: auth.RoleAdmin, SystemAdmin: true}}
}

func serviceTB(t testing.TB, d *db.DB) *setting.Service { return serviceEnv(t, d, nil) }

func service(t *testing.T, d *db.DB, env map[string]string) *setting.Service {
	return serviceEnv(t, d, env)
}

func serviceEnv(t testing.TB, d *db.DB, env map[string]string) *setting.Service {
	t.Helper()
	r, err := setting.NewResolver(d, func(k string) (string, bool) { v, ok := env[k]; return v, ok })
	if err != nil {
		t.Fatal(err)
	}
	return &setting.Service{DB: d, Resolver: r}
}

func clarity(t *testing.T, s *setting.Service, f fixture, userID string) setting.Value {
	t.Helper()
	v, err := s.Resolver.Effective(context.Background(), f.orgID, userID)
	if err != nil {
		t.Fatal(err)
	}
	return v.Get("quality_thresholds.clarity")
}

func TestPrecedenceChain(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		s := service(t, d, nil)
		want := func(step string, val int64, src setting.Source, userID string) {
			t.Helper()
			got := clarity(t, s, f, userID)
			if got.Value != val || got.Source != src {
				t.Fatalf("%s: clarity = %v from %s, want %d from %s", step, got.Value, got.Source, val, src)
			}
		}
		want("nothing stored", 7, setting.FromDefault, f.userID)
		mustPatch(t, func() error {
			_, err := s.UpdateSystem(ctx, f.sys, obj("quality_thresholds", obj("clarity", 6.0)))
			return err
		})
		want("system", 6, setting.FromSystem, f.userID)
		mustPatch(t, func() error {
			_, err := s.UpdateOrg(ctx, f.admin, obj("quality_thresholds", obj("clarity", 8.0)))
			return err
		})
		want("org over system", 8, setting.FromOrg, f.userID)
		mustPatch(t, func() error { _, err := s.UpdateUser(ctx, f.admin, obj("quality_thresholds.clarity", 9.0)); return err })
		want("user over org", 9, setting.FromUser, f.userID)
		want("another user sees the org's", 8, setting.FromOrg, f.other)

		pinned := service(t, d, map[string]string{"DEFAULT_CLARITY_THRESHOLD": "5"})
		if got := clarity(t, pinned, f, f.userID); got.Value != int64(5) || got.Source != setting.FromEnv {
			t.Fatalf("env over user: %v from %s", got.Value, got.Source)
		}

		// Removal falls back one layer at a time.
		mustPatch(t, func() error {
			_, err := s.UpdateUser(ctx, f.admin, obj("quality_thresholds", obj("clarity", nil)))
			return err
		})
		want("user removed", 8, setting.FromOrg, f.userID)
		mustPatch(t, func() error { _, err := s.UpdateOrg(ctx, f.admin, obj("quality_thresholds", nil)); return err })
		want("org removed", 6, setting.FromSystem, f.userID)
		mustPatch(t, func() error { _, err := s.UpdateSystem(ctx, f.sys, obj("quality_thresholds.clarity", nil)); return err })
		want("system removed", 7, setting.FromDefault, f.userID)
	})
}

func TestInvalidValuesRefused(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		f := newFixture(t, d)
		s := service(t, d, nil)
		cases := []struct {
			name  string
			layer func(map[string]any) error
			patch map[string]any
			field string
			want  string
		}{
			{"out of range", orgPut(s, f), obj("quality_thresholds", obj("clarity", 11.0)), "quality_thresholds.clarity", "must be 1–10"},
			{"conversion range", orgPut(s, f), obj("quality_thresholds.conversion", -1.0), "quality_thresholds.conversion", "must be 0–100"},
			{"fraction", orgPut(s, f), obj("ocr", obj("psm", 2.5)), "ocr.psm", "must be a whole number"},
			{"wrong type", orgPut(s, f), obj("auto_optimize", "yes"), "auto_optimize", "must be true or false"},
			{"enum", orgPut(s, f), obj("extraction", obj("priority", "magic")), "extraction.priority", "must be one of native, docling, default, auto"},
			{"unknown key", orgPut(s, f), obj("colour", "red"), "colour", "is not a known setting"},
			{"unknown nested key", orgPut(s, f), obj("quality_thresholds", obj("beauty", 3.0)), "quality_thresholds.beauty", "is not a known setting"},
			{"group not an object", orgPut(s, f), obj("quality_thresholds", 5.0), "quality_thresholds", "must be an object of settings"},
			{"layer not allowed", orgPut(s, f), obj("max_file_size", 10.0), "max_file_size", "cannot be set at the org level"},
			{"user may not set budget", userPut(s, f), obj("llm", obj("monthly_token_budget", 10.0)), "llm.monthly_token_budget", "cannot be set at the user level"},
			{"ocr language", userPut(s, f), obj("ocr.language", "eng; rm -rf"), "ocr.language", "must be Tesseract language codes joined by +, e.g. eng+deu"},
			{"overlap above half the size", orgPut(s, f), obj("chunking", obj("size", 100.0, "overlap", 51.0)), "chunking.overlap", "must be at most half of chunking.size"},
		}
		for _, c := range cases {
			err := c.layer(c.patch)
			e, ok := apperr.As(err)
			if !ok || !errors.Is(err, apperr.Invalid) || len(e.Fields) != 1 || e.Fields[0].Field != c.field || e.Fields[0].Reason != c.want {
				t.Errorf("%s: got %v (%+v), want %s: %s", c.name, err, e, c.field, c.want)
			}
		}
		stored, err := s.Org(ctx, f.admin)
		if err != nil || len(stored) != 0 {
			t.Fatalf("refused patches stored something: %v %v", stored, err)
		}
		if _, err := s.UpdateSystem(ctx, f.admin, obj("ui.theme", "dark")); !errors.Is(err, apperr.Forbidden) {
			t.Fatalf("org admin wrote system settings: %v", err)
		}
	})
}

func TestInvalidEnvRefused(t *testing.T) {
	_, err := setting.NewResolver(nil, func(k string) (string, bool) {
		return map[string]string{"DEFAULT_CLARITY_THRESHOLD": "12", "OCR_PSM": "x"}[k], k != "MAX_FILE_SIZE"
	})
	if err == nil || !strings.Contains(err.Error(), "DEFAULT_CLARITY_THRESHOLD: must be 1–10") || !strings.Contains(err.Error(), "OCR_PSM") {
		t.Fatalf("err = %v", err)
	}
}

func orgPut(s *setting.Service, f fixture) func(map[string]any) error {
	return func(p map[string]any) error { _, err := s.UpdateOrg(context.Background(), f.admin, p); return err }
}

func userPut(s *setting.Service, f fixture) func(map[string]any) error {
	return func(p map[string]any) error { _, err := s.UpdateUser(context.Background(), f.admin, p); return err }
}

func mustPatch(t *testing.T, fn func() error) {
	t.Helper()
	if err := fn(); err != nil {
		t.Fatal(err)
	}
}

// obj builds a map from key, value pairs.
func obj(kv ...any) map[string]any {
	m := map[string]any{}
	for i := 0; i < len(kv); i += 2 {
		m[kv[i].(string)] = kv[i+1]
	}
	return m
}

// TestUnknownStoredKeyCanBeRemoved: a key stored before writes were checked
// is kept, can be removed with null (audited), and cannot be set again.
func TestUnknownStoredKeyCanBeRemoved(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	f := newFixture(t, d)
	if _, err := d.Exec(ctx, `UPDATE organizations SET settings = '{"legacy": {"colour": "red"}, "ui": {"theme": "dark"}}' WHERE id = ?`, f.orgID); err != nil {
		t.Fatal(err)
	}
	s := service(t, d, nil)
	if _, err := s.UpdateOrg(ctx, f.admin, obj("legacy", obj("colour", "blue"))); err == nil {
		t.Fatal("an unknown key was set")
	}
	out, err := s.UpdateOrg(ctx, f.admin, obj("legacy", obj("colour", nil)))
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := out["legacy"]; ok || out["ui"].(map[string]any)["theme"] != "dark" {
		t.Fatalf("after removal: %v", out)
	}
	var details string
	d.QueryRow(ctx, `SELECT details FROM audit_logs WHERE action = 'organization.settings_update' ORDER BY created_at DESC LIMIT 1`).Scan(&details)
	if !strings.Contains(details, `"setting":"legacy.colour"`) || !strings.Contains(details, `"from":"red"`) {
		t.Fatalf("audit details: %s", details)
	}
}

// TestTypedAccessors: the accessors background work uses read the
// resolved values.
func TestTypedAccessors(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	f := newFixture(t, d)
	s := service(t, d, map[string]string{"EXTRACTION_PRIORITY": "docling", "EXTRACTION_TIMEOUT": "2m"})
	mustPatch(t, func() error {
		_, err := s.UpdateOrg(ctx, f.admin, obj("ocr", obj("language", "eng+fra", "psm", 6.0), "chunking", obj("size", 256.0),
			"llm", obj("monthly_token_budget", 5000.0, "temperature", 0.7), "auto_optimize", false))
		return err
	})
	v, err := s.Resolver.Effective(ctx, f.orgID, "")
	if err != nil {
		t.Fatal(err)
	}
	o := v.ExtractionOptions(format.Options{TesseractPath: "/usr/bin/tesseract"})
	if o.OCRLang != "eng+fra" || o.OCRPSM != 6 || o.Timeout != 2*time.Minute || o.TesseractPath != "/usr/bin/tesseract" {
		t.Errorf("extraction options %+v", o)
	}
	if got := v.EngineOrder(); strings.Join(got, ",") != "docling,native,default" || v.ExtractionPriority() != "docling" {
		t.Errorf("engine order %v", got)
	}
	if v.MonthlyTokenBudget() != 5000 || v.LLMTemperature() != 0.7 || v.AutoOptimize() || v.ChunkSize() != 256 ||
		v.ChunkOverlap() != 64 || v.ChunkTokenizer() != "cl100k_base" || v.MaxFileSize() != 52428800 || !v.WebhooksEnabled() {
		t.Errorf("accessors: budget %d temp %v auto %v chunk %d/%d", v.MonthlyTokenBudget(), v.LLMTemperature(), v.AutoOptimize(), v.ChunkSize(), v.ChunkOverlap())
	}
	if v.Get("extraction.timeout").Source != setting.FromEnv || v.Get("ocr.psm").Source != setting.FromOrg {
		t.Errorf("sources: %+v %+v", v.Get("extraction.timeout"), v.Get("ocr.psm"))
	}
}
