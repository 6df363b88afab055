package auth

import (
	"context"
	"errors"
	"fmt"
	"net/mail"
	"regexp"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/email"
	"github.com/curatore/curatore/internal/user"
)

// RegisterInput is an open sign-up.
type RegisterInput struct {
	Email, Username, Password, FullName string
	OrganizationID                      string // refused: joining needs an invitation
	OrganizationName                    string // the new organization (default: from the username)
}

var usernamePattern = regexp.MustCompile(`^[A-Za-z0-9][A-Za-z0-9._-]{2,99}$`)

func (in *RegisterInput) validate() error {
	var f apperr.Fields
	in.Email, in.Username = user.NormalizeEmail(in.Email), strings.TrimSpace(in.Username)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || a.Name != "" {
		f.Add("email", "must be a valid email address")
	}
	if !usernamePattern.MatchString(in.Username) {
		f.Add("username", "must be 3 to 100 characters: letters, digits, '.', '_' or '-'")
	}
	if err := CheckPasswordPolicy("password", in.Password); err != nil {
		f = append(f, err.(*apperr.Error).Fields...)
	}
	if len(in.FullName) > 255 {
		f.Add("full_name", "must be at most 255 characters")
	}
	in.OrganizationName = strings.TrimSpace(in.OrganizationName)
	if in.OrganizationName == "" {
		in.OrganizationName = in.Username + "'s organization"
	}
	if len(in.OrganizationName) > 255 {
		f.Add("organization_name", "must be at most 255 characters")
	}
	return f.Err()
}

// Register creates a user and a new organization they administer, when
// ALLOW_REGISTRATION is on, and sends a verification email.
func (s *Service) Register(ctx context.Context, in RegisterInput) (Identity, error) {
	if !s.cfg.AllowRegistration {
		return Identity{}, apperr.New(apperr.Forbidden, "registration_disabled", "Open registration is disabled; ask an administrator for an invitation.")
	}
	if in.OrganizationID != "" {
		return Identity{}, apperr.New(apperr.Forbidden, "invitation_required", "Joining an existing organization needs an invitation from its administrator.")
	}
	if err := checkIdentifier("email", in.Email); err != nil {
		return Identity{}, err
	}
	if err := s.limits.Allow(ctx, "register:ip:"+clientIP(ctx), "register:acct:"+user.NormalizeEmail(in.Email)); err != nil {
		return Identity{}, err
	}
	if err := in.validate(); err != nil {
		return Identity{}, err
	}
	hash, err := HashPassword(in.Password, s.cfg.BcryptRounds)
	if err != nil {
		return Identity{}, err
	}
	now := s.now()
	u := user.User{Email: in.Email, Username: in.Username, PasswordHash: hash, FullName: strings.TrimSpace(in.FullName), IsActive: true}
	var m user.Membership
	var token string
	e := audit.Entry{Action: "auth.register", EntityType: "user", Details: map[string]any{"email": in.Email, "username": in.Username}}
	err = audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		if err := user.Create(ctx, q, &u); err != nil {
			return err
		}
		orgID, err := s.createOrg(ctx, q, in.OrganizationName, s.freeSlug(ctx, q, in.OrganizationName), u.ID)
		if err != nil {
			return renameField(err, "organization_name")
		}
		m = user.Membership{OrgID: orgID, UserID: u.ID, Role: string(RoleAdmin), IsActive: true}
		if err := user.AddMembership(ctx, q, &m); err != nil {
			return err
		}
		e.OrgID, e.UserID, e.EntityID = orgID, u.ID, u.ID
		token, err = newUserToken(ctx, q, u.ID, PurposeVerifyEmail, s.cfg.EmailVerificationExpire, now)
		return err
	})
	if err != nil {
		return Identity{}, err
	}
	m, _ = user.MembershipOf(ctx, s.db, m.OrgID, u.ID)
	mail := s.verificationMail(u, token)
	s.inBackground(ctx, "verification email", func(ctx context.Context) error { return s.mail.Send(ctx, mail) })
	return Identity{User: u, Membership: m}, nil
}

// renameField points an organization conflict at the request's field.
func renameField(err error, field string) error {
	if e, ok := apperr.As(err); ok && len(e.Fields) > 0 {
		c := *e
		c.Fields = []apperr.FieldError{{Field: field, Reason: e.Fields[0].Reason}}
		return &c
	}
	return err
}

// freeSlug derives a slug from name, with a random suffix when it is taken.
func (s *Service) freeSlug(ctx context.Context, q db.Querier, name string) string {
	base := Slugify(name)
	var n int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM organizations WHERE slug = ?`, base).Scan(&n); err == nil && n == 0 {
		return base
	}
	return fmt.Sprintf("%s-%s", base, strings.ToLower(RandomToken(4)[:6]))
}

// Slugify turns a name into a URL slug: lower-case letters, digits and
// single dashes, at most 50 characters ("org" when nothing is left).
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, c := range strings.ToLower(name) {
		if (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') {
			b.WriteRune(c)
			dash = false
		} else if !dash && b.Len() > 0 {
			b.WriteByte('-')
			dash = true
		}
	}
	out := strings.Trim(b.String(), "-")
	if len(out) > 50 {
		out = strings.Trim(out[:50], "-")
	}
	if out == "" {
		return "org"
	}
	return out
}

func (s *Service) verificationMail(u user.User, token string) email.Message {
	return email.Message{To: u.Email, Subject: "Verify your email address", Text: fmt.Sprintf(
		"Hello %s,\n\nPlease confirm your email address for Curatore by opening this link:\n\n%s\n\nThe link expires in %d hours.\n",
		displayName(u), s.link("/verify-email", token), int(s.cfg.EmailVerificationExpire.Hours()))}
}

func displayName(u user.User) string {
	if u.FullName != "" {
		return u.FullName
	}
	return u.Username
}

var errBadVerifyToken = apperr.New(apperr.Invalid, "invalid_token", "Invalid or expired verification token")

// VerifyEmail spends a verification token and marks its user verified.
// A bad token costs no transaction: it is audited coalesced.
func (s *Service) VerifyEmail(ctx context.Context, token string) (Identity, error) {
	now := s.now()
	if err := s.limits.Allow(ctx, "verify:ip:"+clientIP(ctx)); err != nil {
		return Identity{}, err
	}
	if _, ok, err := s.peekToken(ctx, token, PurposeVerifyEmail, now); err != nil || !ok {
		if err == nil {
			s.failures.Failure(ctx, audit.Entry{Action: "auth.verify_email", EntityType: "user", Error: errorText(errBadVerifyToken)})
			err = errBadVerifyToken
		}
		return Identity{}, err
	}
	var u user.User
	e := audit.Entry{Action: "auth.verify_email", EntityType: "user"}
	err := audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		id, ok, err := spendUserToken(ctx, q, token, PurposeVerifyEmail, now)
		if err != nil {
			return err
		}
		if !ok {
			return errBadVerifyToken
		}
		if u, err = user.ByID(ctx, q, id); err != nil || !u.IsActive {
			return errBadVerifyToken
		}
		e.UserID, e.EntityID = u.ID, u.ID
		u.IsVerified = true
		return user.SetVerified(ctx, q, u.ID)
	})
	if err != nil {
		return Identity{}, err
	}
	return s.identity(ctx, u)
}

// identity pairs u with their oldest active membership (if any).
func (s *Service) identity(ctx context.Context, u user.User) (Identity, error) {
	ms, err := user.Memberships(ctx, s.db, u.ID)
	id := Identity{User: u}
	for _, m := range ms {
		if m.IsActive && m.OrgIsActive {
			id.Membership = m
			break
		}
	}
	return id, err
}

// genericMailMessage is the answer to resend/forgot, whatever the address.
const genericMailMessage = "If an account with this email exists, we have sent it a message."

// ResendVerification sends a new verification link to an active,
// unverified user. Like ForgotPassword it answers at once and the same
// whether or not the address exists; the work happens in the background.
func (s *Service) ResendVerification(ctx context.Context, address string) (string, error) {
	if err := checkIdentifier("email", address); err != nil {
		return "", err
	}
	address = user.NormalizeEmail(address)
	if err := s.limits.Allow(ctx, "mail:ip:"+clientIP(ctx), "mail:acct:"+address); err != nil {
		return "", err
	}
	s.inBackground(ctx, "verification email", func(ctx context.Context) error {
		u, err := user.ByEmail(ctx, s.db, address)
		if err != nil || !u.IsActive || u.IsVerified {
			return ignoreNotFound(err)
		}
		var token string
		err = s.db.InTx(ctx, func(q db.Querier) error {
			token, err = newUserToken(ctx, q, u.ID, PurposeVerifyEmail, s.cfg.EmailVerificationExpire, s.now())
			return err
		})
		if err != nil {
			return err
		}
		return s.mail.Send(ctx, s.verificationMail(u, token))
	})
	return genericMailMessage, nil
}

func ignoreNotFound(err error) error {
	if errors.Is(err, apperr.NotFound) {
		return nil
	}
	return err
}
