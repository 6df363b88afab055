package connection

import (
	"context"
	"errors"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/llm"
	"github.com/curatore/curatore/internal/netguard"
	"github.com/curatore/curatore/internal/sharepoint"
)

// ErrNotConfigured means neither the organization nor the environment
// configures the dependency.
var ErrNotConfigured = errors.New("not configured")

// SourceEnv is the source of a dependency configured by the environment.
const SourceEnv = "env"

// Resolver finds what an organization's work should call: its default
// active connection of the kind, else the environment's configuration
// (OPENAI_*, MS_*, DOCLING_*, EXTRACTION_SERVICE_*), else not configured.
// It is the only reader of those settings. Its methods take an
// organization id, so River workers call them as well as handlers; they
// resolve at call time, so a job uses whatever is configured when it runs.
type Resolver struct {
	Service *Service
	Config  *config.Config

	// spTokens keeps Graph tokens across the clients SharePointFor builds.
	spTokens sharepoint.TokenCache
}

// defaultValues returns the organization's default active connection of
// typ with its configuration, or apperr.NotFound when there is none.
func (r *Resolver) defaultValues(ctx context.Context, orgID, typ string) (Connection, Values, error) {
	c, sl, err := defaultOf(ctx, r.Service.DB, orgID, typ)
	if err != nil {
		return Connection{}, nil, err
	}
	if err := r.Service.open(&c, sl); err != nil {
		return Connection{}, nil, err
	}
	_, v, err := values(c)
	if err != nil {
		return Connection{}, nil, apperr.Wrap(apperr.Invalid, "connection_config_invalid",
			"the default "+typ+" connection's configuration is not valid", err)
	}
	return c, v, nil
}

// envGuard is the policy for operator-configured URLs: private networks
// allowed (Docling usually runs beside Curatore), metadata not.
var envGuard = netguard.Policy{AllowPrivate: true}

// LLMFor returns the organization's LLM endpoint; llm.ErrNotConfigured
// when there is none.
func (r *Resolver) LLMFor(ctx context.Context, orgID string) (*llm.Endpoint, error) {
	c, v, err := r.defaultValues(ctx, orgID, "llm")
	switch {
	case err == nil:
		client, err := llm.NewOpenAI(openAIConfig(v, r.Service.Env.Guard))
		if err != nil {
			return nil, err
		}
		return &llm.Endpoint{Chatter: client, Model: v.String("model"), ContextWindow: int(v.Int("context_window")),
			Source: c.Source()}, nil
	case !errors.Is(err, apperr.NotFound):
		return nil, err
	}
	v, ok := r.envLLM()
	if !ok {
		return nil, llm.ErrNotConfigured
	}
	client, err := llm.NewOpenAI(openAIConfig(v, envGuard))
	if err != nil {
		return nil, err
	}
	return &llm.Endpoint{Chatter: client, Model: v.String("model"), ContextWindow: int(v.Int("context_window")), Source: SourceEnv}, nil
}

// envLLM is OPENAI_* as llm connection values.
func (r *Resolver) envLLM() (Values, bool) {
	o := r.Config.Connections.OpenAI
	if !o.Configured() {
		return nil, false
	}
	return Values{"base_url": o.BaseURL, "api_key": o.APIKey, "model": o.Model, "timeout": int64(o.Timeout.Seconds() + 0.5),
		"verify_ssl": o.VerifySSL, "max_retries": int64(o.MaxRetries), "context_window": int64(o.ContextWindow)}, true
}

// SharePointFor returns a Graph client for the organization and its
// source; ErrNotConfigured when there is none.
func (r *Resolver) SharePointFor(ctx context.Context, orgID string) (*sharepoint.Client, string, error) {
	c, v, err := r.defaultValues(ctx, orgID, "sharepoint")
	switch {
	case err == nil:
		client, err := sharepoint.New(r.sharePointWork(sharePointConfig(v, r.Service.Env.Guard)))
		return client, c.Source(), err
	case !errors.Is(err, apperr.NotFound):
		return nil, "", err
	}
	v, ok := r.envSharePoint()
	if !ok {
		return nil, "", ErrNotConfigured
	}
	client, err := sharepoint.New(r.sharePointWork(sharePointConfig(v, envGuard)))
	return client, SourceEnv, err
}

// sharePointWork adapts a configuration for imports and syncs: tokens are
// shared across calls and throttling is retried more than a health check's
// single retry.
func (r *Resolver) sharePointWork(cfg sharepoint.Config) sharepoint.Config {
	cfg.Tokens, cfg.MaxRetries = &r.spTokens, 0
	return cfg
}

func (r *Resolver) envSharePoint() (Values, bool) {
	m := r.Config.Connections.SharePoint
	if !m.Configured() {
		return nil, false
	}
	return Values{"tenant_id": m.TenantID, "client_id": m.ClientID, "client_secret": m.ClientSecret,
		"scope": m.Scope, "graph_base_url": m.GraphBaseURL, "token_url": m.TokenURL}, true
}

// ExtractionEnginesFor returns the organization's remote extraction
// engines (its default extraction connection, else DOCLING_* and
// EXTRACTION_SERVICE_* in EXTRACTION_PRIORITY order) and their source;
// ErrNotConfigured when there is none.
func (r *Resolver) ExtractionEnginesFor(ctx context.Context, orgID string) ([]extract.Engine, string, error) {
	c, v, err := r.defaultValues(ctx, orgID, "extraction")
	switch {
	case err == nil:
		return []extract.Engine{extractionEngine(v, r.Service.Env.Guard)}, c.Source(), nil
	case !errors.Is(err, apperr.NotFound):
		return nil, "", err
	}
	engines := r.envEngines()
	if len(engines) == 0 {
		return nil, "", ErrNotConfigured
	}
	return engines, SourceEnv, nil
}

// envEngines are the remote engines the environment configures.
func (r *Resolver) envEngines() []extract.Engine {
	x, err := extract.New(r.Config.Extraction)
	if err != nil {
		return nil
	}
	var out []extract.Engine
	for _, e := range x.Engines {
		if e.Name() != extract.EngineNative {
			out = append(out, e)
		}
	}
	return out
}

// ExtractorFor returns the extractor for the organization's documents:
// its extraction connection's engine first with the native engine as the
// fallback ("connection:<id>"); else the environment's engines in
// EXTRACTION_PRIORITY order ("env"); else the native engine alone
// ("native").
func (r *Resolver) ExtractorFor(ctx context.Context, orgID string) (*extract.Extractor, string, error) {
	base, err := extract.New(r.Config.Extraction)
	if err != nil {
		return nil, "", err
	}
	c, v, err := r.defaultValues(ctx, orgID, "extraction")
	switch {
	case err == nil:
		base.Engines = []extract.Engine{extractionEngine(v, r.Service.Env.Guard), extract.Native{}}
		return base, c.Source(), nil
	case !errors.Is(err, apperr.NotFound):
		return nil, "", err
	}
	if len(r.envEngines()) > 0 {
		return base, SourceEnv, nil
	}
	return base, extract.EngineNative, nil
}
