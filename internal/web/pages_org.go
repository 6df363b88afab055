package web

import (
	"net/http"

	"github.com/curatore/curatore/internal/org"
)

// OrgData is the organization page: its names (its settings have their
// own page).
type OrgData struct {
	Org org.Organization
}

func (u *UI) orgRoutes() {
	u.page("GET /organization", signedIn, u.orgPage)
	u.page("POST /organization", admin, u.updateOrg)
}

func (u *UI) orgPage(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.renderOrg(w, r, v)
}

// renderOrg shows the organization.
func (u *UI) renderOrg(w http.ResponseWriter, r *http.Request, v *View) error {
	o, err := u.deps.Orgs.Mine(r.Context(), v.Scope)
	if err != nil {
		return err
	}
	if v.Form.Get("name") == "" {
		v.Form.Set("name", o.Name)
		v.Form.Set("display_name", o.DisplayName)
	}
	v.Title, v.Section, v.Data = "Organization", "organization", &OrgData{Org: o}
	u.render(w, r, "organization", v)
	return nil
}

func (u *UI) updateOrg(w http.ResponseWriter, r *http.Request, v *View) error {
	name, display := r.PostFormValue("name"), r.PostFormValue("display_name")
	if _, err := u.deps.Orgs.UpdateMine(r.Context(), v.Scope, org.Update{Name: &name, DisplayName: &display}); err != nil {
		v.Form = formValues(r, "name", "display_name")
		v.SetError(err)
		return u.renderOrg(w, r, v)
	}
	return u.redirect(w, r, "/organization", "The organization is saved.")
}
