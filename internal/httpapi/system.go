package httpapi

import (
	"net/http"
	"time"

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
			Summary: "Database health: connection, migration version, row counts, size (503 when unhealthy)",
			Resp:    map[string]any{}, Handle: s.componentHealth("database")},
		{Method: "GET", Path: "/api/v1/system/health/storage", Tag: "system", Access: Public,
			Summary: "Blob store health: the files folder is writable or the S3 bucket answers (503 when unhealthy)",
			Resp:    map[string]any{}, Handle: s.componentHealth("storage")},
		{Method: "GET", Path: "/api/v1/system/health/comprehensive", Tag: "system", Access: Public,
			Summary: "Every component's health and the overall status", Resp: health.Comprehensive{}, Handle: s.comprehensive},
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

// componentHealth serves one registered component's report; 503 when unhealthy.
func (s *Server) componentHealth(name string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		rep, ok := s.deps.Health.Run(r.Context(), name)
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
	c := s.deps.Health.All(r.Context(), 10*time.Second)
	c.Components["backend"] = health.Report{Status: health.Healthy, Message: "API is running",
		Details: map[string]any{"version": s.deps.Version}}
	c.OverallStatus, c.Issues = health.Overall(c.Components)
	writeJSON(w, http.StatusOK, c)
	return nil
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
