package httpapi

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/metrics"
	"github.com/curatore/curatore/internal/sanitize"
)

type requestIDKey struct{}

// requestID returns the request id stored by withRequestID.
func requestID(ctx context.Context) string {
	id, _ := ctx.Value(requestIDKey{}).(string)
	return id
}

// withRequestID honours a sane incoming X-Request-ID or generates one, and
// sets it on every response.
func withRequestID(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.Header.Get("X-Request-ID")
		if !validRequestID(id) {
			var b [16]byte
			_, _ = rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-ID", id)
		next.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id)))
	})
}

// validRequestID keeps log lines clean: short, printable, no spaces.
func validRequestID(id string) bool {
	if id == "" || len(id) > 128 {
		return false
	}
	for _, c := range id {
		if c <= ' ' || c > '~' {
			return false
		}
	}
	return true
}

// statusRecorder remembers the status and size written.
type statusRecorder struct {
	http.ResponseWriter
	status int
	bytes  int
}

func (s *statusRecorder) WriteHeader(code int) {
	if s.status == 0 {
		s.status = code
	}
	s.ResponseWriter.WriteHeader(code)
}

func (s *statusRecorder) Write(b []byte) (int, error) {
	if s.status == 0 {
		s.status = http.StatusOK
	}
	n, err := s.ResponseWriter.Write(b)
	s.bytes += n
	return n, err
}

func (s *statusRecorder) Unwrap() http.ResponseWriter { return s.ResponseWriter }

// matchedRoute is where the route's handler notes its pattern for the
// access log and the metrics, which run outside the mux.
type matchedRoute struct{ pattern string }

type matchedRouteKey struct{}

// noteRoute records the route table pattern that serves r.
func noteRoute(r *http.Request, pattern string) {
	if m, ok := r.Context().Value(matchedRouteKey{}).(*matchedRoute); ok {
		m.pattern = pattern
	}
}

// withAccessLog writes one structured line per request and records it in
// the metrics (when enabled). It logs the path, never the query string
// (tokens can travel there) nor any body; metrics get the route pattern,
// never the path.
func withAccessLog(m *metrics.Metrics, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		rec := &statusRecorder{ResponseWriter: w}
		route := &matchedRoute{}
		next.ServeHTTP(rec, r.WithContext(context.WithValue(r.Context(), matchedRouteKey{}, route)))
		elapsed := time.Since(start)
		m.ObserveHTTP(r.Method, route.pattern, rec.status, elapsed)
		slog.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("method", r.Method),
			slog.String("path", redactPath(r.URL.Path)),
			slog.Int("status", rec.status),
			slog.Int("bytes", rec.bytes),
			slog.Float64("duration_ms", float64(elapsed.Microseconds())/1000),
			slog.String("request_id", requestID(r.Context())),
			slog.String("remote", r.RemoteAddr),
		)
	})
}

// secretPathPrefixes are routes whose last path segment is a secret token.
var secretPathPrefixes = []string{"/api/v1/auth/validate-reset-token/", "/api/v1/invitations/"}

// redactPath hides the token of routes that carry one in the path.
func redactPath(p string) string {
	for _, prefix := range secretPathPrefixes {
		if strings.HasPrefix(p, prefix) && p != "/api/v1/invitations/accept" {
			return prefix + "***"
		}
	}
	return p
}

// withRecover turns a panic in a handler into a logged 500 problem.
func withRecover(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		defer func() {
			if p := recover(); p != nil {
				if p == http.ErrAbortHandler {
					panic(p)
				}
				writeError(w, r, fmt.Errorf("panic: %v\n%s", p, debug.Stack()))
			}
		}()
		next.ServeHTTP(w, r)
	})
}

// withCORS answers preflight requests and sets CORS headers for the
// configured origins. Credentials are allowed only for listed origins.
func withCORS(origins []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		origin := r.Header.Get("Origin")
		if origin != "" && slices.Contains(origins, origin) {
			h := w.Header()
			h.Set("Access-Control-Allow-Origin", origin)
			h.Set("Access-Control-Allow-Credentials", "true")
			h.Add("Vary", "Origin")
			if r.Method == http.MethodOptions && r.Header.Get("Access-Control-Request-Method") != "" {
				h.Set("Access-Control-Allow-Methods", "GET, POST, PUT, PATCH, DELETE, OPTIONS")
				h.Set("Access-Control-Allow-Headers", strings.Join([]string{"Authorization", "Content-Type", "X-API-Key", "X-Request-ID"}, ", "))
				h.Set("Access-Control-Max-Age", "600")
				w.WriteHeader(http.StatusNoContent)
				return
			}
		}
		next.ServeHTTP(w, r)
	})
}

// withSecurityHeaders sets headers every response should carry.
func withSecurityHeaders(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := w.Header()
		h.Set("X-Content-Type-Options", "nosniff")
		h.Set("Referrer-Policy", "no-referrer")
		h.Set("X-Frame-Options", "DENY")
		next.ServeHTTP(w, r)
	})
}

// withActor records the request's origin (client IP, user agent, request id)
// in the context for audit rows. The client IP comes from X-Forwarded-For only
// when TRUST_PROXY_HEADERS is set (behind a reverse proxy); otherwise a
// client could forge it. The user agent is made storable (valid UTF-8, no
// NUL, at most 512 bytes).
func withActor(trustProxy bool, proxies []*net.IPNet, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		a := audit.Actor{IP: ClientIP(r, trustProxy, proxies), UserAgent: sanitize.Truncate(r.UserAgent(), 512),
			RequestID: requestID(r.Context())}
		next.ServeHTTP(w, r.WithContext(audit.WithActor(r.Context(), a)))
	})
}

// ClientIP returns the caller's IP address. Behind proxies
// (trustProxy) it is the right-most X-Forwarded-For hop that is not one of
// the trusted proxies: every hop left of it was written by the client and
// proves nothing. When trusted proxies are configured, the header is read
// only from a peer that is one of them.
func ClientIP(r *http.Request, trustProxy bool, proxies []*net.IPNet) string {
	peer, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		peer = r.RemoteAddr
	}
	if !trustProxy || (len(proxies) > 0 && !inNets(net.ParseIP(peer), proxies)) {
		return peer
	}
	hops := strings.Split(strings.Join(r.Header.Values("X-Forwarded-For"), ","), ",")
	for i := len(hops) - 1; i >= 0; i-- {
		h := strings.TrimSpace(hops[i])
		if h == "" {
			continue
		}
		ip := net.ParseIP(h)
		if ip == nil {
			return peer // garbage from the client: fall back to what we know
		}
		if !inNets(ip, proxies) {
			return ip.String()
		}
	}
	return peer
}

func inNets(ip net.IP, nets []*net.IPNet) bool {
	if ip == nil {
		return false
	}
	for _, n := range nets {
		if n.Contains(ip) {
			return true
		}
	}
	return false
}

// withHostCheck refuses requests whose Host header is neither a loopback
// name nor one of ALLOWED_HOSTS. It defeats DNS rebinding: a web page
// whose name an attacker points at 127.0.0.1 still sends its own name.
func withHostCheck(allowed []string, next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !HostAllowed(r.Host, allowed) {
			writeProblem(w, r, Problem{Status: http.StatusMisdirectedRequest, Code: "host_not_allowed",
				Detail: "this server does not answer for that host name; add it to ALLOWED_HOSTS"})
			return
		}
		next.ServeHTTP(w, r)
	})
}

// HostAllowed reports whether a Host header names a loopback address or
// one of allowed (compared without the port, case-insensitively).
func HostAllowed(host string, allowed []string) bool {
	name := host
	if h, _, err := net.SplitHostPort(host); err == nil {
		name = h
	}
	name = strings.ToLower(strings.Trim(name, "[]"))
	if name == "localhost" || strings.HasSuffix(name, ".localhost") {
		return true
	}
	if ip := net.ParseIP(name); ip != nil && ip.IsLoopback() {
		return true
	}
	for _, a := range allowed {
		if strings.EqualFold(a, name) || strings.EqualFold(a, host) {
			return true
		}
	}
	return false
}
