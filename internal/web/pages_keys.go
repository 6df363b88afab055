package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/curatore/curatore/internal/auth"
)

// KeysData is the API keys page. Created holds the full key right after
// creation: it is rendered into that one response and stored nowhere.
type KeysData struct {
	Keys     []auth.APIKey
	Total    int
	Created  string
	RowError map[string]string
}

func (u *UI) keyRoutes() {
	u.page("GET /api-keys", signedIn, u.keysPage)
	u.page("POST /api-keys", writer, u.createKey)
	u.page("POST /api-keys/{id}/revoke", writer, u.revokeKey)
}

func (u *UI) keysPage(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.renderKeys(w, r, v, &KeysData{})
}

func (u *UI) renderKeys(w http.ResponseWriter, r *http.Request, v *View, d *KeysData) error {
	keys, total, err := u.deps.Auth.ListKeys(r.Context(), v.Scope, auth.KeyFilter{Limit: 200})
	if err != nil {
		return err
	}
	d.Keys, d.Total = keys, total
	v.Title, v.Section, v.Data = "API keys", "api-keys", d
	u.render(w, r, "apikeys", v)
	return nil
}

func (u *UI) createKey(w http.ResponseWriter, r *http.Request, v *View) error {
	_ = r.ParseForm()
	in := auth.NewKeyInput{Name: r.PostFormValue("name"), Scopes: r.PostForm["scopes"]}
	if s := strings.TrimSpace(r.PostFormValue("expires_days")); s != "" {
		n, err := strconv.Atoi(s)
		if err != nil {
			v.Form = formValues(r, "name", "expires_days")
			v.Fields, v.Status = map[string]string{"expires_days": "Enter a whole number of days."}, http.StatusUnprocessableEntity
			return u.renderKeys(w, r, v, &KeysData{})
		}
		in.ExpiresDays = &n
	}
	_, key, err := u.deps.Auth.CreateKey(r.Context(), v.Scope, in)
	if err != nil {
		v.Form = formValues(r, "name", "expires_days")
		v.SetError(err)
		return u.renderKeys(w, r, v, &KeysData{})
	}
	v.Status = http.StatusCreated
	return u.renderKeys(w, r, v, &KeysData{Created: key})
}

func (u *UI) revokeKey(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	if err := u.deps.Auth.RevokeKey(r.Context(), v.Scope, id); err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		msg := v.Error
		v.Error = ""
		return u.renderKeys(w, r, v, &KeysData{RowError: map[string]string{id: msg}})
	}
	return u.redirect(w, r, "/api-keys", "The key is revoked; requests with it are refused from now on.")
}
