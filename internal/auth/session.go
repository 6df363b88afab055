package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/user"
)

var errBadRefresh = apperr.New(apperr.Unauthenticated, "invalid_refresh_token", "Invalid or expired refresh token")

// sessionRow is the stored state of a session.
type sessionRow struct {
	UserID, OrgID, RefreshJTI string
	ExpiresAt                 time.Time
	RevokedAt                 *time.Time
}

func loadSession(ctx context.Context, q db.Querier, id string) (sessionRow, error) {
	var r sessionRow
	err := q.QueryRow(ctx, `SELECT user_id, org_id, refresh_jti, expires_at, revoked_at FROM sessions WHERE id = ?`, id).
		Scan(&r.UserID, &r.OrgID, &r.RefreshJTI, &r.ExpiresAt, db.NullTime{T: &r.RevokedAt})
	if errors.Is(err, sql.ErrNoRows) {
		return r, errBadRefresh
	}
	return r, err
}

// Refresh trades a refresh token for a new pair. Refresh tokens rotate: the
// session remembers the only one still valid, and presenting an older one
// (a stolen copy, or the thief's after the owner refreshed) revokes the
// whole session.
func (s *Service) Refresh(ctx context.Context, refreshToken string) (Tokens, error) {
	now := s.now()
	if err := s.limits.Allow(ctx, "refresh:ip:"+clientIP(ctx)); err != nil {
		return Tokens{}, err
	}
	c, err := s.signer.Verify(refreshToken, TypeRefresh)
	if err != nil {
		return Tokens{}, errBadRefresh
	}
	if err := s.limits.Allow(ctx, "refresh:acct:"+c.Subject); err != nil {
		return Tokens{}, err
	}
	var t issued
	var reused bool
	err = s.db.InTx(ctx, func(q db.Querier) error {
		row, err := loadSession(ctx, q, c.SessionID)
		switch {
		case err != nil:
			return err
		case row.RevokedAt != nil || !now.Before(row.ExpiresAt) || row.UserID != c.Subject:
			return errBadRefresh
		case row.RefreshJTI != c.ID:
			reused = true
			return s.revokeReused(ctx, q, c.SessionID, row, now)
		}
		t, err = s.rotate(ctx, q, c, row, now)
		return err
	})
	if reused {
		return Tokens{}, apperr.New(apperr.Unauthenticated, "refresh_token_reused",
			"This refresh token was already used; the session has been revoked. Please sign in again.")
	}
	return t.Tokens, err
}

// rotate issues a new pair for a session and stores the new refresh jti.
// The UPDATE is conditional on the old jti, so two concurrent refreshes with
// the same token cannot both succeed.
func (s *Service) rotate(ctx context.Context, q db.Querier, c *Claims, row sessionRow, now time.Time) (issued, error) {
	u, err := user.ByID(ctx, q, row.UserID)
	if err != nil || !u.IsActive {
		return issued{}, errBadRefresh
	}
	m, err := user.MembershipOf(ctx, q, row.OrgID, row.UserID)
	if err != nil || !m.IsActive || !m.OrgIsActive {
		return issued{}, errBadRefresh
	}
	t, err := s.issue(u, m, c.SessionID, now)
	if err != nil {
		return t, err
	}
	res, err := q.Exec(ctx, `UPDATE sessions SET refresh_jti = ?, refreshed_at = ? WHERE id = ? AND refresh_jti = ? AND revoked_at IS NULL`,
		t.refreshJTI, now, c.SessionID, c.ID)
	if err != nil {
		return t, err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return t, errBadRefresh
	}
	return t, nil
}

// revokeReused ends a session whose rotated refresh token came back, and
// records it (in the same transaction).
func (s *Service) revokeReused(ctx context.Context, q db.Querier, sid string, row sessionRow, now time.Time) error {
	if _, err := q.Exec(ctx, `UPDATE sessions SET revoked_at = ?, revoke_reason = 'refresh_reuse' WHERE id = ? AND revoked_at IS NULL`, now, sid); err != nil {
		return err
	}
	return audit.Record(ctx, q, audit.Entry{OrgID: row.OrgID, UserID: row.UserID, Action: "auth.refresh_reuse",
		EntityType: "session", EntityID: sid, Status: audit.Failure,
		Error: "a rotated refresh token was presented again; session revoked"})
}

// Logout revokes the caller's session (JWT callers; an API key has none).
func (s *Service) Logout(ctx context.Context, sc Scope) error {
	if sc.SessionID == "" {
		return apperr.New(apperr.Invalid, "no_session", "only a session signed in with a password can log out; revoke an API key instead")
	}
	e := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "auth.logout", EntityType: "session", EntityID: sc.SessionID}
	return audit.Do(ctx, s.db, e, func(q db.Querier, _ *audit.Entry) error {
		_, err := q.Exec(ctx, `UPDATE sessions SET revoked_at = ?, revoke_reason = 'logout' WHERE id = ? AND user_id = ? AND revoked_at IS NULL`,
			s.now(), sc.SessionID, sc.UserID)
		return err
	})
}

// LogoutAll revokes every session of the caller.
func (s *Service) LogoutAll(ctx context.Context, sc Scope) (int, error) {
	var n int64
	e := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "auth.logout_all", EntityType: "user", EntityID: sc.UserID}
	err := audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		var err error
		n, err = revokeAllSessions(ctx, q, sc.UserID, "logout_all", s.now())
		e.Details = map[string]any{"sessions_revoked": n}
		return err
	})
	return int(n), err
}

func revokeAllSessions(ctx context.Context, q db.Querier, userID, reason string, now time.Time) (int64, error) {
	res, err := q.Exec(ctx, `UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE user_id = ? AND revoked_at IS NULL`,
		now, reason, userID)
	if err != nil {
		return 0, err
	}
	return res.RowsAffected()
}

// SwitchOrganization moves the caller's session to another organization
// (an id or a slug) they are an active member of, and returns a new pair.
func (s *Service) SwitchOrganization(ctx context.Context, sc Scope, org string) (Tokens, error) {
	if sc.SessionID == "" {
		return Tokens{}, apperr.New(apperr.Invalid, "no_session", "an API key belongs to one organization; sign in to switch")
	}
	if org == "" {
		return Tokens{}, apperr.Field("organization_id", "is required")
	}
	m, err := s.chooseMembership(ctx, sc.UserID, org)
	if err != nil {
		return Tokens{}, err
	}
	u, err := user.ByID(ctx, s.db, sc.UserID)
	if err != nil {
		return Tokens{}, err
	}
	now := s.now()
	var t issued
	e := audit.Entry{OrgID: m.OrgID, UserID: sc.UserID, Action: "auth.switch_organization", EntityType: "session",
		EntityID: sc.SessionID, Details: map[string]any{"to_org_id": m.OrgID}} // the source organization is another tenant's business
	err = audit.Do(ctx, s.db, e, func(q db.Querier, _ *audit.Entry) error {
		if t, err = s.issue(u, m, sc.SessionID, now); err != nil {
			return err
		}
		res, err := q.Exec(ctx, `UPDATE sessions SET org_id = ?, refresh_jti = ?, refreshed_at = ? WHERE id = ? AND revoked_at IS NULL`,
			m.OrgID, t.refreshJTI, now, sc.SessionID)
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return apperr.New(apperr.Unauthenticated, "session_revoked", "the session has ended")
		}
		return nil
	})
	return t.Tokens, err
}
