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

// InviteInput asks for a person to join the caller's organization.
type InviteInput struct {
	Email string
	Role  auth.Role // default member
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
	return f.Err()
}

// Invite emails a person a link to join the caller's organization with a
// role. Nothing is granted until they accept (AcceptInvitation): an
// address someone else registered cannot take the membership. The answer
// is the same whether or not the address has an account, and an earlier
// pending invitation of the address is replaced.
func (s *Service) Invite(ctx context.Context, sc auth.Scope, in InviteInput) (Invitation, error) {
	if err := auth.RequireIdentified(sc); err != nil {
		return Invitation{}, err
	}
	if err := in.normalize(); err != nil {
		return Invitation{}, err
	}
	now := db.Now()
	inv := Invitation{ID: db.NewID(), OrgID: sc.OrgID, Email: in.Email, Role: in.Role, InvitedBy: sc.UserID,
		ExpiresAt: now.Add(InvitationExpiry), CreatedAt: now}
	token := auth.RandomToken(32)
	var o Organization
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.invite", EntityType: "invitation", EntityID: inv.ID,
		Details: map[string]any{"email": in.Email, "role": string(in.Role)}}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		var err error
		if o, err = ByID(ctx, q, sc.OrgID); err != nil {
			return err
		}
		if u, err := user.ByEmail(ctx, q, in.Email); err == nil {
			if _, err := user.MembershipOf(ctx, q, sc.OrgID, u.ID); err == nil {
				return &apperr.Error{Kind: apperr.Conflict, Code: "already_member",
					Detail: "this person is already a member (reactivate a deactivated member instead)",
					Fields: []apperr.FieldError{{Field: "email", Reason: "already a member of this organization"}}}
			}
		} else if !errors.Is(err, apperr.NotFound) {
			return err
		}
		return insertInvitation(ctx, q, inv, token)
	})
	if err != nil {
		return Invitation{}, err
	}
	link := strings.TrimRight(s.Config.FrontendBaseURL, "/") + "/accept-invitation?token=" + token
	s.send(ctx, email.Message{To: inv.Email, Subject: "You've been invited to " + o.DisplayName,
		Text: fmt.Sprintf("Hello,\n\nYou have been invited to join %s on Curatore as %s.\n\nAccept the invitation here (the link works for %d days):\n%s\n\nIf you did not expect this, ignore this message.\n",
			o.DisplayName, inv.Role, int(InvitationExpiry.Hours()/24), link)})
	return inv, nil
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

// Invitations lists the caller's organization's invitations.
func (s *Service) Invitations(ctx context.Context, sc auth.Scope, f InvitationFilter) ([]Invitation, int, error) {
	return ListInvitations(ctx, s.DB, sc.OrgID, f, db.Now())
}

// RevokeInvitation withdraws a pending invitation of the caller's
// organization; its link stops working.
func (s *Service) RevokeInvitation(ctx context.Context, sc auth.Scope, id string) error {
	if err := auth.RequireIdentified(sc); err != nil {
		return err
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.invitation_revoke", EntityType: "invitation", EntityID: id}
	return audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		inv, err := InvitationByID(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		if st := inv.Status(db.Now()); st != InvitationPending {
			return apperr.New(apperr.Conflict, "invitation_"+st, "the invitation is "+st)
		}
		e.Details = map[string]any{"email": inv.Email, "role": string(inv.Role)}
		_, err = q.Exec(ctx, `UPDATE invitations SET revoked_at = ? WHERE org_id = ? AND id = ?`, db.Now(), sc.OrgID, id)
		return err
	})
}
