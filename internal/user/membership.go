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

func scanMembership(row db.Scanner) (Membership, error) {
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
		VALUES (?, ?, ?, ?, ?, ?, ?)`, m.OrgID, m.UserID, m.Role, m.IsActive, db.NullString(m.InvitedBy), now, now)
	return err
}

// MembershipOf returns the membership of userID in orgID.
func MembershipOf(ctx context.Context, q db.Querier, orgID, userID string) (Membership, error) {
	return scanMembership(db.QueryRowFast(ctx, q, `SELECT `+membershipColumns+`
		FROM memberships m JOIN organizations o ON o.id = m.org_id
		WHERE m.org_id = ? AND m.user_id = ?`, orgID, userID))
}

// Memberships returns every membership of a user, oldest first.
func Memberships(ctx context.Context, q db.Querier, userID string) ([]Membership, error) {
	rows, err := db.QueryFast(ctx, q, `SELECT `+membershipColumns+`
		FROM memberships m JOIN organizations o ON o.id = m.org_id
		WHERE m.user_id = ? ORDER BY m.created_at, m.org_id`, userID)
	if err != nil {
		return nil, err
	}
	return db.Collect(rows, scanMembership)
}

// WithMemberships returns a user and all their memberships, oldest first,
// in one query (the profile endpoint runs on every page load).
func WithMemberships(ctx context.Context, q db.Querier, userID string) (User, []Membership, error) {
	rows, err := db.QueryFast(ctx, q, `SELECT u.id, u.email, u.username, u.password_hash, COALESCE(u.full_name, ''),
		u.is_active, u.is_verified, u.is_system_admin, u.last_login_at, u.created_at, u.updated_at,
		m.org_id, m.role, m.is_active, COALESCE(m.invited_by, ''), m.created_at, m.updated_at,
		o.name, o.display_name, o.slug, o.is_active
		FROM users u
		LEFT JOIN memberships m ON m.user_id = u.id
		LEFT JOIN organizations o ON o.id = m.org_id
		WHERE u.id = ? ORDER BY m.created_at, m.org_id`, userID)
	if err != nil {
		return User{}, nil, err
	}
	defer rows.Close()
	var u User
	var ms []Membership
	found := false
	for rows.Next() {
		var orgID, role, invitedBy, name, display, slug sql.NullString
		var mActive, oActive sql.NullBool
		var mCreated, mUpdated sql.NullTime
		if err := rows.Scan(&u.ID, &u.Email, &u.Username, &u.PasswordHash, &u.FullName, &u.IsActive, &u.IsVerified,
			&u.IsSystemAdmin, db.NullTime{T: &u.LastLoginAt}, &u.CreatedAt, &u.UpdatedAt,
			&orgID, &role, &mActive, &invitedBy, &mCreated, &mUpdated, &name, &display, &slug, &oActive); err != nil {
			return User{}, nil, err
		}
		found = true
		if orgID.Valid {
			ms = append(ms, Membership{OrgID: orgID.String, UserID: u.ID, Role: role.String, IsActive: mActive.Bool,
				InvitedBy: invitedBy.String, CreatedAt: mCreated.Time.UTC(), UpdatedAt: mUpdated.Time.UTC(),
				OrgName: name.String, OrgDisplayName: display.String, OrgSlug: slug.String, OrgIsActive: oActive.Bool})
		}
	}
	if err := rows.Err(); err != nil {
		return User{}, nil, err
	}
	if !found {
		return User{}, nil, apperr.NotFoundf("user")
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, ms, nil
}
