package user

import (
	"context"
	"database/sql"
	"errors"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

const membershipColumns = `m.org_id, m.user_id, m.role, m.is_active, COALESCE(m.invited_by, ''), m.created_at,
	m.updated_at, o.name, o.display_name, o.slug, o.is_active`

func scanMembership(row interface{ Scan(...any) error }) (Membership, error) {
	var m Membership
	err := row.Scan(&m.OrgID, &m.UserID, &m.Role, &m.IsActive, &m.InvitedBy, &m.CreatedAt, &m.UpdatedAt,
		&m.OrgName, &m.OrgDisplayName, &m.OrgSlug, &m.OrgIsActive)
	if errors.Is(err, sql.ErrNoRows) {
		return Membership{}, apperr.NotFoundf("membership")
	}
	m.CreatedAt, m.UpdatedAt = m.CreatedAt.UTC(), m.UpdatedAt.UTC()
	return m, err
}

// AddMembership gives a user a role in an organization.
func AddMembership(ctx context.Context, q db.Querier, m *Membership) error {
	now := db.Now()
	m.CreatedAt, m.UpdatedAt = now, now
	_, err := q.Exec(ctx, `INSERT INTO memberships (org_id, user_id, role, is_active, invited_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.OrgID, m.UserID, m.Role, m.IsActive, nullable(m.InvitedBy), now, now)
	return err
}

// MembershipOf returns the membership of userID in orgID.
func MembershipOf(ctx context.Context, q db.Querier, orgID, userID string) (Membership, error) {
	return scanMembership(q.QueryRow(ctx, `SELECT `+membershipColumns+`
		FROM memberships m JOIN organizations o ON o.id = m.org_id
		WHERE m.org_id = ? AND m.user_id = ?`, orgID, userID))
}

// Memberships returns every membership of a user, oldest first.
func Memberships(ctx context.Context, q db.Querier, userID string) ([]Membership, error) {
	rows, err := q.Query(ctx, `SELECT `+membershipColumns+`
		FROM memberships m JOIN organizations o ON o.id = m.org_id
		WHERE m.user_id = ? ORDER BY m.created_at, m.org_id`, userID)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []Membership
	for rows.Next() {
		m, err := scanMembership(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, rows.Err()
}
