// Package auth holds who is calling — the Scope every tenant-owned operation
// takes first, and the roles — and how they prove it: Service with
// passwords (bcrypt), sessions with HS256 access and rotating refresh
// tokens, API keys stored as SHA-256 digests, registration, email
// verification and password reset with hashed single-use tokens, and the
// rate limits in front of them. It does not import net/http.
//
// The HTTP authentication middleware is the only producer of a Scope.
package auth

import (
	"context"

	"github.com/curatore/curatore/internal/apperr"
)

// Role is a user's role in one organization.
type Role string

// The roles, from most to least privileged.
const (
	RoleAdmin  Role = "org_admin"
	RoleMember Role = "member"
	RoleViewer Role = "viewer"
)

// Valid reports whether r is one of the three roles.
func (r Role) Valid() bool { return r == RoleAdmin || r == RoleMember || r == RoleViewer }

// Method says how a caller authenticated.
type Method string

// The authentication methods.
const (
	MethodJWT       Method = "jwt"
	MethodAPIKey    Method = "api_key"
	MethodAnonymous Method = "anonymous" // ENABLE_AUTH=false without credentials
)

// Scope is the authenticated caller: which organization, which user, which
// role there, and how they proved it.
type Scope struct {
	OrgID       string
	UserID      string
	Role        Role
	Method      Method
	SessionID   string   // JWT sessions only
	APIKeyID    string   // API keys only
	KeyScopes   []string // API keys only: what the key may do (empty: whatever the role allows)
	SystemAdmin bool     // may administer every organization
}

// The API-key scopes. A key acts with its owner's role, narrowed to its
// scopes: read (GET requests), write (changes a member may make, implies
// read), admin (org_admin routes, implies write and read).
const (
	ScopeRead  = "read"
	ScopeWrite = "write"
	ScopeAdmin = "admin"
)

// KeyAllows reports whether the scope's API key carries want (or a scope
// that implies it). Sessions, and keys made before scopes were enforced
// (none stored), are not narrowed.
func (s Scope) KeyAllows(want string) bool {
	if s.Method != MethodAPIKey || len(s.KeyScopes) == 0 {
		return true
	}
	rank := map[string]int{ScopeRead: 1, ScopeWrite: 2, ScopeAdmin: 3}
	for _, have := range s.KeyScopes {
		if rank[have] >= rank[want] {
			return true
		}
	}
	return false
}

// RequireIdentified refuses the anonymous principal of ENABLE_AUTH=false:
// actions that act on a person's account or on who belongs to an
// organization need real credentials.
func RequireIdentified(s Scope) error {
	if s.Method == MethodAnonymous {
		return apperr.New(apperr.Forbidden, "sign_in_required",
			"this action needs a signed-in user; with ENABLE_AUTH=false anonymous requests cannot do it")
	}
	return nil
}

// CanWrite reports whether the scope may change data (viewers may not).
func (s Scope) CanWrite() bool { return s.Role == RoleAdmin || s.Role == RoleMember }

// IsAdmin reports whether the scope administers its organization.
func (s Scope) IsAdmin() bool { return s.Role == RoleAdmin }

type scopeKey struct{}

// WithScope returns ctx carrying s. Only the authentication middleware calls it.
func WithScope(ctx context.Context, s Scope) context.Context {
	return context.WithValue(ctx, scopeKey{}, s)
}

// FromContext returns the scope in ctx, if any.
func FromContext(ctx context.Context) (Scope, bool) {
	s, ok := ctx.Value(scopeKey{}).(Scope)
	return s, ok
}
