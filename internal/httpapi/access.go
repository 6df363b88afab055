package httpapi

import (
	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
)

// allowed applies a route's access level to an authenticated scope.
func allowed(a Access, s auth.Scope) error {
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
