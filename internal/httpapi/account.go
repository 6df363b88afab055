package httpapi

import (
	"net/http"

	"github.com/curatore/curatore/internal/auth"
)

// RegisterRequest is an open sign-up (ALLOW_REGISTRATION=true): it creates
// the user and a new organization (organization_name) they administer.
// organization_id is refused: joining an existing organization needs an
// invitation.
type RegisterRequest struct {
	Email            string `json:"email"`
	Username         string `json:"username"`
	Password         string `json:"password"`
	FullName         string `json:"full_name,omitempty"`
	OrganizationID   string `json:"organization_id,omitempty"`
	OrganizationName string `json:"organization_name,omitempty"`
}

// TokenRequest carries an emailed token.
type TokenRequest struct {
	Token string `json:"token"`
}

// EmailRequest names an address.
type EmailRequest struct {
	Email string `json:"email"`
}

// ResetPasswordRequest sets a new password with a reset token.
type ResetPasswordRequest struct {
	Token       string `json:"token"`
	NewPassword string `json:"new_password"`
}

// ResetTokenStatus says whether a reset token is usable.
type ResetTokenStatus struct {
	Valid bool    `json:"valid"`
	Email *string `json:"email"`
}

func (s *Server) accountRoutes() []Route {
	return []Route{
		{Method: "POST", Path: "/api/v1/auth/register", Tag: "auth", Access: Public, Status: http.StatusCreated,
			Summary: "Open sign-up (only with ALLOW_REGISTRATION=true): a new user and organization",
			Body:    RegisterRequest{}, Resp: UserProfile{}, Handle: s.register},
		{Method: "POST", Path: "/api/v1/auth/verify-email", Tag: "auth", Access: Public, Summary: "Confirm an email address with the emailed token",
			Body: TokenRequest{}, Resp: UserProfile{}, Handle: s.verifyEmail},
		{Method: "POST", Path: "/api/v1/auth/resend-verification", Tag: "auth", Access: Public,
			Summary: "Send a new verification link (same answer whether or not the address exists)",
			Body:    EmailRequest{}, Resp: MessageResponse{}, Handle: s.resendVerification},
		{Method: "POST", Path: "/api/v1/auth/forgot-password", Tag: "auth", Access: Public,
			Summary: "Send a password-reset link (same answer whether or not the address exists)",
			Body:    EmailRequest{}, Resp: MessageResponse{}, Handle: s.forgotPassword},
		{Method: "GET", Path: "/api/v1/auth/validate-reset-token/{token}", Tag: "auth", Access: Public,
			Summary: "Whether a reset token is usable (does not spend it)", Resp: ResetTokenStatus{}, Handle: s.validateResetToken},
		{Method: "POST", Path: "/api/v1/auth/reset-password", Tag: "auth", Access: Public,
			Summary: "Set a new password with a reset token; ends every session", Body: ResetPasswordRequest{},
			Resp: MessageResponse{}, Handle: s.resetPassword},
	}
}

func (s *Server) register(w http.ResponseWriter, r *http.Request) error {
	var in RegisterRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := s.deps.AuthService.Register(r.Context(), auth.RegisterInput{Email: in.Email, Username: in.Username,
		Password: in.Password, FullName: in.FullName, OrganizationID: in.OrganizationID, OrganizationName: in.OrganizationName})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, profile(id))
	return nil
}

func (s *Server) verifyEmail(w http.ResponseWriter, r *http.Request) error {
	var in TokenRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	id, err := s.deps.AuthService.VerifyEmail(r.Context(), in.Token)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, profile(id))
	return nil
}

func (s *Server) resendVerification(w http.ResponseWriter, r *http.Request) error {
	var in EmailRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	msg, err := s.deps.AuthService.ResendVerification(r.Context(), in.Email)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MessageResponse{Message: msg})
	return nil
}

func (s *Server) forgotPassword(w http.ResponseWriter, r *http.Request) error {
	var in EmailRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	msg, err := s.deps.AuthService.ForgotPassword(r.Context(), in.Email)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MessageResponse{Message: msg})
	return nil
}

func (s *Server) validateResetToken(w http.ResponseWriter, r *http.Request) error {
	ok, addr, err := s.deps.AuthService.ValidateResetToken(r.Context(), r.PathValue("token"))
	if err != nil {
		return err
	}
	out := ResetTokenStatus{Valid: ok}
	if ok {
		out.Email = &addr
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) resetPassword(w http.ResponseWriter, r *http.Request) error {
	var in ResetPasswordRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	if err := s.deps.AuthService.ResetPassword(r.Context(), in.Token, in.NewPassword); err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, MessageResponse{Message: "Your password has been reset; every session was signed out."})
	return nil
}
