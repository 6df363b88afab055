package org

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/user"
)

var errBadInvitation = apperr.New(apperr.NotFound, "invalid_invitation", "This invitation link is invalid, expired, revoked or already used.")

// InvitationView is what the holder of an invitation link may see before
// accepting it.
type InvitationView struct {
	Invitation
	OrgName        string
	OrgDisplayName string
	// NeedsPassword is true when accepting must set a password: the address
	// has no account yet, or one that was never verified.
	NeedsPassword bool
}

// PeekInvitation describes the pending invitation of a token without
// spending it.
func (s *Service) PeekInvitation(ctx context.Context, token string) (InvitationView, error) {
	inv, err := invitationByToken(ctx, s.DB, token, db.Now())
	if errors.Is(err, apperr.NotFound) {
		return InvitationView{}, errBadInvitation
	}
	if err != nil {
		return InvitationView{}, err
	}
	o, err := ByID(ctx, s.DB, inv.OrgID)
	if err != nil {
		return InvitationView{}, err
	}
	v := InvitationView{Invitation: inv, OrgName: o.Name, OrgDisplayName: o.DisplayName, NeedsPassword: true}
	if u, err := user.ByEmail(ctx, s.DB, inv.Email); err == nil && u.IsVerified {
		v.NeedsPassword = false
	}
	return v, nil
}

// AcceptInput accepts an invitation. Password is required when the
// address has no account or one that was never verified; Username and
// FullName are used when an account is created.
type AcceptInput struct {
	Token    string
	Password string
	Username string
	FullName string
}

// Accepted is the membership an accepted invitation created.
type Accepted struct {
	View   InvitationView
	UserID string
}

// AcceptInvitation spends an invitation token: the link reached the
// mailbox, which proves control of the address. A new address gets an
// account (verified, with the given password). An account that was never
// verified — possibly registered by someone else — gets the new password,
// becomes verified, and loses every session and API key it had, so
// whoever squatted the address is out. Then the membership is added.
func (s *Service) AcceptInvitation(ctx context.Context, in AcceptInput) (Accepted, error) {
	v, err := s.PeekInvitation(ctx, in.Token)
	if err != nil {
		return Accepted{}, err
	}
	var hash string
	if v.NeedsPassword {
		if err := auth.CheckPasswordPolicy("password", in.Password); err != nil {
			return Accepted{}, err
		}
		if len(in.FullName) > 255 {
			return Accepted{}, apperr.Field("full_name", "must be at most 255 characters")
		}
		if hash, err = auth.HashPassword(in.Password, s.Config.BcryptRounds); err != nil {
			return Accepted{}, err
		}
	}
	out := Accepted{View: v}
	entry := audit.Entry{OrgID: v.OrgID, Action: "user.invitation_accept", EntityType: "invitation", EntityID: v.ID}
	err = audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		res, err := q.Exec(ctx, `UPDATE invitations SET accepted_at = ? WHERE id = ? AND token_hash = ?
			AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, db.Now(), v.ID, auth.Digest(in.Token), db.Now())
		if err != nil {
			return err
		}
		if n, _ := res.RowsAffected(); n != 1 {
			return errBadInvitation // accepted or revoked concurrently
		}
		u, details, err := s.acceptingUser(ctx, q, v, in, hash)
		if err != nil {
			return err
		}
		out.UserID, e.UserID, e.Details = u.ID, u.ID, details
		if _, err := user.MembershipOf(ctx, q, v.OrgID, u.ID); err == nil {
			return apperr.New(apperr.Conflict, "already_member", "you are already a member of this organization")
		}
		if _, err := q.Exec(ctx, `UPDATE invitations SET accepted_by = ? WHERE id = ?`, u.ID, v.ID); err != nil {
			return err
		}
		return user.AddMembership(ctx, q, &user.Membership{OrgID: v.OrgID, UserID: u.ID, Role: string(v.Role),
			IsActive: true, InvitedBy: v.InvitedBy})
	})
	return out, err
}

// acceptingUser returns the account of the invited address, creating it
// or taking an unverified one over as AcceptInvitation describes.
func (s *Service) acceptingUser(ctx context.Context, q db.Querier, v InvitationView, in AcceptInput, hash string) (user.User, map[string]any, error) {
	details := map[string]any{"email": v.Email, "role": string(v.Role)}
	u, err := user.ByEmail(ctx, q, v.Email)
	switch {
	case errors.Is(err, apperr.NotFound):
		if hash == "" {
			return u, nil, errBadInvitation // the account vanished since the check
		}
		username, err := s.freeUsername(ctx, q, v.Email, strings.TrimSpace(in.Username))
		if err != nil {
			return u, nil, err
		}
		u = user.User{Email: v.Email, Username: username, FullName: strings.TrimSpace(in.FullName), PasswordHash: hash,
			IsActive: true, IsVerified: true}
		details["new_user"] = true
		return u, details, user.Create(ctx, q, &u)
	case err != nil:
		return u, nil, err
	case !u.IsActive:
		return u, nil, apperr.New(apperr.Forbidden, "account_disabled", "this account is disabled; ask an administrator")
	case u.IsVerified:
		return u, details, nil
	}
	if hash == "" {
		return u, nil, apperr.Field("password", "is required: set a password for your account")
	}
	if err := user.SetPassword(ctx, q, u.ID, hash); err != nil {
		return u, nil, err
	}
	if err := user.SetVerified(ctx, q, u.ID); err != nil {
		return u, nil, err
	}
	sessions, keys, err := revokeAccess(ctx, q, "", u.ID, "unverified_account_claimed")
	details["password_set"], details["sessions_revoked"], details["api_keys_revoked"] = true, sessions, keys
	return u, details, err
}

// freeUsername returns the requested username, or one derived from the
// address that nobody has yet.
func (s *Service) freeUsername(ctx context.Context, q db.Querier, address, requested string) (string, error) {
	if requested != "" {
		if len(requested) < 3 || len(requested) > 100 {
			return "", apperr.Field("username", "must be 3 to 100 characters")
		}
		return requested, nil // user.Create reports a taken name as a field conflict
	}
	base := Slugify(strings.SplitN(address, "@", 2)[0])
	if len(base) < 3 {
		base = "user-" + base
	}
	for i := 0; i < 20; i++ {
		candidate := base
		if i > 0 {
			candidate = fmt.Sprintf("%s-%s", base, strings.ToLower(auth.RandomToken(3)))
		}
		if _, err := user.ByUsername(ctx, q, candidate); errors.Is(err, apperr.NotFound) {
			return candidate, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", apperr.Field("username", "could not derive a free username; give one")
}
