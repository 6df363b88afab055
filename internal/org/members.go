package org

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// Member is a user as seen from one organization: the person and their
// membership there.
type Member struct {
	ID          string
	Email       string
	Username    string
	FullName    string
	Role        auth.Role
	IsActive    bool // the membership is active
	IsVerified  bool
	CreatedAt   time.Time // when they joined the organization
	LastLoginAt *time.Time
}

// MemberFilter selects members of one organization.
type MemberFilter struct {
	IsActive *bool
	Role     auth.Role
	Q        string // matches email, username or full name
	Skip     int
	Limit    int
}

const memberColumns = `u.id, u.email, u.username, COALESCE(u.full_name, ''), m.role, m.is_active, u.is_verified,
	m.created_at, u.last_login_at`

func scanMember(row db.Scanner) (Member, error) {
	var m Member
	err := row.Scan(&m.ID, &m.Email, &m.Username, &m.FullName, &m.Role, &m.IsActive, &m.IsVerified,
		&m.CreatedAt, db.NullTime{T: &m.LastLoginAt})
	if errors.Is(err, sql.ErrNoRows) {
		return Member{}, apperr.NotFoundf("user")
	}
	m.CreatedAt = m.CreatedAt.UTC()
	return m, err
}

// likePattern makes a case-insensitive substring pattern, escaping % and _.
func likePattern(q string) string {
	r := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	return "%" + r.Replace(strings.ToLower(q)) + "%"
}

// ListMembers returns a page of an organization's members, newest first,
// and the total matching.
func ListMembers(ctx context.Context, q db.Querier, orgID string, f MemberFilter) ([]Member, int, error) {
	where := " WHERE m.org_id = ?"
	args := []any{orgID}
	if f.IsActive != nil {
		where += " AND m.is_active = ?"
		args = append(args, *f.IsActive)
	}
	if f.Role != "" {
		where += " AND m.role = ?"
		args = append(args, string(f.Role))
	}
	if f.Q != "" {
		p := likePattern(f.Q)
		where += ` AND (LOWER(u.email) LIKE ? ESCAPE '\' OR LOWER(u.username) LIKE ? ESCAPE '\' OR LOWER(COALESCE(u.full_name, '')) LIKE ? ESCAPE '\')`
		args = append(args, p, p, p)
	}
	from := " FROM memberships m JOIN users u ON u.id = m.user_id"
	countFrom := from
	if f.Q == "" {
		countFrom = " FROM memberships m" // the count needs users only to search them
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*)"+countFrom+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, "SELECT "+memberColumns+from+where+" ORDER BY m.created_at DESC, m.user_id DESC LIMIT ? OFFSET ?",
		append(args, f.Limit, f.Skip)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := db.Collect(rows, scanMember)
	return out, total, err
}

// MemberByID returns one member of an organization; a user who is not a
// member there is NotFound.
func MemberByID(ctx context.Context, q db.Querier, orgID, userID string) (Member, error) {
	return scanMember(q.QueryRow(ctx, "SELECT "+memberColumns+
		" FROM memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? AND m.user_id = ?", orgID, userID))
}

// SaveMembership writes a membership's role and active flag.
func SaveMembership(ctx context.Context, q db.Querier, orgID, userID string, role auth.Role, active bool) error {
	_, err := q.Exec(ctx, "UPDATE memberships SET role = ?, is_active = ?, updated_at = ? WHERE org_id = ? AND user_id = ?",
		string(role), active, db.Now(), orgID, userID)
	return err
}

// LockActiveAdmins counts the active admins of an organization whose user
// account is active too, locking their memberships until the transaction
// ends. On PostgreSQL (Read Committed) two admins demoting each other at
// once would otherwise both see two admins and leave none: with the rows
// locked, the second waits, then sees the first one's change. SQLite
// transactions are serialized by the single writer already.
func LockActiveAdmins(ctx context.Context, q db.Querier, orgID string) (int, error) {
	query := `SELECT m.user_id FROM memberships m JOIN users u ON u.id = m.user_id
		WHERE m.org_id = ? AND m.role = 'org_admin' AND m.is_active = ? AND u.is_active = ?`
	if q.Engine() == db.Postgres {
		query += ` FOR UPDATE OF m`
	}
	rows, err := q.Query(ctx, query, orgID, true, true)
	if err != nil {
		return 0, err
	}
	ids, err := db.Collect(rows, func(r db.Scanner) (string, error) {
		var id string
		return id, r.Scan(&id)
	})
	return len(ids), err
}
