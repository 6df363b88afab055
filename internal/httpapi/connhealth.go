package httpapi

import (
	"context"
	"net/http"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/health"
)

// connectionHealthRoutes answer, for the caller's organization, how its
// LLM, SharePoint, extraction service and Docling are doing: the default
// connection, else the environment, else not_configured. Results are the
// last test's while younger than CONNECTION_HEALTH_TTL.
func (s *Server) connectionHealthRoutes() []Route {
	if s.deps.ConnectionHealth == nil {
		return nil
	}
	var out []Route
	for _, kind := range connection.HealthKinds {
		out = append(out, Route{Method: "GET", Path: "/api/v1/system/health/" + kind, Tag: "system", Access: Authenticated,
			Summary: "Health of the organization's " + kind + " (default connection, else environment; cached test result)",
			Resp:    map[string]any{}, Handle: s.connectionHealth(kind)})
	}
	return out
}

func (s *Server) connectionHealth(kind string) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		writeJSON(w, http.StatusOK, s.deps.ConnectionHealth.Report(r.Context(), callerScope(r).OrgID, kind))
		return nil
	}
}

// ComprehensiveName is each kind's component name in /comprehensive, as
// the reference's dashboards name them.
var comprehensiveName = map[string]string{"llm": "llm", "sharepoint": "sharepoint", "extraction": "extraction_service", "docling": "docling"}

// addConnectionHealth adds the connection components to a comprehensive
// report: for the caller's organization when the request authenticates,
// else for the environment's configuration.
func (s *Server) addConnectionHealth(r *http.Request, c *health.Comprehensive) {
	if s.deps.ConnectionHealth == nil {
		return
	}
	orgID := ""
	if sc, err := s.deps.Auth.Authenticate(r); err == nil {
		orgID = sc.OrgID
	}
	ctx, cancel := context.WithTimeout(r.Context(), 30*time.Second)
	defer cancel()
	reports := make([]health.Report, len(connection.HealthKinds))
	var wg sync.WaitGroup
	for i, kind := range connection.HealthKinds {
		wg.Go(func() { reports[i] = s.deps.ConnectionHealth.Report(ctx, orgID, kind) })
	}
	wg.Wait()
	for i, kind := range connection.HealthKinds {
		c.Components[comprehensiveName[kind]] = reports[i]
	}
	c.OverallStatus, c.Issues = health.Overall(c.Components)
}
