package auth

import (
	"context"
	"fmt"
	"time"

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
	if err := checkIdentifier("email", address); err != nil {
		return "", err
	}
	address = user.NormalizeEmail(address)
	if err := s.limits.Allow(ctx, "forgot:ip:"+clientIP(ctx), "forgot:acct:"+address); err != nil {
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
	if err := s.limits.Allow(ctx, "validate:ip:"+clientIP(ctx)); err != nil {
		return false, "", err
	}
	id, ok, err := s.peekToken(ctx, token, PurposePasswordReset, s.now())
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
// every session of the user (a stolen session ends with the reset). The
// token is checked before any bcrypt work, attempts are rate-limited per IP
// and per account, and bad tokens are audited coalesced (one row per
// source and minute, with the count).
func (s *Service) ResetPassword(ctx context.Context, token, newPassword string) error {
	now := s.now()
	if err := s.limits.Allow(ctx, "reset:ip:"+clientIP(ctx)); err != nil {
		return err
	}
	if err := CheckPasswordPolicy("new_password", newPassword); err != nil {
		return err
	}
	id, ok, err := s.peekToken(ctx, token, PurposePasswordReset, now)
	if err != nil {
		return err
	}
	if !ok {
		s.failures.Failure(ctx, audit.Entry{Action: "auth.password_reset", EntityType: "user", Error: errorText(errBadResetToken)})
		return errBadResetToken
	}
	if err := s.limits.Allow(ctx, "reset:acct:"+id); err != nil {
		return err
	}
	hash, err := HashPassword(newPassword, s.cfg.BcryptRounds)
	if err != nil {
		return err
	}
	e := audit.Entry{Action: "auth.password_reset", EntityType: "user", UserID: id, EntityID: id}
	return audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		spent, ok, err := spendUserToken(ctx, q, token, PurposePasswordReset, now)
		if err != nil {
			return err
		}
		if !ok || spent != id {
			return errBadResetToken // spent concurrently
		}
		u, err := user.ByID(ctx, q, id)
		if err != nil || !u.IsActive {
			return errBadResetToken
		}
		if err := user.SetPassword(ctx, q, u.ID, hash); err != nil {
			return err
		}
		// The link reached the mailbox: that proves the address.
		if err := user.SetVerified(ctx, q, u.ID); err != nil {
			return err
		}
		n, err := revokeAllSessions(ctx, q, u.ID, "password_reset", now)
		e.Details = map[string]any{"sessions_revoked": n}
		return err
	})
}

// peekToken is peekUserToken for a token from a request: an absurdly long
// one is not looked up.
func (s *Service) peekToken(ctx context.Context, token, purpose string, now time.Time) (string, bool, error) {
	if token == "" || len(token) > 256 {
		return "", false, nil
	}
	return peekUserToken(ctx, s.db, token, purpose, now)
}

// errorText is how a refused attempt's error reads in its audit row.
func errorText(e *apperr.Error) string { return e.Code + ": " + e.Detail }

// ResetLink makes a password-reset link for the active user with address,
// for an operator to hand over (`curatore admin reset-link`) where no
// email is sent. Earlier links of the user stop working; the link expires
// after PASSWORD_RESET_TOKEN_EXPIRE_HOURS.
func (s *Service) ResetLink(ctx context.Context, address string) (string, error) {
	u, err := user.ByEmail(ctx, s.db, address)
	if err != nil || !u.IsActive {
		return "", fmt.Errorf("no active user with email %s", user.NormalizeEmail(address))
	}
	var token string
	e := audit.Entry{UserID: u.ID, Action: "auth.password_reset_link", EntityType: "user", EntityID: u.ID,
		Details: map[string]any{"email": u.Email, "source": "command line"}}
	err = audit.Do(ctx, s.db, e, func(q db.Querier, _ *audit.Entry) error {
		token, err = newUserToken(ctx, q, u.ID, PurposePasswordReset, s.cfg.PasswordResetExpire, s.now())
		return err
	})
	if err != nil {
		return "", err
	}
	return s.link("/reset-password", token), nil
}
