package org

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// InvitationExpiry is how long an invitation link works.
const InvitationExpiry = 7 * 24 * time.Hour

// Invitation states.
const (
	InvitationPending  = "pending"
	InvitationAccepted = "accepted"
	InvitationRevoked  = "revoked"
	InvitationExpired  = "expired"
)

// Invitation asks a person, by email address, to join an organization
// with a role. It grants nothing until accepted through the emailed link.
type Invitation struct {
	ID         string
	OrgID      string
	Email      string
	Role       auth.Role
	InvitedBy  string
	ExpiresAt  time.Time
	AcceptedAt *time.Time
	RevokedAt  *time.Time
	CreatedAt  time.Time
}

// Status is pending, accepted, revoked or expired (at now).
func (i Invitation) Status(now time.Time) string {
	switch {
	case i.AcceptedAt != nil:
		return InvitationAccepted
	case i.RevokedAt != nil:
		return InvitationRevoked
	case !now.Before(i.ExpiresAt):
		return InvitationExpired
	}
	return InvitationPending
}

const invitationColumns = `id, org_id, email, role, COALESCE(invited_by, ''), expires_at, accepted_at, revoked_at, created_at`

func scanInvitation(row db.Scanner) (Invitation, error) {
	var i Invitation
	err := row.Scan(&i.ID, &i.OrgID, &i.Email, &i.Role, &i.InvitedBy, &i.ExpiresAt,
		db.NullTime{T: &i.AcceptedAt}, db.NullTime{T: &i.RevokedAt}, &i.CreatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Invitation{}, apperr.NotFoundf("invitation")
	}
	i.ExpiresAt, i.CreatedAt = i.ExpiresAt.UTC(), i.CreatedAt.UTC()
	return i, err
}

// insertInvitation stores i with the digest of its token, after revoking
// an earlier pending invitation of the same address (only the latest link
// works).
func insertInvitation(ctx context.Context, q db.Querier, i Invitation, token string) error {
	if _, err := q.Exec(ctx, `UPDATE invitations SET revoked_at = ? WHERE org_id = ? AND email = ? AND accepted_at IS NULL AND revoked_at IS NULL`,
		i.CreatedAt, i.OrgID, i.Email); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `INSERT INTO invitations (id, org_id, email, role, token_hash, invited_by, expires_at, created_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)`, i.ID, i.OrgID, i.Email, string(i.Role), auth.Digest(token), db.NullString(i.InvitedBy),
		i.ExpiresAt, i.CreatedAt)
	return err
}

// invitationByToken returns the pending, unexpired invitation of a token.
func invitationByToken(ctx context.Context, q db.Querier, token string, now time.Time) (Invitation, error) {
	if token == "" || len(token) > 256 {
		return Invitation{}, apperr.NotFoundf("invitation")
	}
	return scanInvitation(q.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations
		WHERE token_hash = ? AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`, auth.Digest(token), now))
}

// InvitationFilter selects an organization's invitations.
type InvitationFilter struct {
	PendingOnly bool
	Skip, Limit int
}

// ListInvitations returns an organization's invitations, newest first, and
// the total matching.
func ListInvitations(ctx context.Context, q db.Querier, orgID string, f InvitationFilter, now time.Time) ([]Invitation, int, error) {
	where := ` WHERE org_id = ?`
	args := []any{orgID}
	if f.PendingOnly {
		where += ` AND accepted_at IS NULL AND revoked_at IS NULL AND expires_at > ?`
		args = append(args, now)
	}
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM invitations`+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT `+invitationColumns+` FROM invitations`+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Skip)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := db.Collect(rows, scanInvitation)
	return out, total, err
}

// InvitationByID returns one invitation of an organization.
func InvitationByID(ctx context.Context, q db.Querier, orgID, id string) (Invitation, error) {
	return scanInvitation(q.QueryRow(ctx, `SELECT `+invitationColumns+` FROM invitations WHERE org_id = ? AND id = ?`, orgID, id))
}

// revokeAccess ends the sessions and deactivates the API keys of userID in
// orgID (every organization when orgID is empty; every user of orgID when
// userID is empty), and returns how many of each.
func revokeAccess(ctx context.Context, q db.Querier, orgID, userID, reason string) (sessions, keys int64, err error) {
	where, args := "", []any{}
	if orgID != "" {
		where += " AND org_id = ?"
		args = append(args, orgID)
	}
	if userID != "" {
		where += " AND user_id = ?"
		args = append(args, userID)
	}
	now := db.Now()
	res, err := q.Exec(ctx, `UPDATE sessions SET revoked_at = ?, revoke_reason = ? WHERE revoked_at IS NULL`+where,
		append([]any{now, reason}, args...)...)
	if err != nil {
		return 0, 0, err
	}
	sessions, _ = res.RowsAffected()
	res, err = q.Exec(ctx, `UPDATE api_keys SET is_active = ?, updated_at = ? WHERE is_active = ?`+where,
		append([]any{false, now, true}, args...)...)
	if err != nil {
		return sessions, 0, err
	}
	keys, _ = res.RowsAffected()
	return sessions, keys, nil
}
