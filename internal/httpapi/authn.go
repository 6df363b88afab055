package httpapi

import (
	"net/http"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
)

// TokenAuthenticator authenticates requests with the auth service. It
// accepts `Authorization: Bearer <jwt>`, `Authorization: Bearer cur_…` and
// `X-API-Key: cur_…`; every path ends in the same auth.Scope. With
// ENABLE_AUTH=false a request without credentials acts as the default
// organization's admin; one with credentials is authenticated normally
// (bad credentials are still refused).
type TokenAuthenticator struct {
	Service *auth.Service
	Enabled bool // ENABLE_AUTH
}

var errNoCredentials = apperr.New(apperr.Unauthenticated, "not_authenticated",
	"Authentication required. Provide either a Bearer token or an API key.")

// Authenticate implements Authenticator.
func (a *TokenAuthenticator) Authenticate(r *http.Request) (auth.Scope, error) {
	cred := credential(r)
	switch {
	case cred == "" && !a.Enabled:
		return a.Service.Anonymous(r.Context())
	case cred == "":
		return auth.Scope{}, errNoCredentials
	case strings.HasPrefix(cred, a.Service.APIKeyPrefix()):
		return a.Service.AuthenticateAPIKey(r.Context(), cred)
	}
	return a.Service.AuthenticateAccess(r.Context(), cred)
}

// credential returns the bearer token or API key of r ("" when none).
func credential(r *http.Request) string {
	if h := r.Header.Get("Authorization"); h != "" {
		scheme, token, ok := strings.Cut(h, " ")
		if ok && strings.EqualFold(scheme, "Bearer") {
			return strings.TrimSpace(token)
		}
		return h // another scheme: fails verification (401), never anonymous
	}
	return strings.TrimSpace(r.Header.Get("X-API-Key"))
}
