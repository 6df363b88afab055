package auth

import (
	"context"

	"github.com/curatore/curatore/internal/user"
)

// Me returns the caller's user and active membership. An anonymous caller
// (ENABLE_AUTH=false) with no admin user yet gets only the organization.
func (s *Service) Me(ctx context.Context, sc Scope) (Identity, []user.Membership, error) {
	var id Identity
	if sc.UserID == "" {
		m, err := s.orgOnly(ctx, sc.OrgID)
		id.Membership = m
		return id, nil, err
	}
	u, ms, err := user.WithMemberships(ctx, s.db, sc.UserID)
	if err != nil {
		return id, nil, err
	}
	id.User = u
	for _, m := range ms {
		if m.OrgID == sc.OrgID {
			id.Membership = m
		}
	}
	id.Membership.Role = string(sc.Role)
	return id, ms, nil
}

func (s *Service) orgOnly(ctx context.Context, orgID string) (user.Membership, error) {
	m := user.Membership{OrgID: orgID, Role: string(RoleAdmin), IsActive: true}
	err := s.db.QueryRow(ctx, `SELECT name, display_name, slug, is_active FROM organizations WHERE id = ?`, orgID).
		Scan(&m.OrgName, &m.OrgDisplayName, &m.OrgSlug, &m.OrgIsActive)
	return m, err
}
