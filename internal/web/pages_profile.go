package web

import (
	"net/http"
	"strconv"

	"github.com/curatore/curatore/internal/auth"
)

func (u *UI) profileRoutes() {
	u.page("GET /profile", signedIn, u.profilePage)
	u.page("POST /profile", signedIn, u.updateProfile)
	u.page("POST /profile/password", signedIn, u.changePassword)
	u.page("POST /logout-all", signedIn, u.logoutAll)
}

func (u *UI) profilePage(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title, v.Section = "Your profile", "profile"
	if len(v.Form) == 0 {
		v.Form.Set("full_name", v.User.FullName)
		v.Form.Set("username", v.User.Username)
	}
	u.render(w, r, "profile", v)
	return nil
}

func (u *UI) updateProfile(w http.ResponseWriter, r *http.Request, v *View) error {
	name, username := r.PostFormValue("full_name"), r.PostFormValue("username")
	if _, err := u.deps.Auth.UpdateProfile(r.Context(), v.Scope, auth.ProfileUpdate{FullName: &name, Username: &username}); err != nil {
		v.Form = formValues(r, "full_name", "username")
		v.SetError(err)
		return u.profilePage(w, r, v)
	}
	return u.redirect(w, r, "/profile", "Your profile is saved.")
}

// changePassword needs the current password; the service then ends every
// other session, and this browser stays signed in.
func (u *UI) changePassword(w http.ResponseWriter, r *http.Request, v *View) error {
	next := r.PostFormValue("new_password")
	if next != r.PostFormValue("confirm_password") {
		v.Fields, v.Status = map[string]string{"confirm_password": "The two passwords differ."}, http.StatusUnprocessableEntity
		return u.profilePage(w, r, v)
	}
	if err := u.deps.Auth.ChangePassword(r.Context(), v.Scope, r.PostFormValue("current_password"), next); err != nil {
		v.SetError(err)
		return u.profilePage(w, r, v)
	}
	return u.redirect(w, r, "/profile", "Your password is changed; your other sessions are signed out.")
}

// logoutAll ends every session of the user: other browsers, API clients
// signed in with a password, and this browser.
func (u *UI) logoutAll(w http.ResponseWriter, r *http.Request, v *View) error {
	n, err := u.deps.Auth.LogoutAll(r.Context(), v.Scope)
	if err != nil {
		return err
	}
	u.clearSession(w, r)
	return u.redirect(w, r, "/login", "Signed out of "+strconv.Itoa(n)+" session(s).")
}
