package auth

import (
	"context"
	"database/sql"
	"errors"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/user"
)

// SetupTokenTTL is how long a setup link works (it also ends when used).
const SetupTokenTTL = time.Hour

// SetupStatus says whether the server still needs its first administrator
// and whether a setup token is usable.
type SetupStatus struct {
	Required   bool // no user exists yet
	TokenValid bool
}

// SetupInput creates the first administrator.
type SetupInput struct {
	Token                               string
	Email, Username, Password, FullName string
}

var errBadSetupToken = apperr.New(apperr.Invalid, "invalid_setup_token", "This setup link is invalid, expired or already used; restart the server for a new one.")

// NeedsSetup reports whether no user exists yet.
func (s *Service) NeedsSetup(ctx context.Context) (bool, error) {
	var id string
	err := s.db.QueryRow(ctx, `SELECT id FROM users LIMIT 1`).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return true, nil
	}
	return false, err
}

// NewSetupToken makes the one-time token of the setup link, valid for
// SetupTokenTTL; earlier ones stop working.
func (s *Service) NewSetupToken(ctx context.Context) (string, error) {
	now := s.now()
	tok := RandomToken(32)
	err := s.db.InTx(ctx, func(q db.Querier) error {
		if _, err := q.Exec(ctx, `UPDATE setup_tokens SET used_at = ? WHERE used_at IS NULL`, now); err != nil {
			return err
		}
		_, err := q.Exec(ctx, `INSERT INTO setup_tokens (id, token_hash, expires_at, created_at) VALUES (?, ?, ?, ?)`,
			db.NewID(), Digest(tok), now.Add(SetupTokenTTL), now)
		return err
	})
	return tok, err
}

// SetupLink is the web page of a setup token.
func (s *Service) SetupLink(token string) string { return s.link("/setup", token) }

// SetupStatus reports whether setup is needed and token is usable.
func (s *Service) SetupStatus(ctx context.Context, token string) (SetupStatus, error) {
	required, err := s.NeedsSetup(ctx)
	if err != nil || !required || token == "" || len(token) > 256 {
		return SetupStatus{Required: required}, err
	}
	var id string
	err = s.db.QueryRow(ctx, `SELECT id FROM setup_tokens WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		Digest(token), s.now()).Scan(&id)
	if errors.Is(err, sql.ErrNoRows) {
		return SetupStatus{Required: true}, nil
	}
	return SetupStatus{Required: true, TokenValid: err == nil}, err
}

// CompleteSetup spends a setup token and creates the first administrator:
// verified, org_admin of the default organization (created if missing)
// and system administrator, signed in at once. It works only while no
// user exists.
func (s *Service) CompleteSetup(ctx context.Context, in SetupInput) (Tokens, error) {
	now := s.now()
	if err := s.limits.Allow(ctx, "setup:ip:"+clientIP(ctx)); err != nil {
		return Tokens{}, err
	}
	reg := RegisterInput{Email: in.Email, Username: in.Username, Password: in.Password, FullName: in.FullName,
		OrganizationName: s.cfg.DefaultOrgName}
	if err := reg.validate(); err != nil {
		return Tokens{}, err
	}
	st, err := s.SetupStatus(ctx, in.Token)
	if err != nil {
		return Tokens{}, err
	}
	if !st.Required {
		return Tokens{}, apperr.New(apperr.Conflict, "already_set_up", "This server already has users; sign in instead.")
	}
	if !st.TokenValid {
		s.failures.Failure(ctx, audit.Entry{Action: "auth.setup", Error: errorText(errBadSetupToken)})
		return Tokens{}, errBadSetupToken
	}
	hash, err := HashPassword(in.Password, s.cfg.BcryptRounds)
	if err != nil {
		return Tokens{}, err
	}
	u := user.User{Email: reg.Email, Username: reg.Username, PasswordHash: hash, FullName: in.FullName,
		IsActive: true, IsVerified: true, IsSystemAdmin: true}
	var t issued
	e := audit.Entry{Action: "auth.setup", EntityType: "user", Details: map[string]any{"email": reg.Email, "username": reg.Username}}
	err = audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		if err := spendSetupToken(ctx, q, in.Token, now); err != nil {
			return err
		}
		if err := user.Create(ctx, q, &u); err != nil {
			return err
		}
		m, err := s.defaultOrgAdmin(ctx, q, u.ID)
		if err != nil {
			return err
		}
		e.OrgID, e.UserID, e.EntityID = m.OrgID, u.ID, u.ID
		t, err = s.openSession(ctx, q, u, m, now)
		return err
	})
	return t.Tokens, err
}

// spendSetupToken uses a token once, and only while no user exists (the
// row lock on the token serializes concurrent attempts).
func spendSetupToken(ctx context.Context, q db.Querier, token string, now time.Time) error {
	res, err := q.Exec(ctx, `UPDATE setup_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL AND expires_at > ?`,
		now, Digest(token), now)
	if err != nil {
		return err
	}
	if n, _ := res.RowsAffected(); n != 1 {
		return errBadSetupToken
	}
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM users`).Scan(&n); err != nil {
		return err
	}
	if n > 0 {
		return apperr.New(apperr.Conflict, "already_set_up", "This server already has users; sign in instead.")
	}
	return nil
}

// defaultOrgAdmin makes userID org_admin of the default organization,
// creating it when missing, and returns the membership.
func (s *Service) defaultOrgAdmin(ctx context.Context, q db.Querier, userID string) (user.Membership, error) {
	var orgID string
	err := q.QueryRow(ctx, `SELECT id FROM organizations WHERE slug = ?`, s.cfg.DefaultOrgSlug).Scan(&orgID)
	if errors.Is(err, sql.ErrNoRows) {
		orgID, err = s.createOrg(ctx, q, s.cfg.DefaultOrgName, s.cfg.DefaultOrgSlug, userID)
	}
	if err != nil {
		return user.Membership{}, err
	}
	m := user.Membership{OrgID: orgID, UserID: userID, Role: string(RoleAdmin), IsActive: true}
	if err := user.AddMembership(ctx, q, &m); err != nil {
		return m, err
	}
	return user.MembershipOf(ctx, q, orgID, userID)
}
