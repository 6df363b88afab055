package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/db"
)

// Purposes of single-use email tokens.
const (
	PurposeVerifyEmail   = "email_verification"
	PurposePasswordReset = "password_reset"
)

// newUserToken stores a new single-use token for userID and returns it
// (only its digest is stored). Older unused tokens of the same purpose are
// spent, so only the latest link works.
func newUserToken(ctx context.Context, q db.Querier, userID, purpose string, ttl time.Duration, now time.Time) (string, error) {
	if _, err := q.Exec(ctx, `UPDATE user_tokens SET used_at = ? WHERE user_id = ? AND purpose = ? AND used_at IS NULL`,
		now, userID, purpose); err != nil {
		return "", err
	}
	tok := RandomToken(32)
	_, err := q.Exec(ctx, `INSERT INTO user_tokens (id, user_id, purpose, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?, ?, ?)`,
		db.NewID(), userID, purpose, Digest(tok), now.Add(ttl), now)
	return tok, err
}

// spendUserToken marks a valid (unused, unexpired) token used and returns
// its user; ok is false when the token is not valid. The conditional
// UPDATE makes a token usable once even under concurrent requests.
func spendUserToken(ctx context.Context, q db.Querier, token, purpose string, now time.Time) (userID string, ok bool, err error) {
	err = q.QueryRow(ctx, `UPDATE user_tokens SET used_at = ?
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ? RETURNING user_id`,
		now, Digest(token), purpose, now).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return userID, err == nil, err
}

// peekUserToken returns the user of a valid token without spending it.
func peekUserToken(ctx context.Context, q db.Querier, token, purpose string, now time.Time) (string, bool, error) {
	var userID string
	err := q.QueryRow(ctx, `SELECT user_id FROM user_tokens
		WHERE token_hash = ? AND purpose = ? AND used_at IS NULL AND expires_at > ?`,
		Digest(token), purpose, now).Scan(&userID)
	if errors.Is(err, sql.ErrNoRows) {
		return "", false, nil
	}
	return userID, err == nil, err
}
