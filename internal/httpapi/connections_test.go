package httpapi_test

import (
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/connection/connectiontest"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/sharepoint/graphtest"
	"github.com/curatore/curatore/internal/testenv"
)

// scenario is one connection saved with test_on_save against a fake.
type scenario struct {
	name   string
	typ    string
	config func(t *testing.T) map[string]any
	status string // stored test_status
	want   string // substring of the stored message
}

func llmScenarios() []scenario {
	good := func(setup func(*llmtest.Server), cfg map[string]any) func(t *testing.T) map[string]any {
		return func(t *testing.T) map[string]any {
			srv := llmtest.New(t)
			srv.RequireKey("sk-good-key")
			srv.Models("gpt-test")
			if setup != nil {
				setup(srv)
			}
			out := map[string]any{"base_url": srv.URL(), "api_key": "sk-good-key", "model": "gpt-test", "timeout": 1}
			for k, v := range cfg {
				out[k] = v
			}
			return out
		}
	}
	tlsCfg := func(verify bool) func(t *testing.T) map[string]any {
		return func(t *testing.T) map[string]any {
			srv := llmtest.NewTLS(t)
			return map[string]any{"base_url": srv.URL(), "model": "test-model", "verify_ssl": verify}
		}
	}
	return []scenario{
		{"llm success", "llm", good(nil, nil), "healthy", "model gpt-test answered"},
		{"llm bad key", "llm", good(nil, map[string]any{"api_key": "sk-wrong-key"}), "unhealthy", "authentication failed: the API key was rejected (HTTP 401)"},
		{"llm wrong model", "llm", good(nil, map[string]any{"model": "gpt-nope"}), "unhealthy", `model "gpt-nope" not found`},
		{"llm timeout", "llm", good(func(s *llmtest.Server) { s.Latency(30 * time.Second) }, nil), "unhealthy", "no answer within 1s (timeout)"},
		{"llm malformed", "llm", good(func(s *llmtest.Server) { s.Always(llmtest.Reply{Raw: `{"choices": [}`}) }, nil), "unhealthy", "not an OpenAI-compatible response"},
		{"llm server error", "llm", good(func(s *llmtest.Server) { s.Always(llmtest.Reply{Status: 500}) }, nil), "unhealthy", "the server answered HTTP 500"},
		{"llm tls verified", "llm", tlsCfg(true), "unhealthy", "TLS certificate not trusted: signed by an unknown authority"},
		{"llm tls unverified", "llm", tlsCfg(false), "healthy", "model test-model answered"},
		{"llm unresolvable", "llm", func(*testing.T) map[string]any {
			return map[string]any{"base_url": "http://no-such-host.invalid/v1", "model": "m"}
		}, "unhealthy", `cannot resolve host "no-such-host.invalid"`},
	}
}

func sharePointScenarios() []scenario {
	cfg := func(secret string, setup func(*graphtest.Server)) func(t *testing.T) map[string]any {
		return func(t *testing.T) map[string]any {
			g := graphtest.New(t, "app-id", "the-client-secret")
			g.AddShare("https://contoso.sharepoint.com/:f:/s/Team/Eabc", "Reports")
			if setup != nil {
				setup(g)
			}
			return map[string]any{"tenant_id": "tenant-1", "client_id": "app-id", "client_secret": secret,
				"token_url": g.TokenURL(), "graph_base_url": g.GraphURL(), "folder_url": "https://contoso.sharepoint.com/:f:/s/Team/Eabc"}
		}
	}
	return []scenario{
		{"sharepoint success", "sharepoint", cfg("the-client-secret", nil), "healthy", `folder "Reports" resolved`},
		{"sharepoint bad secret", "sharepoint", cfg("a-wrong-secret", nil), "unhealthy", "the credentials were rejected (HTTP 401 invalid_client)"},
		{"sharepoint forbidden", "sharepoint", cfg("the-client-secret", func(g *graphtest.Server) { g.Fail(403, "", 0) }), "unhealthy",
			"access denied (HTTP 403); grant the app Files.Read.All"},
		{"sharepoint unresolvable", "sharepoint", func(*testing.T) map[string]any {
			return map[string]any{"tenant_id": "t", "client_id": "c", "client_secret": "s3cr3t", "token_url": "https://login.no-such-host.invalid/{tenant}/token"}
		}, "unhealthy", `cannot resolve host "login.no-such-host.invalid"`},
	}
}

func extractionScenarios() []scenario {
	docling := func(key string, mode connectiontest.Mode, tls bool, cfg map[string]any) func(t *testing.T) map[string]any {
		return func(t *testing.T) map[string]any {
			srv := connectiontest.NewDocling(t, "docling-key")
			if tls {
				srv = connectiontest.NewDoclingTLS(t, "docling-key")
			}
			srv.SetMode(mode)
			out := map[string]any{"engine": "docling", "service_url": srv.URL(), "api_key": key, "timeout": 1}
			for k, v := range cfg {
				out[k] = v
			}
			return out
		}
	}
	return []scenario{
		{"docling success", "extraction", docling("docling-key", connectiontest.OK, false, nil), "healthy", "docling answered and converted a sample"},
		{"docling bad key", "extraction", docling("wrong-key", connectiontest.OK, false, nil), "unhealthy", "the API key was rejected (HTTP 401)"},
		{"docling malformed", "extraction", docling("docling-key", connectiontest.Malformed, false, nil), "unhealthy", "the answer is not the service's JSON"},
		{"docling timeout", "extraction", docling("docling-key", connectiontest.Hang, false, nil), "unhealthy", "no answer within 1s (timeout)"},
		{"docling tls verified", "extraction", docling("docling-key", connectiontest.OK, true, nil), "unhealthy", "TLS certificate not trusted"},
		{"docling tls unverified", "extraction", docling("docling-key", connectiontest.OK, true, map[string]any{"verify_ssl": false}), "healthy", "converted a sample"},
		{"service success", "extraction", func(t *testing.T) map[string]any {
			srv := connectiontest.NewService(t, "svc-key")
			return map[string]any{"engine": "curatore-extraction", "service_url": srv.URL(), "api_key": "svc-key"}
		}, "healthy", "curatore-extraction answered and converted a sample"},
		{"extraction unresolvable", "extraction", func(*testing.T) map[string]any {
			return map[string]any{"service_url": "http://docling.no-such-host.invalid:5001"}
		}, "unhealthy", `cannot resolve host "docling.no-such-host.invalid"`},
	}
}

// TestConnectionTestScenarios saves a connection against a fake speaking
// the real protocol for every case: success, bad credentials, wrong model,
// timeout, TLS with and without verification, an unresolvable host and a
// malformed answer. Each is saved (201), its test result stored, with a
// specific message.
func TestConnectionTestScenarios(t *testing.T) {
	all := append(append(llmScenarios(), sharePointScenarios()...), extractionScenarios()...)
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		for _, sc := range all {
			t.Run(sc.name, func(t *testing.T) {
				var created httpapi.ConnectionResponse
				body := map[string]any{"name": sc.name, "connection_type": sc.typ, "config": sc.config(t), "test_on_save": true}
				if st := env.DoJSON(t, "POST", "/api/v1/connections", admin, body, &created); st != http.StatusCreated {
					t.Fatalf("create: %d", st)
				}
				if created.TestStatus == nil || *created.TestStatus != sc.status || created.TestResult == nil ||
					!strings.Contains(created.TestResult.Message, sc.want) {
					t.Fatalf("test result = %+v (status %v), want %s containing %q", created.TestResult, created.TestStatus, sc.status, sc.want)
				}
				var stored httpapi.ConnectionResponse
				env.DoJSON(t, "GET", "/api/v1/connections/"+created.ID, admin, nil, &stored)
				if stored.TestStatus == nil || *stored.TestStatus != sc.status || stored.LastTestedAt == nil {
					t.Fatalf("stored = %+v", stored)
				}
				var retest httpapi.ConnectionTestResponse
				if st := env.DoJSON(t, "POST", "/api/v1/connections/"+created.ID+"/test", admin, nil, &retest); st != http.StatusOK ||
					retest.Status != sc.status || !strings.Contains(retest.Message, sc.want) || retest.ConnectionID != created.ID {
					t.Fatalf("retest: %d %+v", st, retest)
				}
			})
		}
	})
}

// TestGuardRefusesTheServersOwnNetwork: without CONNECTIONS_ALLOW_PRIVATE
// a connection to loopback or the metadata address is saved, tested, and
// refused with a message that says why.
func TestGuardRefusesTheServersOwnNetwork(t *testing.T) {
	testenv.Each(t, map[string]string{"CONNECTIONS_ALLOW_PRIVATE": "false"}, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		srv := llmtest.New(t)
		for url, want := range map[string]string{
			srv.URL():                      "127.0.0.1 is a loopback address",
			"http://169.254.169.254/v1":    "169.254.169.254 is a cloud metadata address",
			"http://localhost:1/v1":        "is a loopback address",
			"http://[::ffff:10.0.0.1]:1/v": "10.0.0.1 is a private address",
		} {
			var c httpapi.ConnectionResponse
			body := map[string]any{"name": url, "connection_type": "llm", "config": map[string]any{"base_url": url, "model": "m", "timeout": 2}}
			if st := env.DoJSON(t, "POST", "/api/v1/connections", admin, body, &c); st != http.StatusCreated {
				t.Fatalf("%s: %d", url, st)
			}
			if c.TestResult == nil || c.TestResult.Success || !strings.Contains(c.TestResult.Message, want) {
				t.Errorf("%s: %+v, want %q", url, c.TestResult, want)
			}
		}
		if len(srv.Keys()) != 0 {
			t.Fatalf("the loopback server was reached: %v", srv.Keys())
		}
	})
}
