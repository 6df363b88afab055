package org

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/mail"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/email"
	"github.com/curatore/curatore/internal/user"
)

// InvitationExpiry is how long an invitation's set-password link works.
const InvitationExpiry = 7 * 24 * time.Hour

// Members lists the members of the caller's organization.
func (s *Service) Members(ctx context.Context, sc auth.Scope, f MemberFilter) ([]Member, int, error) {
	return ListMembers(ctx, s.DB, sc.OrgID, f)
}

// Member returns one member of the caller's organization.
func (s *Service) Member(ctx context.Context, sc auth.Scope, userID string) (Member, error) {
	return MemberByID(ctx, s.DB, sc.OrgID, userID)
}

// InviteInput asks for a person to join the caller's organization.
type InviteInput struct {
	Email    string
	Username string // optional; derived from the email for new users
	FullName string
	Role     auth.Role // default member
}

func (in *InviteInput) normalize() error {
	var f apperr.Fields
	in.Email = user.NormalizeEmail(in.Email)
	if a, err := mail.ParseAddress(in.Email); err != nil || a.Address != in.Email || len(in.Email) > 255 {
		f.Add("email", "must be a valid email address")
	}
	if in.Role == "" {
		in.Role = auth.RoleMember
	}
	if !in.Role.Valid() {
		f.Add("role", "must be org_admin, member or viewer")
	}
	if in.Username != "" && (len(in.Username) < 3 || len(in.Username) > 100) {
		f.Add("username", "must be 3 to 100 characters")
	}
	if len(in.FullName) > 255 {
		f.Add("full_name", "must be at most 255 characters")
	}
	return f.Err()
}

// Invite adds a person to the caller's organization. An existing user gains
// a membership; a new user is created without a usable password and
// receives an invitation email with a link to set one (no temporary
// password exists anywhere).
func (s *Service) Invite(ctx context.Context, sc auth.Scope, in InviteInput) (Member, error) {
	if err := in.normalize(); err != nil {
		return Member{}, err
	}
	var msg *email.Message
	var userID string
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.invite", EntityType: "user"}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		u, err := user.ByEmail(ctx, q, in.Email)
		isNew := errors.Is(err, apperr.NotFound)
		if isNew {
			u, msg, err = s.createInvited(ctx, q, sc, in)
		}
		if err != nil {
			return err
		}
		if _, err := user.MembershipOf(ctx, q, sc.OrgID, u.ID); err == nil {
			return &apperr.Error{Kind: apperr.Conflict, Code: "already_member",
				Detail: "this person is already a member (reactivate a deactivated member instead)",
				Fields: []apperr.FieldError{{Field: "email", Reason: "already a member of this organization"}}}
		}
		userID, e.EntityID = u.ID, u.ID
		e.Details = map[string]any{"email": in.Email, "role": string(in.Role), "new_user": isNew}
		return user.AddMembership(ctx, q, &user.Membership{OrgID: sc.OrgID, UserID: u.ID, Role: string(in.Role),
			IsActive: true, InvitedBy: sc.UserID})
	})
	if err != nil {
		return Member{}, err
	}
	if msg != nil {
		s.send(ctx, *msg)
	}
	return MemberByID(ctx, s.DB, sc.OrgID, userID)
}

// createInvited creates the invited user and the set-password token, and
// returns the invitation email to send once the transaction commits.
func (s *Service) createInvited(ctx context.Context, q db.Querier, sc auth.Scope, in InviteInput) (user.User, *email.Message, error) {
	username, err := s.freeUsername(ctx, q, in)
	if err != nil {
		return user.User{}, nil, err
	}
	// "!" is not a bcrypt hash, so no password matches until one is set.
	u := user.User{Email: in.Email, Username: username, FullName: in.FullName, PasswordHash: "!", IsActive: true}
	if err := user.Create(ctx, q, &u); err != nil {
		return user.User{}, nil, err
	}
	token := auth.RandomToken(32)
	now := db.Now()
	if _, err := q.Exec(ctx, `INSERT INTO user_tokens (id, user_id, purpose, token_hash, expires_at, created_at)
		VALUES (?, ?, 'password_reset', ?, ?, ?)`, db.NewID(), u.ID, auth.Digest(token), now.Add(InvitationExpiry), now); err != nil {
		return user.User{}, nil, err
	}
	o, err := ByID(ctx, q, sc.OrgID)
	if err != nil {
		return user.User{}, nil, err
	}
	link := strings.TrimRight(s.Config.FrontendBaseURL, "/") + "/set-password?token=" + token
	return u, &email.Message{To: u.Email, Subject: "You've been invited to " + o.DisplayName,
		Text: fmt.Sprintf("Hello,\n\nYou have been invited to join %s on Curatore as %s.\n\nSet your password here (the link works for %d days):\n%s\n\nYour username is %s.\n",
			o.DisplayName, in.Role, int(InvitationExpiry.Hours()/24), link, u.Username)}, nil
}

// freeUsername returns the requested username, or one derived from the email
// that nobody has yet.
func (s *Service) freeUsername(ctx context.Context, q db.Querier, in InviteInput) (string, error) {
	if in.Username != "" {
		return in.Username, nil // user.Create reports a taken name as a field conflict
	}
	base := Slugify(strings.SplitN(in.Email, "@", 2)[0])
	if len(base) < 3 {
		base = "user-" + base
	}
	for i := 0; i < 20; i++ {
		candidate := base
		if i > 0 {
			candidate = fmt.Sprintf("%s-%s", base, strings.ToLower(auth.RandomToken(3)))
		}
		if _, err := user.ByUsername(ctx, q, candidate); errors.Is(err, apperr.NotFound) {
			return candidate, nil
		} else if err != nil {
			return "", err
		}
	}
	return "", apperr.Field("username", "could not derive a free username; give one")
}

// send delivers an email; a failure is logged (without the body, which
// holds a token) and does not undo the change that caused it.
func (s *Service) send(ctx context.Context, m email.Message) {
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := s.Mail.Send(sctx, m); err != nil {
		slog.ErrorContext(ctx, "invitation email not sent", "to", m.To, "err", err)
	}
}

// MemberUpdate changes a member; nil fields stay as they are.
type MemberUpdate struct {
	Role     *auth.Role
	FullName *string
}

// UpdateMember changes a member's role or name. An admin cannot change
// their own role, and the last admin cannot be demoted.
func (s *Service) UpdateMember(ctx context.Context, sc auth.Scope, userID string, up MemberUpdate) (Member, error) {
	if up.Role != nil && !up.Role.Valid() {
		return Member{}, apperr.Field("role", "must be org_admin, member or viewer")
	}
	if up.FullName != nil && len(*up.FullName) > 255 {
		return Member{}, apperr.Field("full_name", "must be at most 255 characters")
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.update", EntityType: "user", EntityID: userID}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		m, err := MemberByID(ctx, q, sc.OrgID, userID)
		if err != nil {
			return err
		}
		changes := map[string]any{}
		if up.Role != nil && *up.Role != m.Role {
			if err := s.guardAdminLoss(ctx, q, sc, m, "change your own role"); err != nil {
				return err
			}
			changes["role"] = map[string]any{"from": string(m.Role), "to": string(*up.Role)}
			if err := SaveMembership(ctx, q, sc.OrgID, userID, *up.Role, m.IsActive); err != nil {
				return err
			}
		}
		if up.FullName != nil && *up.FullName != m.FullName {
			changes["full_name"] = map[string]any{"from": m.FullName, "to": *up.FullName}
			if _, err := q.Exec(ctx, "UPDATE users SET full_name = ?, updated_at = ? WHERE id = ?", *up.FullName, db.Now(), userID); err != nil {
				return err
			}
		}
		e.Details = map[string]any{"changes": changes}
		return nil
	})
	if err != nil {
		return Member{}, err
	}
	return MemberByID(ctx, s.DB, sc.OrgID, userID)
}

// guardAdminLoss refuses changes that would take away the caller's own
// admin rights or leave the organization with no active admin.
func (s *Service) guardAdminLoss(ctx context.Context, q db.Querier, sc auth.Scope, m Member, selfAction string) error {
	if m.ID == sc.UserID {
		return apperr.New(apperr.Conflict, "cannot_modify_self", "you cannot "+selfAction+"; ask another admin")
	}
	if m.Role != auth.RoleAdmin || !m.IsActive {
		return nil
	}
	n, err := ActiveAdmins(ctx, q, sc.OrgID)
	if err != nil {
		return err
	}
	if n <= 1 {
		return apperr.New(apperr.Conflict, "last_admin", "the organization's last admin cannot be removed or demoted")
	}
	return nil
}

// SetMemberActive deactivates or reactivates a membership. Deactivated
// members (and their API keys) stop authenticating in this organization.
func (s *Service) SetMemberActive(ctx context.Context, sc auth.Scope, userID string, active bool) (Member, error) {
	action := "user.deactivate"
	if active {
		action = "user.reactivate"
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: action, EntityType: "user", EntityID: userID}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		m, err := MemberByID(ctx, q, sc.OrgID, userID)
		if err != nil {
			return err
		}
		if m.IsActive == active {
			state := "inactive"
			if active {
				state = "active"
			}
			return apperr.New(apperr.Conflict, "already_"+state, "the member is already "+state)
		}
		if !active {
			if err := s.guardAdminLoss(ctx, q, sc, m, "deactivate yourself"); err != nil {
				return err
			}
		}
		return SaveMembership(ctx, q, sc.OrgID, userID, m.Role, active)
	})
	if err != nil {
		return Member{}, err
	}
	return MemberByID(ctx, s.DB, sc.OrgID, userID)
}
