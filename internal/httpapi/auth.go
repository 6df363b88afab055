package httpapi

import (
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/user"
)

// UserProfile is a user as the API shows it, with the role in the active
// organization (field names as the reference).
type UserProfile struct {
	ID             string     `json:"id"`
	Email          string     `json:"email"`
	Username       string     `json:"username"`
	FullName       *string    `json:"full_name"`
	Role           string     `json:"role"`
	IsActive       bool       `json:"is_active"`
	IsVerified     bool       `json:"is_verified"`
	OrganizationID string     `json:"organization_id"`
	CreatedAt      time.Time  `json:"created_at"`
	LastLoginAt    *time.Time `json:"last_login_at"`
}

// MeResponse is the caller's profile plus the active organization.
type MeResponse struct {
	UserProfile
	OrganizationName        string          `json:"organization_name"`
	OrganizationDisplayName string          `json:"organization_display_name"`
	OrganizationSlug        string          `json:"organization_slug"`
	IsSystemAdmin           bool            `json:"is_system_admin"`
	AuthMethod              string          `json:"auth_method"`
	Organizations           []OrgMembership `json:"organizations"`
}

// OrgMembership is one organization the caller can switch to.
type OrgMembership struct {
	ID       string `json:"id"`
	Name     string `json:"name"`
	Slug     string `json:"slug"`
	Role     string `json:"role"`
	IsActive bool   `json:"is_active"`
}

// TokenResponse is a new token pair.
type TokenResponse struct {
	AccessToken  string      `json:"access_token"`
	RefreshToken string      `json:"refresh_token"`
	TokenType    string      `json:"token_type"`
	ExpiresIn    int         `json:"expires_in"`
	User         UserProfile `json:"user"`
}

// LoginRequest signs in; organization_id (an id or a slug) or
// organization_slug picks the active organization.
type LoginRequest struct {
	EmailOrUsername  string `json:"email_or_username"`
	Password         string `json:"password"`
	OrganizationID   string `json:"organization_id,omitempty"`
	OrganizationSlug string `json:"organization_slug,omitempty"`
}

// RefreshRequest trades a refresh token for a new pair.
type RefreshRequest struct {
	RefreshToken string `json:"refresh_token"`
}

// SwitchOrgRequest names the organization (id or slug) to switch to.
type SwitchOrgRequest struct {
	OrganizationID string `json:"organization_id"`
}

// MessageResponse is a plain confirmation.
type MessageResponse struct {
	Message string `json:"message"`
}

func profile(id auth.Identity) UserProfile {
	u, m := id.User, id.Membership
	p := UserProfile{ID: u.ID, Email: u.Email, Username: u.Username, Role: m.Role, IsActive: u.IsActive,
		IsVerified: u.IsVerified, OrganizationID: m.OrgID, CreatedAt: u.CreatedAt, LastLoginAt: u.LastLoginAt}
	if u.FullName != "" {
		name := u.FullName
		p.FullName = &name
	}
	return p
}

func tokenResponse(t auth.Tokens) TokenResponse {
	return TokenResponse{AccessToken: t.AccessToken, RefreshToken: t.RefreshToken, TokenType: "bearer",
		ExpiresIn: t.ExpiresIn, User: profile(t.Identity)}
}

func (s *Server) authRoutes() []Route {
	svc := s.deps.AuthService
	if svc == nil {
		return nil
	}
	return append([]Route{
		{Method: "POST", Path: "/api/v1/auth/login", Tag: "auth", Access: Public, Summary: "Sign in with email or username and password",
			Body: LoginRequest{}, Resp: TokenResponse{}, Handle: s.login},
		{Method: "POST", Path: "/api/v1/auth/refresh", Tag: "auth", Access: Public, Summary: "Trade a refresh token for a new pair (single use)",
			Body: RefreshRequest{}, Resp: TokenResponse{}, Handle: s.refresh},
		{Method: "POST", Path: "/api/v1/auth/logout", Tag: "auth", Access: Authenticated, Summary: "Revoke the current session",
			Resp: MessageResponse{}, Handle: s.logout},
		{Method: "POST", Path: "/api/v1/auth/logout-all", Tag: "auth", Access: Authenticated, Summary: "Revoke every session of the caller",
			Resp: MessageResponse{}, Handle: s.logoutAll},
		{Method: "GET", Path: "/api/v1/auth/me", Tag: "auth", Access: Authenticated, Summary: "The caller's profile, active organization and role",
			Resp: MeResponse{}, Handle: s.me},
		{Method: "POST", Path: "/api/v1/auth/switch-organization", Tag: "auth", Access: Authenticated,
			Summary: "Make another of the caller's organizations active; returns a new pair", Body: SwitchOrgRequest{},
			Resp: TokenResponse{}, Handle: s.switchOrg},
	}, s.accountRoutes()...)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) error {
	var in LoginRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	org := in.OrganizationID
	if org == "" {
		org = in.OrganizationSlug
	}
	t, err := s.deps.AuthService.Login(r.Context(), auth.LoginInput{Login: in.EmailOrUsername, Password: in.Password, Org: org})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse(t))
	return nil
}

func (s *Server) refresh(w http.ResponseWriter, r *http.Request) error {
	var in RefreshRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.deps.AuthService.Refresh(r.Context(), in.RefreshToken)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse(t))
	return nil
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) error {
	sc := callerScope(r)
	if err := s.deps.AuthService.Logout(r.Context(), sc); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MessageResponse{Message: "Logout successful; the session is revoked."})
	return nil
}

func (s *Server) logoutAll(w http.ResponseWriter, r *http.Request) error {
	sc := callerScope(r)
	if _, err := s.deps.AuthService.LogoutAll(r.Context(), sc); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MessageResponse{Message: "Every session of your account is revoked."})
	return nil
}

func (s *Server) me(w http.ResponseWriter, r *http.Request) error {
	sc := callerScope(r)
	id, ms, err := s.deps.AuthService.Me(r.Context(), sc)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, meResponse(sc, id, ms))
	return nil
}

func meResponse(sc auth.Scope, id auth.Identity, ms []user.Membership) MeResponse {
	out := MeResponse{UserProfile: profile(id), OrganizationName: id.Membership.OrgName,
		OrganizationDisplayName: id.Membership.OrgDisplayName, OrganizationSlug: id.Membership.OrgSlug,
		IsSystemAdmin: sc.SystemAdmin, AuthMethod: string(sc.Method), Organizations: []OrgMembership{}}
	out.Role, out.OrganizationID = string(sc.Role), sc.OrgID
	for _, m := range ms {
		out.Organizations = append(out.Organizations, OrgMembership{ID: m.OrgID, Name: m.OrgName, Slug: m.OrgSlug,
			Role: m.Role, IsActive: m.IsActive && m.OrgIsActive})
	}
	return out
}

func (s *Server) switchOrg(w http.ResponseWriter, r *http.Request) error {
	var in SwitchOrgRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	sc := callerScope(r)
	t, err := s.deps.AuthService.SwitchOrganization(r.Context(), sc, in.OrganizationID)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, tokenResponse(t))
	return nil
}
