package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/org"
)

// InvitationResponse is an invitation as its organization's admins see it.
// It says nothing about whether the address has an account.
type InvitationResponse struct {
	ID        string    `json:"id"`
	Email     string    `json:"email"`
	Role      string    `json:"role"`
	Status    string    `json:"status" doc:"pending, accepted, revoked or expired"`
	InvitedBy string    `json:"invited_by,omitempty"`
	ExpiresAt time.Time `json:"expires_at"`
	CreatedAt time.Time `json:"created_at"`
}

func invitationResponse(i org.Invitation) InvitationResponse {
	return InvitationResponse{ID: i.ID, Email: i.Email, Role: string(i.Role), Status: i.Status(time.Now()),
		InvitedBy: i.InvitedBy, ExpiresAt: i.ExpiresAt, CreatedAt: i.CreatedAt}
}

// InvitationListResponse is a page of invitations.
type InvitationListResponse struct {
	Invitations []InvitationResponse `json:"invitations"`
	Total       int                  `json:"total"`
}

// InvitationDetails is what the holder of an invitation link sees.
type InvitationDetails struct {
	OrganizationName string    `json:"organization_name"`
	Email            string    `json:"email"`
	Role             string    `json:"role"`
	ExpiresAt        time.Time `json:"expires_at"`
	NeedsPassword    bool      `json:"needs_password" doc:"accepting must set a password (new or never-verified account)"`
}

// AcceptInvitationRequest accepts an invitation.
type AcceptInvitationRequest struct {
	Token    string `json:"token"`
	Password string `json:"password,omitempty" doc:"required when needs_password; 8 to 72 bytes"`
	Username string `json:"username,omitempty" doc:"for a new account; derived from the email when omitted"`
	FullName string `json:"full_name,omitempty" doc:"for a new account"`
}

// AcceptedInvitation is the membership an accepted invitation created.
type AcceptedInvitation struct {
	OrganizationID   string `json:"organization_id"`
	OrganizationName string `json:"organization_name"`
	Role             string `json:"role"`
	Email            string `json:"email"`
	UserID           string `json:"user_id"`
}

func (s *Server) invitationRoutes() []Route {
	if s.deps.Orgs == nil {
		return nil
	}
	const base = "/api/v1/organizations/me/invitations"
	return []Route{
		{Method: "GET", Path: base, Tag: "users", Access: Admin,
			Summary: "List the organization's invitations (status=pending (default) or all; skip, limit)",
			Resp:    InvitationListResponse{}, Handle: s.listInvitations},
		{Method: "DELETE", Path: base + "/{id}", Tag: "users", Access: Admin, Status: http.StatusNoContent,
			Summary: "Revoke a pending invitation (its link stops working)", Handle: s.revokeInvitation},
		{Method: "GET", Path: "/api/v1/invitations/{token}", Tag: "users", Access: Public,
			Summary: "What an invitation link offers: organization, role, whether a password must be set",
			Resp:    InvitationDetails{}, Handle: s.showInvitation},
		{Method: "POST", Path: "/api/v1/invitations/accept", Tag: "users", Access: Public,
			Summary: "Accept an invitation with the emailed token (sets a password for a new or never-verified account)",
			Body:    AcceptInvitationRequest{}, Resp: AcceptedInvitation{}, Handle: s.acceptInvitation},
	}
}

func (s *Server) listInvitations(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	skip, limit := p.page()
	f := org.InvitationFilter{PendingOnly: true, Skip: skip, Limit: limit}
	switch p.str("status") {
	case "", "pending":
	case "all":
		f.PendingOnly = false
	default:
		p.fields.Add("status", "must be pending or all")
	}
	if err := p.err(); err != nil {
		return err
	}
	invs, total, err := s.deps.Orgs.Invitations(r.Context(), callerScope(r), f)
	if err != nil {
		return err
	}
	out := InvitationListResponse{Invitations: make([]InvitationResponse, len(invs)), Total: total}
	for i, inv := range invs {
		out.Invitations[i] = invitationResponse(inv)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) revokeInvitation(w http.ResponseWriter, r *http.Request) error {
	if err := s.deps.Orgs.RevokeInvitation(r.Context(), callerScope(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) showInvitation(w http.ResponseWriter, r *http.Request) error {
	v, err := s.deps.Orgs.PeekInvitation(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, InvitationDetails{OrganizationName: v.OrgDisplayName, Email: v.Email, Role: string(v.Role),
		ExpiresAt: v.ExpiresAt, NeedsPassword: v.NeedsPassword})
	return nil
}

func (s *Server) acceptInvitation(w http.ResponseWriter, r *http.Request) error {
	var req AcceptInvitationRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.Token == "" {
		return apperr.Field("token", "is required")
	}
	a, err := s.deps.Orgs.AcceptInvitation(r.Context(), org.AcceptInput{Token: req.Token, Password: req.Password,
		Username: req.Username, FullName: req.FullName})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, AcceptedInvitation{OrganizationID: a.View.OrgID, OrganizationName: a.View.OrgDisplayName,
		Role: string(a.View.Role), Email: a.View.Email, UserID: a.UserID})
	return nil
}
