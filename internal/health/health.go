// Package health checks the components Curatore depends on and aggregates
// them into one report. Each component registers a Check; the comprehensive
// report runs them all concurrently with a deadline.
package health

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"sync"
	"time"
)

// Status is a component's health.
type Status string

// The statuses, as the reference's dashboards expect them.
const (
	Healthy       Status = "healthy"
	Degraded      Status = "degraded"
	Unhealthy     Status = "unhealthy"
	NotConfigured Status = "not_configured"
	Unknown       Status = "unknown"
)

// Report is one component's health: a status, a message and any details,
// which are flattened into the same JSON object.
type Report struct {
	Status  Status
	Message string
	Details map[string]any
}

// MarshalJSON flattens Details beside status and message.
func (r Report) MarshalJSON() ([]byte, error) {
	m := make(map[string]any, len(r.Details)+2)
	maps.Copy(m, r.Details)
	m["status"] = r.Status
	m["message"] = r.Message
	return json.Marshal(m)
}

// Check reports on one component. It must honour ctx.
type Check func(ctx context.Context) Report

// Registry holds the registered checks by component name.
type Registry struct {
	mu     sync.RWMutex
	checks map[string]Check
}

// NewRegistry returns an empty registry.
func NewRegistry() *Registry { return &Registry{checks: map[string]Check{}} }

// Register adds or replaces the check for a component.
func (g *Registry) Register(name string, c Check) {
	g.mu.Lock()
	defer g.mu.Unlock()
	g.checks[name] = c
}

// Run runs one component's check; ok is false if none is registered.
func (g *Registry) Run(ctx context.Context, name string) (Report, bool) {
	g.mu.RLock()
	c, ok := g.checks[name]
	g.mu.RUnlock()
	if !ok {
		return Report{}, false
	}
	return c(ctx), true
}

// Comprehensive is the aggregate of every component.
type Comprehensive struct {
	Timestamp     time.Time         `json:"timestamp"`
	OverallStatus Status            `json:"overall_status"`
	Components    map[string]Report `json:"components"`
	Issues        []string          `json:"issues"`
}

// All runs every check concurrently, each bounded by timeout.
func (g *Registry) All(ctx context.Context, timeout time.Duration) Comprehensive {
	g.mu.RLock()
	checks := maps.Clone(g.checks)
	g.mu.RUnlock()
	out := Comprehensive{Timestamp: time.Now().UTC(), Components: map[string]Report{}, Issues: []string{}}
	var mu sync.Mutex
	var wg sync.WaitGroup
	for name, c := range checks {
		wg.Add(1)
		go func() {
			defer wg.Done()
			cctx, cancel := context.WithTimeout(ctx, timeout)
			defer cancel()
			r := c(cctx)
			mu.Lock()
			out.Components[name] = r
			mu.Unlock()
		}()
	}
	wg.Wait()
	out.OverallStatus, out.Issues = Overall(out.Components)
	return out
}

// Overall is unhealthy if any component is, degraded if any is degraded or
// unknown, else healthy; not_configured does not count against it.
func Overall(components map[string]Report) (Status, []string) {
	overall := Healthy
	issues := []string{}
	for _, n := range slices.Sorted(maps.Keys(components)) {
		r := components[n]
		switch r.Status {
		case Unhealthy:
			overall = Unhealthy
			issues = append(issues, n+": "+r.Message)
		case Degraded, Unknown:
			if overall == Healthy {
				overall = Degraded
			}
			issues = append(issues, n+": "+r.Message)
		}
	}
	return overall, issues
}

type detailsKey struct{}

// WithDetails asks checks for their full details (paths, sizes, counts),
// which only system administrators see.
func WithDetails(ctx context.Context) context.Context {
	return context.WithValue(ctx, detailsKey{}, true)
}

// DetailsWanted reports whether ctx asks for full details.
func DetailsWanted(ctx context.Context) bool {
	v, _ := ctx.Value(detailsKey{}).(bool)
	return v
}

// PublicFields are the only fields of a report shown without
// authentication.
var PublicFields = []string{"database_type", "backend", "connected", "migration_version"}

// Public returns the part of a report anyone may see: its status and the
// PublicFields it has, never messages (which can name hosts or paths).
func (r Report) Public() Report {
	out := Report{Status: r.Status, Details: map[string]any{}}
	for _, k := range PublicFields {
		if v, ok := r.Details[k]; ok {
			out.Details[k] = v
		}
	}
	return out
}

// Public returns the aggregate anyone may see: statuses only, and the
// names of the components with issues.
func (c Comprehensive) Public() Comprehensive {
	out := Comprehensive{Timestamp: c.Timestamp, OverallStatus: c.OverallStatus, Components: map[string]Report{}, Issues: []string{}}
	for _, n := range slices.Sorted(maps.Keys(c.Components)) {
		out.Components[n] = c.Components[n].Public()
		if s := c.Components[n].Status; s == Unhealthy || s == Degraded || s == Unknown {
			out.Issues = append(out.Issues, n+": "+string(s))
		}
	}
	return out
}
