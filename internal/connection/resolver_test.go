package connection_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/connection/connectiontest"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/sharepoint/graphtest"
	"github.com/curatore/curatore/internal/testenv"
)

func adminOf(t *testing.T, env *testenv.Env, name string) auth.Scope {
	o := env.CreateOrg(t, name)
	u := env.CreateUser(t, o.ID, auth.RoleAdmin, name+" admin")
	return auth.Scope{OrgID: o.ID, UserID: u.ID, Role: auth.RoleAdmin}
}

func create(t *testing.T, env *testenv.Env, sc auth.Scope, name, typ string, cfg map[string]any) connection.Connection {
	t.Helper()
	off := false
	c, err := env.App.Connections.Create(context.Background(), sc, connection.CreateInput{Name: name, Type: typ, Config: cfg, TestOnSave: &off})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func chat(t *testing.T, ep *llm.Endpoint) {
	t.Helper()
	if _, err := ep.Chat(context.Background(), llm.Request{Messages: []llm.Message{{Role: "user", Content: "hi"}}}); err != nil {
		t.Fatal(err)
	}
}

// TestResolversKeepOrganizationsApart: two organizations, two fake LLM
// servers; each organization's calls reach its own server with its own
// key, an organization without a connection falls back to the
// environment, and deleting the connection falls back too.
func TestResolversKeepOrganizationsApart(t *testing.T) {
	envLLM := llmtest.New(t)
	overrides := map[string]string{"OPENAI_BASE_URL": envLLM.URL(), "OPENAI_API_KEY": "sk-env", "OPENAI_MODEL": "env-model"}
	for _, e := range engines() {
		t.Run(string(e), func(t *testing.T) {
			env := testenv.New(t, e, overrides)
			srvA, srvB := llmtest.New(t), llmtest.New(t)
			a, b, c := adminOf(t, env, "Org A"), adminOf(t, env, "Org B"), adminOf(t, env, "Org C")
			connA := create(t, env, a, "A llm", "llm", map[string]any{"base_url": srvA.URL(), "api_key": "sk-org-a", "model": "m-a", "context_window": 32000})
			create(t, env, b, "B llm", "llm", map[string]any{"base_url": srvB.URL(), "api_key": "sk-org-b", "model": "m-b"})
			r := env.App.ConnectionResolver
			ctx := context.Background()
			epA, err := r.LLMFor(ctx, a.OrgID)
			if err != nil || epA.Source != "connection:"+connA.ID || epA.Model != "m-a" || epA.ContextWindow != 32000 {
				t.Fatalf("A: %+v %v", epA, err)
			}
			epB, err := r.LLMFor(ctx, b.OrgID)
			if err != nil {
				t.Fatal(err)
			}
			chat(t, epA)
			chat(t, epB)
			chat(t, epA)
			if k := srvA.Keys(); len(k) != 2 || k[0] != "sk-org-a" || k[1] != "sk-org-a" {
				t.Fatalf("server A received %q", k)
			}
			if k := srvB.Keys(); len(k) != 1 || k[0] != "sk-org-b" {
				t.Fatalf("server B received %q", k)
			}
			epC, err := r.LLMFor(ctx, c.OrgID)
			if err != nil || epC.Source != "env" || epC.Model != "env-model" {
				t.Fatalf("C: %+v %v", epC, err)
			}
			chat(t, epC)
			if err := env.App.Connections.Delete(ctx, a, connA.ID); err != nil {
				t.Fatal(err)
			}
			epA, err = r.LLMFor(ctx, a.OrgID)
			if err != nil || epA.Source != "env" {
				t.Fatalf("A after delete: %+v %v", epA, err)
			}
			chat(t, epA)
			if k := envLLM.Keys(); len(k) < 2 || k[len(k)-1] != "sk-env" || k[len(k)-2] != "sk-env" {
				t.Fatalf("env server received %q", k)
			}
		})
	}
}

// TestResolversWithoutConfiguration: nothing configured is a clear
// "not configured", and extraction falls back to the native engine.
func TestResolversWithoutConfiguration(t *testing.T) {
	env := testenv.New(t, engines()[0], nil)
	a := adminOf(t, env, "Org A")
	ctx := context.Background()
	r := env.App.ConnectionResolver
	if _, err := r.LLMFor(ctx, a.OrgID); !errors.Is(err, llm.ErrNotConfigured) {
		t.Fatalf("LLMFor: %v", err)
	}
	if _, _, err := r.SharePointFor(ctx, a.OrgID); !errors.Is(err, connection.ErrNotConfigured) {
		t.Fatalf("SharePointFor: %v", err)
	}
	if _, _, err := r.ExtractionEnginesFor(ctx, a.OrgID); !errors.Is(err, connection.ErrNotConfigured) {
		t.Fatalf("ExtractionEnginesFor: %v", err)
	}
	x, src, err := r.ExtractorFor(ctx, a.OrgID)
	if err != nil || src != "native" || len(x.Engines) != 1 || x.Engines[0].Name() != extract.EngineNative {
		t.Fatalf("ExtractorFor: %v %q %v", x, src, err)
	}
}

// TestExtractionAndSharePointResolvers: the organization's extraction
// connection comes first with native as the fallback, and its Graph
// client authenticates with the organization's secret.
func TestExtractionAndSharePointResolvers(t *testing.T) {
	env := testenv.New(t, engines()[0], nil)
	a := adminOf(t, env, "Org A")
	ctx := context.Background()
	docling := connectiontest.NewDocling(t, "dk-a")
	conn := create(t, env, a, "Docling", "extraction", map[string]any{"engine": "docling", "service_url": docling.URL(), "api_key": "dk-a"})
	x, src, err := env.App.ConnectionResolver.ExtractorFor(ctx, a.OrgID)
	if err != nil || src != conn.Source() || len(x.Engines) != 2 || x.Engines[0].Name() != "docling" || x.Engines[1].Name() != "native" {
		t.Fatalf("ExtractorFor: %+v %q %v", x, src, err)
	}
	res, err := x.Extract(ctx, extract.Input{Name: "a.html", Data: []byte("<p>Hello from org A</p>")})
	if err != nil || res.Engine != "docling" || docling.Keys()[0] != "dk-a" {
		t.Fatalf("Extract: %+v %v %q", res, err, docling.Keys())
	}
	g := graphtest.New(t, "app", "sp-secret-a")
	create(t, env, a, "SP", "sharepoint", map[string]any{"tenant_id": "ten", "client_id": "app", "client_secret": "sp-secret-a",
		"token_url": g.TokenURL(), "graph_base_url": g.GraphURL()})
	sp, src, err := env.App.ConnectionResolver.SharePointFor(ctx, a.OrgID)
	if err != nil || src == "env" {
		t.Fatalf("SharePointFor: %q %v", src, err)
	}
	if _, err := sp.RootSite(ctx); err != nil || g.Secrets()[0] != "sp-secret-a" {
		t.Fatalf("RootSite: %v %q", err, g.Secrets())
	}
}

// TestOneDefaultPerTypeIsADatabaseRule: a second default of the same type
// in the same organization is refused by the unique partial index, not
// only by the service.
func TestOneDefaultPerTypeIsADatabaseRule(t *testing.T) {
	for _, e := range engines() {
		t.Run(string(e), func(t *testing.T) {
			env := testenv.New(t, e, nil)
			a := adminOf(t, env, "Org A")
			c := create(t, env, a, "first", "llm", map[string]any{"model": "m"})
			if !c.IsDefault {
				t.Fatal("the first connection of a type is not the default")
			}
			_, err := env.DB.Exec(context.Background(), `INSERT INTO connections (id, org_id, name, connection_type, config,
				is_active, is_default, scope, created_at, updated_at) VALUES (?, ?, 'second', 'llm', '{}', ?, ?, 'organization', ?, ?)`,
				"00000000-0000-7000-8000-000000000001", a.OrgID, true, true, c.CreatedAt, c.CreatedAt)
			if err == nil {
				t.Fatal("a second default was stored")
			}
		})
	}
}

// TestConcurrentSetDefaultLeavesOneDefault: admins racing to make
// different connections the default end with exactly one default and no
// server error (a loser gets a conflict to retry, or wins later).
func TestConcurrentSetDefaultLeavesOneDefault(t *testing.T) {
	for _, e := range engines() {
		t.Run(string(e), func(t *testing.T) {
			env := testenv.New(t, e, nil)
			a := adminOf(t, env, "Org A")
			var ids []string
			for _, n := range []string{"c1", "c2", "c3", "c4", "c5", "c6"} {
				ids = append(ids, create(t, env, a, n, "llm", map[string]any{"model": "m"}).ID)
			}
			errs := make(chan error, len(ids)*3)
			var wg sync.WaitGroup
			for round := 0; round < 3; round++ {
				for _, id := range ids {
					wg.Go(func() {
						_, err := env.App.Connections.SetDefault(context.Background(), a, id)
						errs <- err
					})
				}
			}
			wg.Wait()
			close(errs)
			for err := range errs {
				if err != nil && !errors.Is(err, apperr.Conflict) {
					t.Errorf("set-default: %v", err)
				}
			}
			var n int
			if err := env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM connections WHERE org_id = ? AND is_default", a.OrgID).Scan(&n); err != nil || n != 1 {
				t.Fatalf("defaults = %d (%v)", n, err)
			}
		})
	}
}

// TestDeactivatingTheDefaultGivesItUp: a deactivated default stops being
// the default, so the type's next connection becomes the default and the
// resolvers use it.
func TestDeactivatingTheDefaultGivesItUp(t *testing.T) {
	for _, e := range engines() {
		t.Run(string(e), func(t *testing.T) {
			env := testenv.New(t, e, nil)
			a := adminOf(t, env, "Org A")
			first := create(t, env, a, "first", "llm", map[string]any{"model": "m1"})
			off := false
			got, err := env.App.Connections.Update(context.Background(), a, first.ID, connection.UpdateInput{IsActive: &off})
			if err != nil || got.IsDefault || got.IsActive {
				t.Fatalf("deactivated default: is_default=%v is_active=%v (%v)", got.IsDefault, got.IsActive, err)
			}
			second := create(t, env, a, "second", "llm", map[string]any{"model": "m2"})
			if !second.IsDefault {
				t.Fatal("the type has no active default, yet the new connection did not become it")
			}
			ep, err := env.App.ConnectionResolver.LLMFor(context.Background(), a.OrgID)
			if err != nil || ep.Source != "connection:"+second.ID {
				t.Fatalf("LLMFor = %+v (%v), want the second connection", ep, err)
			}
		})
	}
}

// TestHealthDoesNotCacheAnAbandonedProbe: a probe whose caller went away
// (or whose deadline passed) is not kept as the result, so the next
// caller gets a real answer rather than a cached "unhealthy".
func TestHealthDoesNotCacheAnAbandonedProbe(t *testing.T) {
	srv := llmtest.New(t)
	env := testenv.New(t, "sqlite", map[string]string{"OPENAI_BASE_URL": srv.URL(), "OPENAI_MODEL": "test-model"})
	a := adminOf(t, env, "Org A")
	srv.Latency(300 * time.Millisecond)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if r := env.App.ConnectionHealth.Report(ctx, a.OrgID, "llm"); r.Status == health.Healthy {
		t.Fatalf("abandoned probe = %+v", r)
	}
	srv.Latency(0)
	r := env.App.ConnectionHealth.Report(context.Background(), a.OrgID, "llm")
	if r.Status != health.Healthy || r.Details["cached"] != false {
		t.Fatalf("next probe = %+v, want a live, healthy answer", r)
	}
}

// TestUpdateDoesNotOverwriteAConcurrentChange: an update tests the new
// configuration between reading the connection and writing it; a change
// made meanwhile (here: set-default) is not overwritten with what was
// read — the update is refused as a conflict to retry.
func TestUpdateDoesNotOverwriteAConcurrentChange(t *testing.T) {
	for _, e := range engines() {
		t.Run(string(e), func(t *testing.T) {
			env := testenv.New(t, e, nil)
			srv := llmtest.New(t)
			a := adminOf(t, env, "Org A")
			cfg := map[string]any{"base_url": srv.URL(), "model": "test-model"}
			create(t, env, a, "first", "llm", cfg)
			second := create(t, env, a, "second", "llm", cfg)
			srv.Latency(time.Second) // holds the update's live test
			on, name := true, "renamed"
			done := make(chan error, 1)
			go func() {
				_, err := env.App.Connections.Update(context.Background(), a, second.ID,
					connection.UpdateInput{Name: &name, TestOnSave: &on})
				done <- err
			}()
			time.Sleep(300 * time.Millisecond)
			if _, err := env.App.Connections.SetDefault(context.Background(), a, second.ID); err != nil {
				t.Fatal(err)
			}
			if err := <-done; !errors.Is(err, apperr.Conflict) {
				t.Fatalf("update after a concurrent change: %v, want a conflict", err)
			}
			got, err := env.App.Connections.Get(context.Background(), a, second.ID)
			if err != nil || !got.IsDefault || got.Name != "second" {
				t.Fatalf("second = default %v, name %q (%v); the concurrent set-default was overwritten", got.IsDefault, got.Name, err)
			}
		})
	}
}
