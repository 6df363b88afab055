package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/org"
)

// MemberResponse is a user as their organization's admins see them (the
// reference's User shape; is_active is the membership's state).
type MemberResponse struct {
	ID          string     `json:"id"`
	Email       string     `json:"email"`
	Username    string     `json:"username"`
	FullName    string     `json:"full_name"`
	Role        string     `json:"role"`
	IsActive    bool       `json:"is_active"`
	IsVerified  bool       `json:"is_verified"`
	CreatedAt   time.Time  `json:"created_at"`
	LastLoginAt *time.Time `json:"last_login_at"`
}

func memberResponse(m org.Member) MemberResponse {
	return MemberResponse{ID: m.ID, Email: m.Email, Username: m.Username, FullName: m.FullName, Role: string(m.Role),
		IsActive: m.IsActive, IsVerified: m.IsVerified, CreatedAt: m.CreatedAt, LastLoginAt: m.LastLoginAt}
}

// MemberListResponse is a page of members.
type MemberListResponse struct {
	Users []MemberResponse `json:"users"`
	Total int              `json:"total"`
}

// InviteRequest invites a person by email.
type InviteRequest struct {
	Email string `json:"email"`
	Role  string `json:"role,omitempty" doc:"org_admin, member (default) or viewer"`
}

// MemberUpdateRequest changes a member's role. full_name is refused: a
// person's name is their own profile (PUT /api/v1/users/me).
type MemberUpdateRequest struct {
	Role     *string `json:"role,omitempty"`
	FullName *string `json:"full_name,omitempty" doc:"not accepted: the name is the user's own profile"`
}

func (s *Server) memberRoutes() []Route {
	const base = "/api/v1/organizations/me/users"
	return []Route{
		{Method: "GET", Path: base, Tag: "users", Access: Admin,
			Summary: "List the organization's members (filters: is_active, role, q; skip, limit ≤ 1000)", Resp: MemberListResponse{}, Handle: s.listMembers},
		{Method: "POST", Path: base, Tag: "users", Access: Admin, Status: http.StatusCreated,
			Summary: "Invite by email: a pending invitation whose emailed link grants the membership when accepted", Body: InviteRequest{}, Resp: InvitationResponse{}, Handle: s.inviteMember},
		{Method: "GET", Path: base + "/{id}", Tag: "users", Access: Admin,
			Summary: "Get a member", Resp: MemberResponse{}, Handle: s.getMember},
		{Method: "PUT", Path: base + "/{id}", Tag: "users", Access: Admin,
			Summary: "Change a member's role", Body: MemberUpdateRequest{}, Resp: MemberResponse{}, Handle: s.updateMember},
		{Method: "DELETE", Path: base + "/{id}", Tag: "users", Access: Admin, Status: http.StatusNoContent,
			Summary: "Deactivate a membership", Handle: s.deactivateMember},
		{Method: "POST", Path: base + "/{id}/reactivate", Tag: "users", Access: Admin,
			Summary: "Reactivate a membership", Resp: MemberResponse{}, Handle: s.reactivateMember},
	}
}

func (s *Server) listMembers(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	skip, limit := p.page()
	f := org.MemberFilter{IsActive: p.boolean("is_active"), Role: auth.Role(p.str("role")), Q: p.str("q"), Skip: skip, Limit: limit}
	if f.Role != "" && !f.Role.Valid() {
		p.fields.Add("role", "must be org_admin, member or viewer")
	}
	if err := p.err(); err != nil {
		return err
	}
	members, total, err := s.deps.Orgs.Members(r.Context(), callerScope(r), f)
	if err != nil {
		return err
	}
	out := MemberListResponse{Users: make([]MemberResponse, len(members)), Total: total}
	for i, m := range members {
		out.Users[i] = memberResponse(m)
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) inviteMember(w http.ResponseWriter, r *http.Request) error {
	var req InviteRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	inv, err := s.deps.Orgs.Invite(r.Context(), callerScope(r), org.InviteInput{Email: req.Email, Role: auth.Role(req.Role)})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, invitationResponse(inv))
	return nil
}

func (s *Server) getMember(w http.ResponseWriter, r *http.Request) error {
	m, err := s.deps.Orgs.Member(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, memberResponse(m))
	return nil
}

func (s *Server) updateMember(w http.ResponseWriter, r *http.Request) error {
	var req MemberUpdateRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if req.FullName != nil {
		return apperr.Field("full_name", "is the user's own profile; they change it with PUT /api/v1/users/me")
	}
	var up org.MemberUpdate
	if req.Role != nil {
		role := auth.Role(*req.Role)
		up.Role = &role
	}
	m, err := s.deps.Orgs.UpdateMember(r.Context(), callerScope(r), r.PathValue("id"), up)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, memberResponse(m))
	return nil
}

func (s *Server) deactivateMember(w http.ResponseWriter, r *http.Request) error {
	if _, err := s.deps.Orgs.SetMemberActive(r.Context(), callerScope(r), r.PathValue("id"), false); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) reactivateMember(w http.ResponseWriter, r *http.Request) error {
	m, err := s.deps.Orgs.SetMemberActive(r.Context(), callerScope(r), r.PathValue("id"), true)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, memberResponse(m))
	return nil
}
