package httpapi

import (
	"crypto/sha256"
	"crypto/subtle"
	"net/http"
	"strings"

	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/curatore/curatore/internal/apperr"
)

// metricsRoutes serves the Prometheus metrics. The route is public in the
// table (no user credentials): the scraper proves itself with
// METRICS_TOKEN, checked by the handler.
func (s *Server) metricsRoutes() []Route {
	var serve http.Handler
	if s.deps.Metrics != nil {
		serve = promhttp.HandlerFor(s.deps.Metrics.Gatherer(), promhttp.HandlerOpts{})
	}
	return []Route{{Method: "GET", Path: "/metrics", Tag: "system", Access: Public,
		Summary: "Prometheus metrics (text exposition format): 404 unless METRICS_TOKEN is set, then it needs Authorization: Bearer <METRICS_TOKEN>",
		Handle:  s.metrics(serve)}}
}

// metrics answers like an unknown route while metrics are disabled, 401
// without the token, else serves the registry.
func (s *Server) metrics(serve http.Handler) HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) error {
		token := s.deps.Config.MetricsToken
		if token == "" || serve == nil {
			writeProblem(w, r, Problem{Status: http.StatusNotFound, Code: "route_not_found",
				Detail: "no route for " + r.Method + " " + r.URL.Path})
			return nil
		}
		scheme, got, _ := strings.Cut(r.Header.Get("Authorization"), " ")
		if !strings.EqualFold(scheme, "Bearer") || !sameSecret(strings.TrimSpace(got), token) {
			return apperr.New(apperr.Unauthenticated, "invalid_metrics_token", "send Authorization: Bearer <METRICS_TOKEN>")
		}
		serve.ServeHTTP(w, r)
		return nil
	}
}

// sameSecret compares in constant time; hashing first hides the length.
func sameSecret(got, want string) bool {
	g, w := sha256.Sum256([]byte(got)), sha256.Sum256([]byte(want))
	return subtle.ConstantTimeCompare(g[:], w[:]) == 1
}
