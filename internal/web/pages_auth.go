package web

import (
	"errors"
	"net/http"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
)

// authRoutes are signing in and out, the emailed links (verify, reset, set
// a password from an invitation) and switching organization.
func (u *UI) authRoutes() {
	u.page("GET /login", public, u.loginPage)
	u.page("POST /login", public, u.login)
	u.page("POST /logout", public, u.logout)
	u.page("GET /forgot-password", public, u.forgotPage)
	u.page("POST /forgot-password", public, u.forgot)
	u.page("GET /reset-password", public, u.resetPage)
	u.page("POST /reset-password", public, u.reset)
	u.page("GET /set-password", public, u.resetPage)
	u.page("POST /set-password", public, u.reset)
	u.page("GET /verify-email", public, u.verifyPage)
	u.page("POST /verify-email", public, u.verify)
	u.page("POST /switch-organization", signedIn, u.switchOrg)
	u.joinRoutes()
}

func (u *UI) loginPage(w http.ResponseWriter, r *http.Request, v *View) error {
	if v.SignedIn && v.Scope.Method == auth.MethodJWT {
		return u.redirect(w, r, safeNext(r.URL.Query().Get("next")), "")
	}
	v.Title = "Sign in"
	v.Form.Set("next", r.URL.Query().Get("next"))
	u.render(w, r, "login", v)
	return nil
}

func (u *UI) login(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title = "Sign in"
	v.Form = formValues(r, "login", "next")
	t, err := u.deps.Auth.Login(r.Context(), auth.LoginInput{Login: r.PostFormValue("login"), Password: r.PostFormValue("password")})
	if err != nil {
		v.SetError(err)
		u.render(w, r, "login", v)
		return nil
	}
	u.setSession(w, r, t)
	return u.redirect(w, r, safeNext(r.PostFormValue("next")), "")
}

// logout revokes the session in the store (the API's tokens of this session
// stop working too) and clears the cookies.
func (u *UI) logout(w http.ResponseWriter, r *http.Request, v *View) error {
	if v.SignedIn && v.Scope.SessionID != "" {
		if err := u.deps.Auth.Logout(r.Context(), v.Scope); err != nil && !errors.Is(err, apperr.Unauthenticated) {
			return err
		}
	}
	u.clearSession(w, r)
	return u.redirect(w, r, "/login", "You are signed out.")
}

func (u *UI) forgotPage(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title = "Forgot password"
	u.render(w, r, "forgot", v)
	return nil
}

func (u *UI) forgot(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title = "Forgot password"
	v.Form = formValues(r, "email")
	if strings.TrimSpace(r.PostFormValue("email")) == "" {
		v.Fields = map[string]string{"email": "Enter the email address of your account."}
		v.Status = http.StatusUnprocessableEntity
		u.render(w, r, "forgot", v)
		return nil
	}
	msg, err := u.deps.Auth.ForgotPassword(r.Context(), r.PostFormValue("email"))
	if err != nil {
		v.SetError(err)
		u.render(w, r, "forgot", v)
		return nil
	}
	return u.redirect(w, r, "/login", msg)
}

// resetPage serves both the password-reset link and the invitation's
// set-password link: both carry a single-use token for the account.
func (u *UI) resetPage(w http.ResponseWriter, r *http.Request, v *View) error {
	token := r.URL.Query().Get("token")
	v.Title = "Choose a password"
	v.Form.Set("token", token)
	ok, address, err := u.deps.Auth.ValidateResetToken(r.Context(), token)
	if err != nil {
		return err
	}
	if !ok {
		v.Error = "This link is invalid, has expired or was already used. Ask for a new one."
		v.Status = http.StatusBadRequest
	}
	v.Data = address
	u.render(w, r, "reset", v)
	return nil
}

func (u *UI) reset(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title = "Choose a password"
	v.Form = formValues(r, "token")
	pw := r.PostFormValue("new_password")
	if pw != r.PostFormValue("confirm_password") {
		v.Fields = map[string]string{"confirm_password": "The two passwords differ."}
		v.Status = http.StatusUnprocessableEntity
		u.render(w, r, "reset", v)
		return nil
	}
	if err := u.deps.Auth.ResetPassword(r.Context(), r.PostFormValue("token"), pw); err != nil {
		v.SetError(err)
		u.render(w, r, "reset", v)
		return nil
	}
	u.clearSession(w, r)
	return u.redirect(w, r, "/login", "Your password is set. Sign in with it.")
}

// verifyPage shows a button: the emailed link is a GET, and a GET must not
// change anything (mail scanners open links), so the POST confirms.
func (u *UI) verifyPage(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title = "Verify your email"
	v.Form.Set("token", r.URL.Query().Get("token"))
	u.render(w, r, "verify", v)
	return nil
}

func (u *UI) verify(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title = "Verify your email"
	v.Form = formValues(r, "token")
	if _, err := u.deps.Auth.VerifyEmail(r.Context(), r.PostFormValue("token")); err != nil {
		v.SetError(err)
		u.render(w, r, "verify", v)
		return nil
	}
	target := "/login"
	if v.SignedIn {
		target = "/"
	}
	return u.redirect(w, r, target, "Your email address is verified.")
}

// switchOrg moves the browser session to another organization.
func (u *UI) switchOrg(w http.ResponseWriter, r *http.Request, v *View) error {
	if v.Scope.SessionID == "" {
		return apperr.New(apperr.Invalid, "no_session", "sign in with a password to switch organization")
	}
	t, err := u.deps.Auth.SwitchOrganization(r.Context(), v.Scope, r.PostFormValue("organization_id"))
	if err != nil {
		return err
	}
	u.setSession(w, r, t)
	name := t.Identity.Membership.OrgDisplayName
	if name == "" {
		name = t.Identity.Membership.OrgName
	}
	return u.redirect(w, r, "/", "You are now working in "+name+".")
}

// formValues copies the named fields of a submitted form (never passwords),
// to fill the form again after an error.
func formValues(r *http.Request, names ...string) map[string][]string {
	out := map[string][]string{}
	for _, n := range names {
		if v := r.PostFormValue(n); v != "" {
			out[n] = []string{v}
		}
	}
	return out
}
