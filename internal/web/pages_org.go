package web

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/curatore/curatore/internal/org"
)

// OrgData is the organization page: its names and its settings as JSON.
type OrgData struct {
	Org          org.Organization
	SettingsJSON string
}

func (u *UI) orgRoutes() {
	u.page("GET /organization", signedIn, u.orgPage)
	u.page("POST /organization", admin, u.updateOrg)
	u.page("POST /organization/settings", admin, u.updateOrgSettings)
}

func (u *UI) orgPage(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.renderOrg(w, r, v, "")
}

// renderOrg shows the organization; settingsText, when not empty, is the
// text the admin submitted (shown again beside its error).
func (u *UI) renderOrg(w http.ResponseWriter, r *http.Request, v *View, settingsText string) error {
	o, err := u.deps.Orgs.Mine(r.Context(), v.Scope)
	if err != nil {
		return err
	}
	if settingsText == "" {
		b, _ := json.MarshalIndent(o.Settings, "", "  ")
		settingsText = string(b)
		if o.Settings == nil {
			settingsText = "{}"
		}
	}
	if v.Form.Get("name") == "" {
		v.Form.Set("name", o.Name)
		v.Form.Set("display_name", o.DisplayName)
	}
	v.Title, v.Section, v.Data = "Organization", "organization", &OrgData{Org: o, SettingsJSON: settingsText}
	u.render(w, r, "organization", v)
	return nil
}

func (u *UI) updateOrg(w http.ResponseWriter, r *http.Request, v *View) error {
	name, display := r.PostFormValue("name"), r.PostFormValue("display_name")
	if _, err := u.deps.Orgs.UpdateMine(r.Context(), v.Scope, org.Update{Name: &name, DisplayName: &display}); err != nil {
		v.Form = formValues(r, "name", "display_name")
		v.SetError(err)
		return u.renderOrg(w, r, v, "")
	}
	return u.redirect(w, r, "/organization", "The organization is saved.")
}

// updateOrgSettings stores the edited JSON as the organization's settings:
// the difference from the stored settings is sent as a merge patch, so keys
// the admin removed are deleted.
func (u *UI) updateOrgSettings(w http.ResponseWriter, r *http.Request, v *View) error {
	text := r.PostFormValue("settings")
	var next map[string]any
	if err := json.Unmarshal([]byte(text), &next); err != nil || next == nil {
		v.Fields = map[string]string{"settings": "This is not a JSON object: " + jsonProblem(err) + "."}
		v.Status = http.StatusUnprocessableEntity
		return u.renderOrg(w, r, v, text)
	}
	o, err := u.deps.Orgs.Mine(r.Context(), v.Scope)
	if err != nil {
		return err
	}
	if _, err := u.deps.Orgs.UpdateSettings(r.Context(), v.Scope, mergePatch(o.Settings, next)); err != nil {
		v.SetError(err)
		return u.renderOrg(w, r, v, text)
	}
	return u.redirect(w, r, "/organization", "The settings are saved.")
}

// jsonProblem says in words what is wrong with a JSON text.
func jsonProblem(err error) string {
	if err == nil {
		return "it must start with { and end with }"
	}
	msg := err.Error()
	return strings.TrimPrefix(msg, "json: ")
}

// mergePatch returns the patch that turns old into next under a deep merge
// where null deletes: removed keys become nil, nested objects recurse.
func mergePatch(old, next map[string]any) map[string]any {
	patch := map[string]any{}
	for k := range old {
		if _, ok := next[k]; !ok {
			patch[k] = nil
		}
	}
	for k, nv := range next {
		om, oldIsMap := old[k].(map[string]any)
		nm, newIsMap := nv.(map[string]any)
		if oldIsMap && newIsMap {
			patch[k] = mergePatch(om, nm)
			continue
		}
		patch[k] = nv
	}
	return patch
}
