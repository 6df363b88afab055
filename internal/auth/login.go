package auth

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/sanitize"
	"github.com/curatore/curatore/internal/user"
)

// Identity is a user with their active membership (organization and role).
type Identity struct {
	User       user.User
	Membership user.Membership
}

// Tokens is a fresh access/refresh pair and who it is for.
type Tokens struct {
	AccessToken  string
	RefreshToken string
	ExpiresIn    int // seconds
	Identity     Identity
}

// LoginInput is a sign-in attempt. Org (an id or a slug) picks the active
// organization; empty picks the user's oldest active membership.
type LoginInput struct {
	Login    string
	Password string
	Org      string
}

// errBadLogin is the one answer for a wrong password, an unknown user and an
// inactive user alike.
var errBadLogin = apperr.New(apperr.Unauthenticated, "invalid_credentials", "Invalid email/username or password")

// Login checks credentials and opens a session.
func (s *Service) Login(ctx context.Context, in LoginInput) (Tokens, error) {
	if err := checkIdentifier("email_or_username", in.Login); err != nil {
		return Tokens{}, err
	}
	now := s.now()
	account := "login:acct:" + strings.ToLower(strings.TrimSpace(in.Login))
	if err := s.limits.Allow(ctx, "login:ip:"+clientIP(ctx), account); err != nil {
		return Tokens{}, err
	}
	if err := s.limits.Check(ctx, account); err != nil {
		return Tokens{}, err
	}
	u, ok, err := s.checkCredentials(ctx, in.Login, in.Password)
	if err != nil {
		return Tokens{}, err
	}
	if !ok {
		s.limits.Fail(ctx, account)
		audit.RecordNow(ctx, s.db, audit.Entry{UserID: u.ID, Action: "auth.login", EntityType: "user",
			EntityID: u.ID, Status: audit.Failure, Error: errBadLogin.Detail,
			Details: map[string]any{"login": sanitize.Truncate(in.Login, 255)}})
		return Tokens{}, errBadLogin
	}
	s.limits.Succeed(ctx, account)
	m, err := s.chooseMembership(ctx, u.ID, in.Org)
	if err != nil {
		return Tokens{}, err
	}
	var t issued
	err = audit.Do(ctx, s.db, audit.Entry{OrgID: m.OrgID, UserID: u.ID, Action: "auth.login", EntityType: "session"},
		func(q db.Querier, e *audit.Entry) error {
			t, err = s.openSession(ctx, q, u, m, now)
			e.EntityID = t.sessionID
			if err == nil {
				err = user.TouchLogin(ctx, q, u.ID)
			}
			return err
		})
	t.Identity.User.LastLoginAt = &now
	return t.Tokens, err
}

// checkCredentials finds the user and checks the password, spending one
// bcrypt comparison in every case — against a dummy hash for an unknown
// user or one without a usable password (an invitation not yet accepted) —
// so that the answer time does not tell which case it was.
func (s *Service) checkCredentials(ctx context.Context, login, password string) (user.User, bool, error) {
	u, err := user.ByLogin(ctx, s.db, login)
	if err != nil && !errors.Is(err, apperr.NotFound) {
		return u, false, err
	}
	hash := u.PasswordHash
	if err != nil || !usableHash(hash) {
		PasswordMatches(s.dummyHash(), password)
		return u, false, nil
	}
	return u, PasswordMatches(hash, password) && u.IsActive, nil
}

// chooseMembership returns the active membership in org (an id or a slug),
// or the user's oldest active one when org is empty.
func (s *Service) chooseMembership(ctx context.Context, userID, org string) (user.Membership, error) {
	ms, err := user.Memberships(ctx, s.db, userID)
	if err != nil {
		return user.Membership{}, err
	}
	for _, m := range ms {
		usable := m.IsActive && m.OrgIsActive
		if usable && (org == "" || m.OrgID == org || m.OrgSlug == org) {
			return m, nil
		}
	}
	if org != "" {
		return user.Membership{}, apperr.Field("organization_id", "you are not an active member of this organization")
	}
	return user.Membership{}, apperr.New(apperr.Forbidden, "no_active_organization",
		"your account is not an active member of any active organization")
}

// issued is a token pair with the session it belongs to.
type issued struct {
	Tokens
	sessionID  string
	refreshJTI string
}

// openSession creates a session row and its first token pair.
func (s *Service) openSession(ctx context.Context, q db.Querier, u user.User, m user.Membership, now time.Time) (issued, error) {
	sid := db.NewID()
	t, err := s.issue(u, m, sid, now)
	if err != nil {
		return t, err
	}
	a := audit.ActorFrom(ctx)
	_, err = q.Exec(ctx, `INSERT INTO sessions (id, user_id, org_id, refresh_jti, ip_address, user_agent, created_at,
		refreshed_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, sid, u.ID, m.OrgID, t.refreshJTI,
		db.NullString(a.IP), db.NullString(sanitize.Truncate(a.UserAgent, 512)), now, now, now.Add(s.cfg.JWTRefreshTokenExpire))
	return t, err
}

// issue signs an access and a refresh token for a session.
func (s *Service) issue(u user.User, m user.Membership, sid string, now time.Time) (issued, error) {
	access, _, err := s.signer.Sign(TypeAccess, u.ID, m.OrgID, Role(m.Role), sid, now, s.cfg.JWTAccessTokenExpire)
	if err != nil {
		return issued{}, err
	}
	refresh, jti, err := s.signer.Sign(TypeRefresh, u.ID, m.OrgID, "", sid, now, s.cfg.JWTRefreshTokenExpire)
	if err != nil {
		return issued{}, err
	}
	return issued{Tokens: Tokens{AccessToken: access, RefreshToken: refresh,
		ExpiresIn: int(s.cfg.JWTAccessTokenExpire.Seconds()), Identity: Identity{User: u, Membership: m}},
		sessionID: sid, refreshJTI: jti}, nil
}
