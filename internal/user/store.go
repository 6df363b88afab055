package user

import (
	"context"
	"database/sql"
	"errors"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

// NormalizeEmail returns the form emails are stored and looked up in.
func NormalizeEmail(email string) string { return strings.ToLower(strings.TrimSpace(email)) }

const userColumns = `id, email, username, password_hash, COALESCE(full_name, ''), is_active, is_verified,
	is_system_admin, last_login_at, created_at, updated_at`

func scanUser(row db.Scanner) (User, error) {
	var u User
	err := row.Scan(&u.ID, &u.Email, &u.Username, &u.PasswordHash, &u.FullName, &u.IsActive, &u.IsVerified,
		&u.IsSystemAdmin, db.NullTime{T: &u.LastLoginAt}, &u.CreatedAt, &u.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return User{}, apperr.NotFoundf("user")
	}
	u.CreatedAt, u.UpdatedAt = u.CreatedAt.UTC(), u.UpdatedAt.UTC()
	return u, err
}

// Create inserts u, filling in ID and timestamps when empty. A duplicate
// email or username is a Conflict with a field error naming which.
func Create(ctx context.Context, q db.Querier, u *User) error {
	if u.ID == "" {
		u.ID = db.NewID()
	}
	now := db.Now()
	u.CreatedAt, u.UpdatedAt = now, now
	u.Email = NormalizeEmail(u.Email)
	_, err := q.Exec(ctx, `INSERT INTO users (id, email, username, password_hash, full_name, is_active, is_verified,
		is_system_admin, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		u.ID, u.Email, u.Username, u.PasswordHash, db.NullString(u.FullName), u.IsActive, u.IsVerified,
		u.IsSystemAdmin, now, now)
	return uniqueField(err)
}

// uniqueField turns a unique violation on users into a field error.
func uniqueField(err error) error {
	e, ok := apperr.As(err)
	if !ok || !errors.Is(err, apperr.Conflict) {
		return err
	}
	for _, f := range []struct{ field, detail string }{
		{"email", "Email already registered"}, {"username", "Username already taken"},
	} {
		if strings.Contains(e.Constraint, f.field) || strings.Contains(e.Error(), f.field) {
			return &apperr.Error{Kind: apperr.Conflict, Code: f.field + "_taken", Detail: f.detail,
				Fields: []apperr.FieldError{{Field: f.field, Reason: "already in use"}}, Err: err}
		}
	}
	return err
}

// ByID returns the user with id.
func ByID(ctx context.Context, q db.Querier, id string) (User, error) {
	return scanUser(db.QueryRowFast(ctx, q, `SELECT `+userColumns+` FROM users WHERE id = ?`, id))
}

// ByEmail returns the user with email (compared case-insensitively).
func ByEmail(ctx context.Context, q db.Querier, email string) (User, error) {
	return scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE email = ?`, NormalizeEmail(email)))
}

// ByUsername returns the user with username (exact match).
func ByUsername(ctx context.Context, q db.Querier, username string) (User, error) {
	return scanUser(q.QueryRow(ctx, `SELECT `+userColumns+` FROM users WHERE username = ?`, username))
}

// ByLogin returns the user whose email or username is login.
func ByLogin(ctx context.Context, q db.Querier, login string) (User, error) {
	if strings.Contains(login, "@") {
		return ByEmail(ctx, q, login)
	}
	return ByUsername(ctx, q, strings.TrimSpace(login))
}

// SetPassword replaces a user's password hash.
func SetPassword(ctx context.Context, q db.Querier, id, hash string) error {
	return updateOne(ctx, q, `UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?`, hash, db.Now(), id)
}

// SetVerified marks a user's email verified.
func SetVerified(ctx context.Context, q db.Querier, id string) error {
	return updateOne(ctx, q, `UPDATE users SET is_verified = ?, updated_at = ? WHERE id = ?`, true, db.Now(), id)
}

// SetSystemAdmin grants or withdraws the system administrator flag.
func SetSystemAdmin(ctx context.Context, q db.Querier, id string, admin bool) error {
	return updateOne(ctx, q, `UPDATE users SET is_system_admin = ?, updated_at = ? WHERE id = ?`, admin, db.Now(), id)
}

// TouchLogin records a successful sign-in (not every request: see S5).
func TouchLogin(ctx context.Context, q db.Querier, id string) error {
	return updateOne(ctx, q, `UPDATE users SET last_login_at = ? WHERE id = ?`, db.Now(), id)
}

func updateOne(ctx context.Context, q db.Querier, query string, args ...any) error {
	res, err := q.Exec(ctx, query, args...)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFoundf("user")
	}
	return nil
}
