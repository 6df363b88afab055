// Package httpapi is Curatore's REST API under /api/v1: the route table, one
// file per resource, request/response types, error mapping to RFC 9457
// problems, and the OpenAPI document generated from the same route table (so
// the spec cannot drift from what is served).
package httpapi

import (
	"net/http"
	"strings"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/metrics"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/sanitize"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/source"
	"github.com/curatore/curatore/internal/webhook"
)

// Access says who may call a route.
type Access int

// The access levels, from open to closed.
const (
	Public        Access = iota // anyone, no credentials
	Authenticated               // any role, including viewer
	Writer                      // member or org_admin: every mutation viewers may not do
	Admin                       // org_admin of the active organization
	SystemAdmin                 // a system administrator
)

func (a Access) String() string {
	return [...]string{"public", "authenticated", "member", "org_admin", "system_admin"}[a]
}

// HandlerFunc serves a request; a returned error becomes a problem response.
type HandlerFunc func(w http.ResponseWriter, r *http.Request) error

// Route is one endpoint. The table of routes drives the mux, the access
// checks, the OpenAPI document and the tests that walk every route.
type Route struct {
	Method string
	Path   string // Go ServeMux pattern path, e.g. /api/v1/api-keys/{id}
	// Pattern, when set, is registered with the mux instead of Path: a
	// wider pattern whose handler checks the rest, for a path the mux
	// would find ambiguous beside another route's.
	Pattern string
	Summary string
	Tag     string
	Access  Access
	Body    any // request body type, for the OpenAPI document (nil: none)
	Resp    any // success response type (nil: none)
	Status  int // success status (default 200)
	Handle  HandlerFunc
}

// Authenticator turns a request's credentials into a Scope. It returns
// apperr.Unauthenticated for missing or bad credentials.
type Authenticator interface {
	Authenticate(r *http.Request) (auth.Scope, error)
}

// Deps are what the API needs from the application.
type Deps struct {
	Config *config.Config
	DB     *db.DB
	Health *health.Registry
	Auth   Authenticator
	// AuthService serves the /auth and /api-keys routes; when Auth is nil a
	// TokenAuthenticator on it is used.
	AuthService *auth.Service
	Orgs        *org.Service
	// Documents and Jobs serve the documents, processing, jobs and batches
	// routes (left out when nil).
	Documents *document.Service
	Jobs      *job.Service
	// Settings serves the settings routes and the organization's settings.
	Settings *setting.Service
	// Connections serves /connections; ConnectionHealth the per-organization
	// health endpoints (both optional).
	Connections      *connection.Service
	ConnectionHealth *connection.Health
	Version          string
	// Sources serves /sharepoint and /sources (left out when nil).
	Sources *source.Service
	// Webhooks serves /webhooks (nil: the routes are not mounted).
	Webhooks *webhook.Service
	// Metrics are served at /metrics (with METRICS_TOKEN) and record every
	// request (nil: not recorded; /metrics is 404).
	Metrics *metrics.Metrics
	// Extra adds routes defined outside this package (tests, later modules).
	Extra []Route
	// UI serves every path outside the API (/api/, /docs, /openapi.json,
	// /healthz, /readyz, /metrics): the web interface. Nil: those paths are 404 problems.
	UI http.Handler
}

// Server is the API: its routes and the handler serving them.
type Server struct {
	deps    Deps
	routes  []Route
	handler http.Handler
	health  healthCache // detailed health reports, reused briefly
}

// New builds the API from its dependencies.
func New(d Deps) *Server {
	if d.Auth == nil && d.AuthService != nil {
		d.Auth = &TokenAuthenticator{Service: d.AuthService, Enabled: d.Config.EnableAuth}
	}
	s := &Server{deps: d}
	s.routes = append(s.routes, s.systemRoutes()...)
	s.routes = append(s.routes, s.metricsRoutes()...)
	s.routes = append(s.routes, s.authRoutes()...)
	s.routes = append(s.routes, s.apiKeyRoutes()...)
	s.routes = append(s.routes, s.organizationRoutes()...)
	s.routes = append(s.routes, s.memberRoutes()...)
	s.routes = append(s.routes, s.invitationRoutes()...)
	s.routes = append(s.routes, s.setupRoutes()...)
	s.routes = append(s.routes, s.auditRoutes()...)
	s.routes = append(s.routes, s.profileRoutes()...)
	s.routes = append(s.routes, s.documentRoutes()...)
	s.routes = append(s.routes, s.processingRoutes()...)
	s.routes = append(s.routes, s.jobRoutes()...)
	s.routes = append(s.routes, s.batchRoutes()...)
	s.routes = append(s.routes, s.queueRoutes()...)
	s.routes = append(s.routes, s.usageRoutes()...)
	s.routes = append(s.routes, s.settingRoutes()...)
	s.routes = append(s.routes, s.connectionRoutes()...)
	s.routes = append(s.routes, s.connectionHealthRoutes()...)
	s.routes = append(s.routes, s.exportRoutes()...)
	s.routes = append(s.routes, s.sharePointRoutes()...)
	s.routes = append(s.routes, s.sourceRoutes()...)
	s.routes = append(s.routes, s.webhookRoutes()...)
	s.routes = append(s.routes, d.Extra...)
	s.routes = append(s.routes, s.docsRoutes()...)
	mux := http.NewServeMux()
	for _, rt := range s.routes {
		pattern := rt.Path
		if rt.Pattern != "" {
			pattern = rt.Pattern
		}
		mux.Handle(rt.Method+" "+pattern, s.wrap(rt))
	}
	mux.HandleFunc("/", s.notFound(mux))
	var h http.Handler = mux
	h = withRecover(h)
	h = withActor(d.Config.TrustProxyHeaders, d.Config.TrustedProxies, h)
	h = withCORS(d.Config.CORSOrigins, h)
	if !d.Config.EnableAuth || len(d.Config.AllowedHosts) > 0 {
		h = withHostCheck(d.Config.AllowedHosts, h)
	}
	h = withSecurityHeaders(h)
	h = withAccessLog(d.Metrics, h)
	h = withRequestID(h)
	s.handler = h
	return s
}

// Handler returns the HTTP handler with every middleware applied.
func (s *Server) Handler() http.Handler { return s.handler }

// Routes returns the route table.
func (s *Server) Routes() []Route { return s.routes }

// wrap applies a route's access rule, then calls its handler.
func (s *Server) wrap(rt Route) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		noteRoute(r, rt.Path)
		if !sanitize.Valid(r.URL.Path) {
			// No id or token has such bytes; PostgreSQL would refuse them.
			writeProblem(w, r, Problem{Status: http.StatusNotFound, Code: "not_found", Detail: "not found"})
			return
		}
		if rt.Access != Public {
			scope, err := s.deps.Auth.Authenticate(r)
			if err != nil {
				writeError(w, r, err)
				return
			}
			if err := allowed(rt.Access, r.Method, scope); err != nil {
				writeError(w, r, err)
				return
			}
			r = r.WithContext(auth.WithScope(r.Context(), scope))
		}
		if err := rt.Handle(w, r); err != nil {
			writeError(w, r, err)
		}
	})
}

// notFound answers every unmatched request with a problem: 405 with Allow
// when the path exists for other methods, 404 otherwise.
func (s *Server) notFound(mux *http.ServeMux) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if s.deps.UI != nil && !isAPIPath(r.URL.Path) {
			s.deps.UI.ServeHTTP(w, r)
			return
		}
		var allow []string
		for _, m := range []string{"GET", "POST", "PUT", "PATCH", "DELETE"} {
			probe := r.Clone(r.Context())
			probe.Method = m
			if _, pattern := mux.Handler(probe); pattern != "/" && pattern != "" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			writeProblem(w, r, Problem{Status: http.StatusMethodNotAllowed, Code: "method_not_allowed",
				Detail: r.Method + " is not allowed on " + r.URL.Path})
			return
		}
		writeProblem(w, r, Problem{Status: http.StatusNotFound, Code: "route_not_found",
			Detail: "no route for " + r.Method + " " + r.URL.Path})
	}
}

// isAPIPath reports whether a path belongs to the API, whose unknown paths
// answer with a problem document rather than the UI's HTML.
func isAPIPath(p string) bool {
	switch p {
	case "/api", "/docs", "/openapi.json", "/healthz", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(p, "/api/")
}
