package web

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"github.com/curatore/curatore/internal/setting"
)

// SettingRow is one setting on the settings page: its declaration, its
// effective value and where that value comes from, and the organization's
// own value when it has one.
type SettingRow struct {
	Def       setting.Def
	Value     string
	Source    setting.Source
	OrgValue  string
	HasOrg    bool
	Editable  bool // the organization layer may set it and the viewer is an admin
	Pinned    bool // an environment variable fixes it for everyone
	Error     string
	Submitted string
}

// SettingsData is the effective-settings page.
type SettingsData struct {
	Rows []SettingRow
}

func (u *UI) settingRoutes() {
	u.page("GET /settings", signedIn, u.settingsPage)
	u.page("POST /settings/{key}", admin, u.saveSetting)
}

func (u *UI) settingsPage(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.renderSettings(w, r, v, "", "", "")
}

// renderSettings shows every readable setting; failedKey's row shows
// message next to the submitted value.
func (u *UI) renderSettings(w http.ResponseWriter, r *http.Request, v *View, failedKey, submitted, message string) error {
	vals, err := u.deps.Settings.Effective(r.Context(), v.Scope)
	if err != nil {
		return err
	}
	orgVals := map[string]any{}
	if nested, err := u.deps.Settings.Org(r.Context(), v.Scope); err == nil {
		orgVals = setting.Flatten(nested)
	} else {
		return err
	}
	d := &SettingsData{}
	for _, val := range vals {
		def, _ := setting.Lookup(val.Key)
		row := SettingRow{Def: def, Value: settingText(val.Value), Source: val.Source,
			Editable: v.IsAdmin() && def.Settable(setting.Org), Pinned: val.Source == setting.FromEnv}
		if ov, ok := orgVals[val.Key]; ok {
			row.OrgValue, row.HasOrg = settingText(ov), true
		}
		if val.Key == failedKey {
			row.Error, row.Submitted = message, submitted
		}
		d.Rows = append(d.Rows, row)
	}
	v.Title, v.Section, v.Data = "Settings", "settings", d
	u.render(w, r, "settings", v)
	return nil
}

// settingText shows a setting value as a form field holds it.
func settingText(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	}
	return fmt.Sprint(v)
}

// saveSetting sets (or, with "reset", removes) the organization's value of
// one setting through the settings service, which checks it against the
// catalogue and audits the change.
func (u *UI) saveSetting(w http.ResponseWriter, r *http.Request, v *View) error {
	key := r.PathValue("key")
	def, ok := setting.Lookup(key)
	if !ok {
		return u.notFound(w, r, v)
	}
	raw := strings.TrimSpace(r.PostFormValue("value"))
	var value any
	if r.PostFormValue("reset") == "" {
		var reason string
		if value, reason = parseSetting(def, raw); reason != "" {
			v.Status = http.StatusUnprocessableEntity
			return u.renderSettings(w, r, v, key, raw, reason)
		}
	}
	if _, err := u.deps.Settings.UpdateOrg(r.Context(), v.Scope, map[string]any{key: value}); err != nil {
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		msg := v.Error
		if f, ok := v.Fields[key]; ok {
			msg = f
		}
		for _, f := range v.Fields {
			if msg == "" {
				msg = f
			}
		}
		v.Error, v.Fields = "", nil
		return u.renderSettings(w, r, v, key, raw, msg)
	}
	if value == nil {
		return u.redirect(w, r, "/settings#s-"+key, key+" now follows the server's value.")
	}
	return u.redirect(w, r, "/settings#s-"+key, key+" is set for the organization.")
}

// parseSetting reads a form value as the setting's kind.
func parseSetting(d setting.Def, raw string) (any, string) {
	switch d.Kind {
	case setting.Integer, setting.Number:
		f, err := strconv.ParseFloat(raw, 64)
		if err != nil {
			return nil, "Enter a number."
		}
		return f, ""
	case setting.Boolean:
		b, err := strconv.ParseBool(raw)
		if err != nil {
			return nil, "Choose yes or no."
		}
		return b, ""
	}
	return raw, ""
}
