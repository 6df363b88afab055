package httpapi

import (
	"net/http"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
)

// allowed applies a route's access level to an authenticated scope, and
// an API key's scopes to the request: read for GET, write for changes,
// admin for org_admin and system-administrator routes.
func allowed(a Access, method string, s auth.Scope) error {
	need := auth.ScopeRead
	if method != http.MethodGet && method != http.MethodHead {
		need = auth.ScopeWrite
	}
	if a >= Admin {
		need = auth.ScopeAdmin
	}
	if !s.KeyAllows(need) {
		return apperr.New(apperr.Forbidden, "insufficient_scope", "this API key lacks the "+need+" scope")
	}
	switch a {
	case Writer:
		if !s.CanWrite() {
			return apperr.New(apperr.Forbidden, "read_only", "your role in this organization is read-only")
		}
	case Admin:
		if !s.IsAdmin() {
			return apperr.New(apperr.Forbidden, "admin_required", "this action needs the org_admin role")
		}
	case SystemAdmin:
		if !s.SystemAdmin {
			return apperr.New(apperr.Forbidden, "system_admin_required", "this action needs a system administrator")
		}
	}
	return nil
}
