package connection

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/health"
)

// HealthKinds are the dependencies the health endpoints report on.
var HealthKinds = []string{"llm", "sharepoint", "extraction", "docling"}

// Health answers the per-organization health endpoints from the last test
// result while it is younger than TTL, and runs a live test otherwise, so
// a health probe never costs an LLM call per request. A connection's
// result is stored on the connection (test_status); the environment's is
// kept in memory.
type Health struct {
	Resolver *Resolver
	TTL      time.Duration

	mu    sync.Mutex
	locks map[string]*sync.Mutex
	env   map[string]TestResult
}

// target is what a health kind resolves to.
type target struct {
	conn   *Connection // nil: the environment
	typ    Type
	values Values
}

// Report is the health of one kind for the organization.
func (h *Health) Report(ctx context.Context, orgID, kind string) health.Report {
	tg, err := h.resolve(ctx, orgID, kind)
	if errors.Is(err, ErrNotConfigured) {
		return health.Report{Status: health.NotConfigured, Message: kind + " is not configured (no default connection, no environment settings)",
			Details: map[string]any{"configured": false}}
	}
	if err != nil {
		return health.Report{Status: health.Unhealthy, Message: errorMessage(err), Details: map[string]any{"configured": true}}
	}
	key := orgID + "/" + kind
	if tg.conn == nil {
		key = "env/" + kind
	}
	lock := h.lock(key)
	lock.Lock()
	defer lock.Unlock()
	r, cached := h.cached(ctx, tg, kind)
	if !cached {
		r = h.Resolver.Service.runTest(ctx, tg.typ, tg.values)
		if ctx.Err() == nil {
			// A probe cut short by its caller says nothing about the
			// dependency: it is answered but not kept.
			h.store(ctx, tg, kind, r)
		}
	}
	return reportOf(tg, r, cached)
}

func (h *Health) resolve(ctx context.Context, orgID, kind string) (target, error) {
	typ := kind
	if kind == "docling" {
		typ = "extraction"
	}
	t, _ := Lookup(typ)
	c, v, err := h.Resolver.defaultValues(ctx, orgID, typ)
	switch {
	case err == nil && (kind != "docling" || v.String("engine") == EngineDocling):
		return target{conn: &c, typ: t, values: v}, nil
	case err != nil && !errors.Is(err, apperr.NotFound):
		return target{}, err
	}
	v, ok := h.envValues(kind)
	if !ok {
		return target{}, ErrNotConfigured
	}
	return target{typ: t, values: v}, nil
}

// envValues is the environment's configuration of kind.
func (h *Health) envValues(kind string) (Values, bool) {
	ex := h.Resolver.Config.Extraction
	switch kind {
	case "llm":
		return h.Resolver.envLLM()
	case "sharepoint":
		return h.Resolver.envSharePoint()
	case "docling":
		if ex.DoclingURL == "" {
			return nil, false
		}
		return Values{"engine": EngineDocling, "service_url": ex.DoclingURL, "verify_ssl": ex.DoclingVerifySSL,
			"timeout": int64(ex.DoclingTimeout.Seconds())}, true
	case "extraction":
		if ex.ServiceURL == "" {
			return nil, false
		}
		return Values{"engine": EngineService, "service_url": ex.ServiceURL, "api_key": ex.ServiceAPIKey,
			"verify_ssl": true, "timeout": int64(ex.ServiceTimeout.Seconds())}, true
	}
	return nil, false
}

func (h *Health) lock(key string) *sync.Mutex {
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.locks == nil {
		h.locks = map[string]*sync.Mutex{}
	}
	if h.locks[key] == nil {
		h.locks[key] = &sync.Mutex{}
	}
	return h.locks[key]
}

// cached returns the last result while it is fresh. A connection's result
// is stale too when the connection changed after it (an update saved
// without a test): it describes the old configuration.
func (h *Health) cached(ctx context.Context, tg target, kind string) (TestResult, bool) {
	if tg.conn != nil {
		c, _, err := byID(ctx, h.Resolver.Service.DB, tg.conn.OrgID, tg.conn.ID)
		if err == nil && c.TestResult != nil && time.Since(c.TestResult.TestedAt) < h.TTL &&
			!c.TestResult.TestedAt.Before(c.UpdatedAt) {
			return *c.TestResult, true
		}
		return TestResult{}, false
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	r, ok := h.env[kind]
	return r, ok && time.Since(r.TestedAt) < h.TTL
}

// store keeps a fresh result: on the connection (a system refresh of its
// test status, not a change by anyone, so not audited) or in memory.
func (h *Health) store(ctx context.Context, tg target, kind string, r TestResult) {
	if tg.conn != nil {
		if err := saveTest(ctx, h.Resolver.Service.DB, tg.conn.OrgID, tg.conn.ID, r); err != nil {
			// The probe is answered all the same; the next one tests again.
			slog.WarnContext(ctx, "connection health: test result not stored", "connection_id", tg.conn.ID, "err", err)
		}
		return
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	if h.env == nil {
		h.env = map[string]TestResult{}
	}
	h.env[kind] = r
}

func reportOf(tg target, r TestResult, cached bool) health.Report {
	d := maps.Clone(r.Details)
	if d == nil {
		d = map[string]any{}
	}
	d["configured"], d["cached"], d["tested_at"], d["latency_ms"] = true, cached, r.TestedAt, r.LatencyMS
	d["source"] = SourceEnv
	if tg.conn != nil {
		d["source"], d["connection_id"], d["connection_name"] = tg.conn.Source(), tg.conn.ID, tg.conn.Name
	}
	if r.Error != "" {
		d["error"] = r.Error
	}
	status := health.Healthy
	if !r.Success {
		status = health.Unhealthy
	}
	return health.Report{Status: status, Message: r.Message, Details: d}
}

func errorMessage(err error) string {
	if e, ok := apperr.As(err); ok {
		return e.Detail
	}
	return "the configuration could not be read"
}
