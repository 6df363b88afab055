package org

import (
	"context"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// MemberUpdate changes a member; nil fields stay as they are. A person's
// name is their own profile (PUT /users/me), shared by every organization
// they belong to, so an organization's admin cannot set it.
type MemberUpdate struct {
	Role *auth.Role
}

// UpdateMember changes a member's role. An admin cannot change their own
// role, and the last admin cannot be demoted.
func (s *Service) UpdateMember(ctx context.Context, sc auth.Scope, userID string, up MemberUpdate) (Member, error) {
	if err := auth.RequireIdentified(sc); err != nil {
		return Member{}, err
	}
	if up.Role != nil && !up.Role.Valid() {
		return Member{}, apperr.Field("role", "must be org_admin, member or viewer")
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.update", EntityType: "user", EntityID: userID}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		m, err := MemberByID(ctx, q, sc.OrgID, userID)
		if err != nil {
			return err
		}
		changes := map[string]any{}
		if up.Role != nil && *up.Role != m.Role {
			if err := s.guardAdminLoss(ctx, q, sc, m, "change your own role"); err != nil {
				return err
			}
			changes["role"] = map[string]any{"from": string(m.Role), "to": string(*up.Role)}
			if err := SaveMembership(ctx, q, sc.OrgID, userID, *up.Role, m.IsActive); err != nil {
				return err
			}
		}
		e.Details = map[string]any{"changes": changes}
		return nil
	})
	if err != nil {
		return Member{}, err
	}
	return MemberByID(ctx, s.DB, sc.OrgID, userID)
}

// guardAdminLoss refuses changes that would take away the caller's own
// admin rights or leave the organization with no active admin.
func (s *Service) guardAdminLoss(ctx context.Context, q db.Querier, sc auth.Scope, m Member, selfAction string) error {
	if m.ID == sc.UserID {
		return apperr.New(apperr.Conflict, "cannot_modify_self", "you cannot "+selfAction+"; ask another admin")
	}
	if m.Role != auth.RoleAdmin || !m.IsActive {
		return nil
	}
	n, err := LockActiveAdmins(ctx, q, sc.OrgID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return apperr.New(apperr.Conflict, "last_admin", "the organization's last admin cannot be removed or demoted")
	}
	return nil
}

// SetMemberActive deactivates or reactivates a membership. Deactivating
// ends the member's sessions in this organization and revokes their API
// keys there, so a reactivation does not revive old (possibly stolen)
// credentials.
func (s *Service) SetMemberActive(ctx context.Context, sc auth.Scope, userID string, active bool) (Member, error) {
	if err := auth.RequireIdentified(sc); err != nil {
		return Member{}, err
	}
	action := "user.deactivate"
	if active {
		action = "user.reactivate"
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: action, EntityType: "user", EntityID: userID}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		m, err := MemberByID(ctx, q, sc.OrgID, userID)
		if err != nil {
			return err
		}
		if m.IsActive == active {
			state := "inactive"
			if active {
				state = "active"
			}
			return apperr.New(apperr.Conflict, "already_"+state, "the member is already "+state)
		}
		if !active {
			if err := s.guardAdminLoss(ctx, q, sc, m, "deactivate yourself"); err != nil {
				return err
			}
			sessions, keys, err := revokeAccess(ctx, q, sc.OrgID, userID, "membership_deactivated")
			if err != nil {
				return err
			}
			e.Details = map[string]any{"sessions_revoked": sessions, "api_keys_revoked": keys}
		}
		return SaveMembership(ctx, q, sc.OrgID, userID, m.Role, active)
	})
	if err != nil {
		return Member{}, err
	}
	return MemberByID(ctx, s.DB, sc.OrgID, userID)
}

// Members lists the members of the caller's organization.
func (s *Service) Members(ctx context.Context, sc auth.Scope, f MemberFilter) ([]Member, int, error) {
	return ListMembers(ctx, s.DB, sc.OrgID, f)
}

// Member returns one member of the caller's organization.
func (s *Service) Member(ctx context.Context, sc auth.Scope, userID string) (Member, error) {
	return MemberByID(ctx, s.DB, sc.OrgID, userID)
}
