package httpapi

import (
	"context"
	"maps"
	"net/http"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/health"
)

// LivenessResponse is the body of GET /api/v1/system/health.
type LivenessResponse struct {
	Status    string    `json:"status"`
	Version   string    `json:"version"`
	Timestamp time.Time `json:"timestamp"`
}

func (s *Server) systemRoutes() []Route {
	return []Route{
		{Method: "GET", Path: "/api/v1/system/health", Tag: "system", Access: Public,
			Summary: "Liveness: the process answers (no remote calls)", Resp: LivenessResponse{}, Handle: s.liveness},
		{Method: "GET", Path: "/api/v1/system/health/database", Tag: "system", Access: Public,
			Summary: "Database health: status, type, connected, migration version (503 when unhealthy); URL, row counts and size for system administrators",
			Resp:    map[string]any{}, Handle: s.componentHealth("database")},
		{Method: "GET", Path: "/api/v1/system/health/storage", Tag: "system", Access: Public,
			Summary: "Blob store health: the files folder is writable or the S3 bucket answers (503 when unhealthy)",
			Resp:    map[string]any{}, Handle: s.componentHealth("storage")},
		{Method: "GET", Path: "/api/v1/system/health/comprehensive", Tag: "system", Access: Public,
			Summary: "Every component's status and the overall status; details for system administrators", Resp: health.Comprehensive{}, Handle: s.comprehensive},
		{Method: "GET", Path: "/healthz", Tag: "system", Access: Public,
			Summary: "Liveness for orchestrators", Resp: map[string]string{}, Handle: s.healthz},
		{Method: "GET", Path: "/readyz", Tag: "system", Access: Public,
			Summary: "Readiness: migrated and the database answers (503 otherwise)", Resp: map[string]string{}, Handle: s.readyz},
	}
}

func (s *Server) liveness(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, LivenessResponse{Status: "healthy", Version: s.deps.Version, Timestamp: time.Now().UTC()})
	return nil
}

// componentHealth serves one registered component's report; 503 when
// unhealthy. Anyone sees the status and the public fields; a system
// administrator (credentials are optional on this route) sees the details,
// cached briefly.
func (s *Server) componentHealth(name string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		detailed := s.isSystemAdmin(r)
		var rep health.Report
		var ok bool
		if detailed {
			rep, ok = s.health.component(r.Context(), s.deps.Health, name)
		} else {
			rep, ok = s.deps.Health.Run(r.Context(), name)
			rep = rep.Public()
		}
		if !ok {
			rep = health.Report{Status: health.NotConfigured, Message: name + " is not configured"}
		}
		status := http.StatusOK
		if rep.Status == health.Unhealthy {
			status = http.StatusServiceUnavailable
		}
		writeJSON(w, status, rep)
		return nil
	}
}

func (s *Server) comprehensive(w http.ResponseWriter, r *http.Request) error {
	var c health.Comprehensive
	if s.isSystemAdmin(r) {
		c = s.health.all(r.Context(), s.deps.Health)
	} else {
		c = s.deps.Health.All(r.Context(), 10*time.Second)
	}
	c.Components["backend"] = health.Report{Status: health.Healthy, Message: "API is running",
		Details: map[string]any{"version": s.deps.Version}}
	s.addConnectionHealth(r, &c)
	c.OverallStatus, c.Issues = health.Overall(c.Components)
	if !s.isSystemAdmin(r) {
		c = c.Public()
	}
	writeJSON(w, http.StatusOK, c)
	return nil
}

// isSystemAdmin reports whether a request on a public route carries valid
// credentials of a system administrator.
func (s *Server) isSystemAdmin(r *http.Request) bool {
	if s.deps.Auth == nil || credential(r) == "" {
		return false
	}
	sc, err := s.deps.Auth.Authenticate(r)
	return err == nil && sc.SystemAdmin && sc.KeyAllows(auth.ScopeAdmin)
}

// healthDetailsTTL is how long detailed reports are reused: each runs
// several COUNT(*) queries.
const healthDetailsTTL = 5 * time.Second

// healthCache keeps the latest detailed reports.
type healthCache struct {
	mu      sync.Mutex
	at      map[string]time.Time
	reports map[string]health.Report
	allAt   time.Time
	allRep  health.Comprehensive
}

func (c *healthCache) component(ctx context.Context, g *health.Registry, name string) (health.Report, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if rep, ok := c.reports[name]; ok && time.Since(c.at[name]) < healthDetailsTTL {
		return rep, true
	}
	rep, ok := g.Run(health.WithDetails(ctx), name)
	if ok {
		if c.reports == nil {
			c.reports, c.at = map[string]health.Report{}, map[string]time.Time{}
		}
		c.reports[name], c.at[name] = rep, time.Now()
	}
	return rep, ok
}

func (c *healthCache) all(ctx context.Context, g *health.Registry) health.Comprehensive {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.allRep.Components == nil || time.Since(c.allAt) >= healthDetailsTTL {
		c.allRep, c.allAt = g.All(health.WithDetails(ctx), 10*time.Second), time.Now()
	}
	out := c.allRep
	out.Components = maps.Clone(c.allRep.Components) // the caller adds to it
	return out
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) error {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
	return nil
}

// readyz is ready when no migration is pending and the database answers.
func (s *Server) readyz(w http.ResponseWriter, r *http.Request) error {
	if err := s.deps.DB.Ping(r.Context()); err != nil {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "database unreachable"})
		return nil
	}
	current, err := s.deps.DB.Version(r.Context())
	if err != nil || current < db.LatestVersion(s.deps.DB.Engine()) {
		writeJSON(w, http.StatusServiceUnavailable, map[string]string{"status": "unavailable", "reason": "migrations pending"})
		return nil
	}
	writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	return nil
}
