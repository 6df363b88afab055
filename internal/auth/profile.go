package auth

import (
	"context"
	"errors"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/user"
)

// ProfileUpdate changes the caller's own profile; nil fields stay.
type ProfileUpdate struct {
	FullName *string
	Username *string
}

// UpdateProfile changes the caller's name or username. Email changes are
// not offered here: a new address would need verifying first.
func (s *Service) UpdateProfile(ctx context.Context, sc Scope, up ProfileUpdate) (Identity, error) {
	if err := requireUser(sc); err != nil {
		return Identity{}, err
	}
	var f apperr.Fields
	if up.FullName != nil && len(*up.FullName) > 255 {
		f.Add("full_name", "must be at most 255 characters")
	}
	if up.Username != nil {
		*up.Username = strings.TrimSpace(*up.Username)
		if len(*up.Username) < 3 || len(*up.Username) > 100 {
			f.Add("username", "must be 3 to 100 characters")
		}
	}
	if err := f.Err(); err != nil {
		return Identity{}, err
	}
	e := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.profile_update", EntityType: "user", EntityID: sc.UserID}
	err := audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		u, err := user.ByID(ctx, q, sc.UserID)
		if err != nil {
			return err
		}
		changes := map[string]any{}
		if up.FullName != nil && *up.FullName != u.FullName {
			changes["full_name"] = map[string]any{"from": u.FullName, "to": *up.FullName}
			u.FullName = *up.FullName
		}
		if up.Username != nil && *up.Username != u.Username {
			changes["username"] = map[string]any{"from": u.Username, "to": *up.Username}
			u.Username = *up.Username
		}
		e.Details = map[string]any{"changes": changes}
		_, err = q.Exec(ctx, "UPDATE users SET full_name = ?, username = ?, updated_at = ? WHERE id = ?",
			u.FullName, u.Username, s.now(), u.ID)
		if errors.Is(err, apperr.Conflict) {
			return &apperr.Error{Kind: apperr.Conflict, Code: "username_taken", Detail: "Username already taken",
				Fields: []apperr.FieldError{{Field: "username", Reason: "already in use"}}, Err: err}
		}
		return err
	})
	if err != nil {
		return Identity{}, err
	}
	id, _, err := s.Me(ctx, sc)
	return id, err
}

// ChangePassword sets a new password after checking the current one, and
// revokes every other session of the user (this one stays signed in). The
// current password is checked before the new one is hashed; attempts are
// rate-limited per IP and per account, so a stolen session cannot
// brute-force the password, and wrong guesses are audited coalesced.
func (s *Service) ChangePassword(ctx context.Context, sc Scope, current, next string) error {
	if err := requireUser(sc); err != nil {
		return err
	}
	if err := s.limits.Allow(ctx, "password:ip:"+clientIP(ctx), "password:acct:"+sc.UserID); err != nil {
		return err
	}
	if err := CheckPasswordPolicy("new_password", next); err != nil {
		return err
	}
	u, err := user.ByID(ctx, s.db, sc.UserID)
	if err != nil {
		return err
	}
	if !PasswordMatches(u.PasswordHash, current) {
		s.failures.Failure(ctx, audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.password_change",
			EntityType: "user", EntityID: sc.UserID, Error: "current_password: is incorrect"})
		return apperr.Field("current_password", "is incorrect")
	}
	hash, err := HashPassword(next, s.cfg.BcryptRounds)
	if err != nil {
		return err
	}
	e := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.password_change", EntityType: "user", EntityID: sc.UserID}
	return audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		if err := user.SetPassword(ctx, q, u.ID, hash); err != nil {
			return err
		}
		res, err := q.Exec(ctx, `UPDATE sessions SET revoked_at = ?, revoke_reason = 'password_change'
			WHERE user_id = ? AND id <> ? AND revoked_at IS NULL`, s.now(), u.ID, sc.SessionID)
		if err != nil {
			return err
		}
		n, _ := res.RowsAffected()
		e.Details = map[string]any{"other_sessions_revoked": n}
		return nil
	})
}

// requireUser refuses callers that are not a user (anonymous ENABLE_AUTH=false
// requests without an admin account yet).
func requireUser(sc Scope) error {
	if err := RequireIdentified(sc); err != nil {
		return err
	}
	if sc.UserID == "" {
		return apperr.New(apperr.Unauthenticated, "user_required", "sign in as a user to manage a profile")
	}
	return nil
}
