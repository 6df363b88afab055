package web

import (
	"net/http"
	"strings"

	"github.com/curatore/curatore/internal/connection"
)

// saveConnection creates a connection (POST /connections) or updates one
// (POST /connections/{id}); a failed save shows the form again with each
// field's reason beside it.
func (u *UI) saveConnection(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	typ := r.PostFormValue("type")
	var stored *connection.Connection
	if id != "" {
		c, err := u.deps.Connections.Get(r.Context(), v.Scope, id)
		if err != nil {
			return err
		}
		stored, typ = &c, c.Type
	}
	form := formFor(typ, stored, nil)
	if form == nil {
		v.Fields = map[string]string{"type": "Choose a connection type."}
		v.Status = http.StatusUnprocessableEntity
		return u.renderConnections(w, r, v, &ConnectionsData{})
	}
	cfg, raw, ferrs := configFromForm(r, form)
	name, desc := r.PostFormValue("name"), r.PostFormValue("description")
	isDefault := r.PostFormValue("is_default") == "on"
	testOnSave := r.PostFormValue("test_on_save") == "on"
	var saved connection.Connection
	err := ferrs.Err()
	if err == nil && id == "" {
		saved, err = u.deps.Connections.Create(r.Context(), v.Scope, connection.CreateInput{Name: name, Description: desc,
			Type: typ, Config: cfg, IsDefault: isDefault, TestOnSave: &testOnSave})
	} else if err == nil {
		saved, err = u.deps.Connections.Update(r.Context(), v.Scope, id, connection.UpdateInput{Name: &name,
			Description: &desc, Config: cfg, IsDefault: &isDefault, TestOnSave: &testOnSave})
	}
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		form = formFor(typ, stored, raw)
		form.Name, form.Description, form.IsDefault = name, desc, isDefault
		for i := range form.Fields {
			form.Fields[i].Error = v.Fields["config."+form.Fields[i].Name]
		}
		return u.renderConnections(w, r, v, &ConnectionsData{Form: form})
	}
	msg := "Saved " + saved.Name + "."
	if saved.TestResult != nil && testOnSave {
		msg += " Test: " + saved.TestResult.Message
	}
	return u.redirect(w, r, "/connections#c-"+saved.ID, msg)
}

// testConnection runs the live test and shows its result and latency
// beside the connection.
func (u *UI) testConnection(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	res, err := u.deps.Connections.Test(r.Context(), v.Scope, id)
	if err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		msg := v.Error
		v.Error = ""
		return u.renderConnections(w, r, v, &ConnectionsData{RowError: map[string]string{id: msg}})
	}
	return u.renderConnections(w, r, v, &ConnectionsData{Tested: map[string]*connection.TestResult{id: &res}})
}

func (u *UI) defaultConnection(w http.ResponseWriter, r *http.Request, v *View) error {
	c, err := u.deps.Connections.SetDefault(r.Context(), v.Scope, r.PathValue("id"))
	if err != nil {
		return err
	}
	return u.redirect(w, r, "/connections", c.Name+" is now the default "+strings.ToUpper(c.Type)+" connection.")
}

func (u *UI) deleteConnection(w http.ResponseWriter, r *http.Request, v *View) error {
	if err := u.deps.Connections.Delete(r.Context(), v.Scope, r.PathValue("id")); err != nil {
		return err
	}
	return u.redirect(w, r, "/connections", "The connection is deleted.")
}
