package httpapi

import (
	"net/http"

	"github.com/curatore/curatore/internal/auth"
)

// SetupStatusResponse says whether the server still needs its first
// administrator and whether the given setup token is usable.
type SetupStatusResponse struct {
	SetupRequired bool `json:"setup_required"`
	TokenValid    bool `json:"token_valid"`
}

// SetupRequest creates the first administrator with the one-time token
// that the server logged at start-up.
type SetupRequest struct {
	Token    string `json:"token"`
	Email    string `json:"email"`
	Username string `json:"username"`
	Password string `json:"password" doc:"8 to 72 bytes"`
	FullName string `json:"full_name,omitempty"`
}

func (s *Server) setupRoutes() []Route {
	if s.deps.AuthService == nil {
		return nil
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/setup", Tag: "auth", Access: Public,
			Summary: "Whether the server needs its first administrator, and whether ?token= (from the start-up log) is usable",
			Resp:    SetupStatusResponse{}, Handle: s.setupStatus},
		{Method: "POST", Path: "/api/v1/setup", Tag: "auth", Access: Public, Status: http.StatusCreated,
			Summary: "Create the first administrator (system administrator, default organization) with the one-time setup token; signs in",
			Body:    SetupRequest{}, Resp: TokenResponse{}, Handle: s.completeSetup},
	}
}

func (s *Server) setupStatus(w http.ResponseWriter, r *http.Request) error {
	st, err := s.deps.AuthService.SetupStatus(r.Context(), params(r).str("token"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, SetupStatusResponse{SetupRequired: st.Required, TokenValid: st.TokenValid})
	return nil
}

func (s *Server) completeSetup(w http.ResponseWriter, r *http.Request) error {
	var in SetupRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	t, err := s.deps.AuthService.CompleteSetup(r.Context(), auth.SetupInput{Token: in.Token, Email: in.Email,
		Username: in.Username, Password: in.Password, FullName: in.FullName})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, tokenResponse(t))
	return nil
}
