package web

import (
	"net/http"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/org"
)

// The two links that bring a person in: an invitation to an organization
// (/accept-invitation) and the first administrator's setup link printed at
// start-up (/setup).
func (u *UI) joinRoutes() {
	u.page("GET /accept-invitation", public, u.invitationPage)
	u.page("POST /accept-invitation", public, u.acceptInvitation)
	u.page("GET /setup", public, u.setupPage)
	u.page("POST /setup", public, u.completeSetup)
}

// invitationPage shows what the link invites to; someone new chooses a
// password, an existing verified account just accepts.
func (u *UI) invitationPage(w http.ResponseWriter, r *http.Request, v *View) error {
	token := r.URL.Query().Get("token")
	if r.Method == http.MethodPost {
		token = r.PostFormValue("token")
	}
	v.Title = "Join an organization"
	v.Form.Set("token", token)
	iv, err := u.deps.Orgs.PeekInvitation(r.Context(), token)
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		u.render(w, r, "accept", v)
		return nil
	}
	v.Data = &iv
	u.render(w, r, "accept", v)
	return nil
}

func (u *UI) acceptInvitation(w http.ResponseWriter, r *http.Request, v *View) error {
	in := org.AcceptInput{Token: r.PostFormValue("token"), Password: r.PostFormValue("password"),
		Username: r.PostFormValue("username"), FullName: r.PostFormValue("full_name")}
	if in.Password != r.PostFormValue("confirm_password") {
		v.Form = formValues(r, "token", "username", "full_name")
		v.Fields, v.Status = map[string]string{"confirm_password": "The two passwords differ."}, http.StatusUnprocessableEntity
		return u.invitationPage(w, r, v)
	}
	acc, err := u.deps.Orgs.AcceptInvitation(r.Context(), in)
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		v.Form = formValues(r, "token", "username", "full_name")
		return u.invitationPage(w, r, v)
	}
	name := acc.View.OrgDisplayName
	if name == "" {
		name = acc.View.OrgName
	}
	return u.redirect(w, r, "/login", "You joined "+name+". Sign in to start.")
}

// setupPage is the first administrator's form, reachable only with the
// setup link while the server has no user.
func (u *UI) setupPage(w http.ResponseWriter, r *http.Request, v *View) error {
	token := r.URL.Query().Get("token")
	v.Title = "Set up Curatore"
	v.Form.Set("token", token)
	st, err := u.deps.Auth.SetupStatus(r.Context(), token)
	if err != nil {
		return err
	}
	switch {
	case !st.Required:
		v.Error, v.Status = "This server is set up already; sign in instead.", http.StatusConflict
	case !st.TokenValid:
		v.Error, v.Status = "This setup link is invalid, expired or already used; restart the server for a new one.", http.StatusBadRequest
	}
	u.render(w, r, "setup", v)
	return nil
}

func (u *UI) completeSetup(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title = "Set up Curatore"
	v.Form = formValues(r, "token", "email", "username", "full_name")
	if r.PostFormValue("password") != r.PostFormValue("confirm_password") {
		v.Fields, v.Status = map[string]string{"confirm_password": "The two passwords differ."}, http.StatusUnprocessableEntity
		u.render(w, r, "setup", v)
		return nil
	}
	t, err := u.deps.Auth.CompleteSetup(r.Context(), auth.SetupInput{Token: r.PostFormValue("token"),
		Email: r.PostFormValue("email"), Username: r.PostFormValue("username"),
		Password: r.PostFormValue("password"), FullName: r.PostFormValue("full_name")})
	if err != nil {
		v.SetError(err)
		u.render(w, r, "setup", v)
		return nil
	}
	u.setSession(w, r, t)
	return u.redirect(w, r, "/", "Curatore is set up, and you are its administrator.")
}
