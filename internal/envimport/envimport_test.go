package envimport_test

import (
	"context"
	"strings"
	"testing"

	"github.com/joho/godotenv"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/envimport"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/orgexport"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/testenv"
)

// referenceConfig is the configuration the reference system's full set of
// variables gives (testdata/reference.env), with a key for sealing secrets.
func referenceConfig(t *testing.T) *config.Config {
	t.Helper()
	vars, err := godotenv.Read("testdata/reference.env")
	if err != nil {
		t.Fatal(err)
	}
	vars["CURATORE_SECRET_KEY"] = testenv.SecretKey
	cfg, err := config.FromMap(vars)
	if err != nil {
		t.Fatalf("the reference variables do not load: %v", err)
	}
	return cfg
}

func TestImportReferenceEnvTwice(t *testing.T) {
	dbtest.Each(t, func(t *testing.T, d *db.DB) {
		ctx := context.Background()
		cfg := referenceConfig(t)
		keys, err := app.KeyringFor(cfg)
		if err != nil {
			t.Fatal(err)
		}
		svc := &connection.Service{DB: d, Keys: keys}
		o := envimport.Options{Connections: orgexport.ServiceStore(svc)}

		dry := o
		dry.DryRun = true
		rep, err := envimport.Run(ctx, d, cfg, dry)
		if err != nil || rep.Count(orgexport.Create) != 1+8+4 {
			t.Fatalf("dry run: %v %+v", err, rep)
		}
		if _, err := org.BySlug(ctx, d, "default"); err == nil {
			t.Fatal("the dry run created the organization")
		}
		first, err := envimport.Run(ctx, d, cfg, o)
		if err != nil || first.Count(orgexport.Create) != 1+8+4 || first.Count(orgexport.Skip) != 0 {
			t.Fatalf("first run: %v %+v", err, first)
		}
		second, err := envimport.Run(ctx, d, cfg, o)
		if err != nil || second.Count(orgexport.Create) != 0 || second.Count(orgexport.Conflict) != 0 {
			t.Fatalf("second run changed something: %v %+v", err, second)
		}
		checkImported(t, d, svc)
	})
}

// checkImported reads back what the reference variables became.
func checkImported(t *testing.T, d *db.DB, svc *connection.Service) {
	t.Helper()
	ctx := context.Background()
	o, err := org.BySlug(ctx, d, "default")
	if err != nil || o.Name != "Default Organization" {
		t.Fatalf("organization: %+v %v", o, err)
	}
	vals, err := setting.OrgValues(ctx, d, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"quality_thresholds.conversion": int64(75), "quality_thresholds.completeness": int64(6),
		"quality_thresholds.markdown": int64(8), "ocr.language": "eng+deu", "ocr.psm": int64(6), "extraction.priority": "docling"}
	for k, v := range want {
		if vals[k] != v {
			t.Errorf("setting %s = %v, want %v", k, vals[k], v)
		}
	}
	store := orgexport.ServiceStore(svc)
	conns, err := store.Export(ctx, o.ID)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]orgexport.ConnectionData{}
	for _, c := range conns {
		got[c.Name] = c
	}
	llm := got[envimport.NameLLM]
	if !llm.IsDefault || llm.Config["model"] != "gpt-4o-mini" || llm.Secrets["api_key"] != "sk-reference-0123456789abcdef" {
		t.Errorf("llm connection: %+v", llm)
	}
	sp := got[envimport.NameSharePoint]
	if !sp.IsDefault || sp.Config["tenant_id"] != "11111111-2222-3333-4444-555555555555" || sp.Secrets["client_secret"] != "ms-client-secret-value" {
		t.Errorf("sharepoint connection: %+v", sp)
	}
	// EXTRACTION_PRIORITY=docling: Docling first, and the default.
	if dl, svcConn := got[envimport.NameDocling], got[envimport.NameService]; !dl.IsDefault || svcConn.IsDefault ||
		dl.Config["service_url"] != "http://docling:5001" || svcConn.Secrets["api_key"] != "extraction-key-not-checked" {
		t.Errorf("extraction connections: %+v / %+v", dl, svcConn)
	}
	var rows int
	d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_logs WHERE action IN ('connection.create', 'organization.import') AND status = 'success'`).Scan(&rows)
	if rows != 4+2 {
		t.Errorf("%d audit rows, want 6", rows)
	}
	var leaked int
	d.QueryRow(ctx, `SELECT COUNT(*) FROM audit_logs WHERE details LIKE ?`, "%ms-client-secret-value%").Scan(&leaked)
	if leaked != 0 {
		t.Error("a secret is in the audit log")
	}
}

// TestImportEnvKeepsWhatDiffers: an organization that already has its own
// value keeps it; the run reports the conflict.
func TestImportEnvKeepsWhatDiffers(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	cfg := referenceConfig(t)
	o := org.Organization{Name: "Default Organization", Slug: "default", IsActive: true,
		Settings: map[string]any{"ocr": map[string]any{"psm": 4}}}
	if err := org.Create(ctx, d, &o); err != nil {
		t.Fatal(err)
	}
	rep, err := envimport.Run(ctx, d, cfg, envimport.Options{})
	if err != nil {
		t.Fatal(err)
	}
	var psm, conns string
	for _, a := range rep.Actions {
		switch {
		case a.Name == "ocr.psm":
			psm = a.Action
		case a.Kind == "connection":
			conns += a.Action + " "
		}
	}
	if psm != orgexport.Conflict || !strings.Contains(conns, orgexport.Skip) {
		t.Fatalf("report: %+v", rep.Actions)
	}
	vals, _ := setting.OrgValues(ctx, d, o.ID)
	if vals["ocr.psm"] != int64(4) {
		t.Fatalf("ocr.psm overwritten: %v", vals["ocr.psm"])
	}
}
