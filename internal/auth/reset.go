package auth

import (
	"context"
	"fmt"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/email"
	"github.com/curatore/curatore/internal/user"
)

// ForgotPassword mails a reset link to an active user. It answers the same
// text at once whether or not the address exists: the lookup, the token and
// the mail happen in the background, so the response time does not tell
// either.
func (s *Service) ForgotPassword(ctx context.Context, address string) (string, error) {
	address = user.NormalizeEmail(address)
	if err := s.limiter.Allow(s.now(), "forgot:ip:"+clientIP(ctx), "forgot:acct:"+address); err != nil {
		return "", err
	}
	s.inBackground(ctx, "password reset email", func(ctx context.Context) error { return s.mailReset(ctx, address) })
	return genericMailMessage, nil
}

// mailReset creates a reset token for an active user with address and
// mails the link; unknown or inactive addresses get nothing.
func (s *Service) mailReset(ctx context.Context, address string) error {
	u, err := user.ByEmail(ctx, s.db, address)
	if err != nil || !u.IsActive {
		return ignoreNotFound(err)
	}
	var token string
	e := audit.Entry{UserID: u.ID, Action: "auth.password_reset_request", EntityType: "user", EntityID: u.ID}
	err = audit.Do(ctx, s.db, e, func(q db.Querier, _ *audit.Entry) error {
		token, err = newUserToken(ctx, q, u.ID, PurposePasswordReset, s.cfg.PasswordResetExpire, s.now())
		return err
	})
	if err != nil {
		return err
	}
	hours := int(s.cfg.PasswordResetExpire.Hours())
	return s.mail.Send(ctx, email.Message{To: u.Email, Subject: "Reset your password", Text: fmt.Sprintf(
		"Hello %s,\n\nSomeone (hopefully you) asked to reset your Curatore password. Open this link to choose a new one:\n\n%s\n\n"+
			"The link expires in %d hour(s) and works once. If you did not ask, ignore this message.\n",
		displayName(u), s.link("/reset-password", token), hours)})
}

// ValidateResetToken reports whether a reset token is usable, and for which
// address, without spending it.
func (s *Service) ValidateResetToken(ctx context.Context, token string) (bool, string, error) {
	id, ok, err := peekUserToken(ctx, s.db, token, PurposePasswordReset, s.now())
	if err != nil || !ok {
		return false, "", err
	}
	u, err := user.ByID(ctx, s.db, id)
	if err != nil || !u.IsActive {
		return false, "", ignoreNotFound(err)
	}
	return true, u.Email, nil
}

var errBadResetToken = apperr.New(apperr.Invalid, "invalid_token", "Invalid or expired reset token")

// ResetPassword spends a reset token, sets the new password and revokes
// every session of the user (a stolen session ends with the reset).
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	if err := CheckPasswordPolicy("new_password", newPassword); err != nil {
		return err
	}
	hash, err := HashPassword(newPassword, s.cfg.BcryptRounds)
	if err != nil {
		return err
	}
	e := audit.Entry{Action: "auth.password_reset", EntityType: "user"}
	err = audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		now := s.now()
		id, ok, err := spendUserToken(ctx, q, token, PurposePasswordReset, now)
		if err != nil {
			return err
		}
		if !ok {
			return errBadResetToken
		}
		u, err := user.ByID(ctx, q, id)
		if err != nil || !u.IsActive {
			return errBadResetToken
		}
		e.UserID, e.EntityID = u.ID, u.ID
		if err := user.SetPassword(ctx, q, u.ID, hash); err != nil {
			return err
		}
		// The link reached the mailbox: that proves the address (and
		// completes an invitation, which uses the same kind of token).
		if err := user.SetVerified(ctx, q, u.ID); err != nil {
			return err
		}
		n, err := revokeAllSessions(ctx, q, u.ID, "password_reset", now)
		e.Details = map[string]any{"sessions_revoked": n}
		return err
	})
	return err
}
