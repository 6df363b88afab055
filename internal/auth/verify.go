package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

var errBadCredentials = apperr.New(apperr.Unauthenticated, "invalid_credentials", "Invalid or expired credentials")

// AuthenticateAccess turns an access token into a Scope. Besides the
// signature and expiry it reads, in one indexed query, that the session is
// not revoked and that the user, the membership and the organization are
// still active — so logout, a password reset, a deactivation or a role
// change take effect on the next request, not at token expiry.
func (s *Service) AuthenticateAccess(ctx context.Context, token string) (Scope, error) {
	c, err := s.signer.Verify(token, TypeAccess)
	if err != nil {
		return Scope{}, err
	}
	var role string
	var sysAdmin bool
	err = s.db.QueryRowCached(ctx, `SELECT m.role, u.is_system_admin
		FROM sessions s
		JOIN users u ON u.id = s.user_id
		JOIN memberships m ON m.user_id = s.user_id AND m.org_id = ?
		JOIN organizations o ON o.id = m.org_id
		WHERE s.id = ? AND s.user_id = ? AND s.revoked_at IS NULL AND s.expires_at > ?
		  AND u.is_active = ? AND m.is_active = ? AND o.is_active = ?`,
		c.OrgID, c.SessionID, c.Subject, s.now(), true, true, true).Scan(&role, &sysAdmin)
	if errors.Is(err, sql.ErrNoRows) {
		return Scope{}, errBadCredentials
	}
	if err != nil {
		return Scope{}, err
	}
	return Scope{OrgID: c.OrgID, UserID: c.Subject, Role: Role(role), Method: MethodJWT,
		SessionID: c.SessionID, SystemAdmin: sysAdmin}, nil
}

// lastUsedEvery throttles last_used_at writes: at most one per key and minute.
const lastUsedEvery = time.Minute

// AuthenticateAPIKey turns an API key into a Scope: one SHA-256 and one
// indexed lookup by digest (no bcrypt), then a constant-time comparison.
func (s *Service) AuthenticateAPIKey(ctx context.Context, key string) (Scope, error) {
	if !LooksLikeAPIKey(s.cfg.APIKeyPrefix, key) {
		return Scope{}, errBadCredentials
	}
	digest := Digest(key)
	now := s.now()
	var sc Scope
	var stored, role string
	var stale bool
	// Expiry and the last_used_at throttle are compared in SQL: parsing
	// timestamps is a large part of a small query's cost on SQLite.
	var scopes db.JSON[[]string]
	err := s.db.QueryRowCached(ctx, `SELECT k.id, k.org_id, k.user_id, k.key_hash, m.role, u.is_system_admin,
		(k.last_used_at IS NULL OR k.last_used_at <= ?), k.scopes
		FROM api_keys k
		JOIN memberships m ON m.org_id = k.org_id AND m.user_id = k.user_id
		JOIN users u ON u.id = k.user_id
		JOIN organizations o ON o.id = k.org_id
		WHERE k.key_hash = ? AND k.is_active = ? AND (k.expires_at IS NULL OR k.expires_at > ?)
		  AND m.is_active = ? AND u.is_active = ? AND o.is_active = ?`,
		now.Add(-lastUsedEvery), digest, true, now, true, true, true).Scan(&sc.APIKeyID, &sc.OrgID, &sc.UserID, &stored,
		&role, &sc.SystemAdmin, &stale, &scopes)
	if errors.Is(err, sql.ErrNoRows) {
		return Scope{}, errBadCredentials
	}
	if err != nil {
		return Scope{}, err
	}
	if !DigestEqual(stored, digest) {
		return Scope{}, errBadCredentials
	}
	if stale {
		s.touchKey(ctx, sc.APIKeyID, now)
	}
	sc.Role, sc.Method, sc.KeyScopes = Role(role), MethodAPIKey, scopes.V
	if !sc.KeyAllows(ScopeAdmin) {
		sc.SystemAdmin = false // a key without the admin scope administers nothing
	}
	return sc, nil
}

// touchKey records a key's use. The condition makes concurrent requests
// (or replicas) write at most once per interval.
func (s *Service) touchKey(ctx context.Context, id string, now time.Time) {
	_, _ = s.db.Exec(ctx, `UPDATE api_keys SET last_used_at = ? WHERE id = ? AND (last_used_at IS NULL OR last_used_at <= ?)`,
		now, id, now.Add(-lastUsedEvery))
}

// Anonymous is the scope of a request without credentials when
// ENABLE_AUTH=false: the default organization's admin, acting as that
// organization's oldest active admin user when there is one.
func (s *Service) Anonymous(ctx context.Context) (Scope, error) {
	var orgID string
	err := s.db.QueryRow(ctx, `SELECT id FROM organizations WHERE slug = ? AND is_active = ?`, s.cfg.DefaultOrgSlug, true).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		return Scope{}, apperr.New(apperr.Unavailable, "no_default_organization", "the default organization is missing or inactive")
	}
	if err != nil {
		return Scope{}, err
	}
	var userID string
	err = s.db.QueryRow(ctx, `SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? AND m.role = 'org_admin' AND m.is_active = ? AND u.is_active = ?
		ORDER BY m.created_at LIMIT 1`, orgID, true, true).Scan(&userID)
	if err != nil && !errors.Is(err, sql.ErrNoRows) {
		return Scope{}, err
	}
	return Scope{OrgID: orgID, UserID: userID, Role: RoleAdmin, Method: MethodAnonymous}, nil
}
