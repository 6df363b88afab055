package httpapi

import (
	"net/http"

	"github.com/curatore/curatore/internal/auth"
)

// ProfileUpdateRequest changes the caller's own profile.
type ProfileUpdateRequest struct {
	FullName *string `json:"full_name,omitempty"`
	Username *string `json:"username,omitempty"`
}

// PasswordChangeRequest sets a new password.
type PasswordChangeRequest struct {
	CurrentPassword string `json:"current_password"`
	NewPassword     string `json:"new_password" doc:"8 to 72 bytes"`
}

func (s *Server) profileRoutes() []Route {
	if s.deps.AuthService == nil {
		return nil
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/users/me", Tag: "users", Access: Authenticated,
			Summary: "The caller's own profile", Resp: UserProfile{}, Handle: s.getProfile},
		{Method: "PUT", Path: "/api/v1/users/me", Tag: "users", Access: Authenticated,
			Summary: "Change the caller's name or username", Body: ProfileUpdateRequest{}, Resp: UserProfile{}, Handle: s.updateProfile},
		{Method: "POST", Path: "/api/v1/users/me/password", Tag: "users", Access: Authenticated,
			Summary: "Change the caller's password (current one required); other sessions are revoked",
			Body:    PasswordChangeRequest{}, Resp: MessageResponse{}, Handle: s.changePassword},
	}
}

func (s *Server) getProfile(w http.ResponseWriter, r *http.Request) error {
	id, _, err := s.deps.AuthService.Me(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, profile(id))
	return nil
}

func (s *Server) updateProfile(w http.ResponseWriter, r *http.Request) error {
	var req ProfileUpdateRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	id, err := s.deps.AuthService.UpdateProfile(r.Context(), callerScope(r), auth.ProfileUpdate{FullName: req.FullName, Username: req.Username})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, profile(id))
	return nil
}

func (s *Server) changePassword(w http.ResponseWriter, r *http.Request) error {
	var req PasswordChangeRequest
	if err := DecodeJSON(w, r, &req); err != nil {
		return err
	}
	if err := s.deps.AuthService.ChangePassword(r.Context(), callerScope(r), req.CurrentPassword, req.NewPassword); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MessageResponse{Message: "Password changed; your other sessions are signed out."})
	return nil
}
