package web

import (
	"net/http"
	"strconv"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/connection"
)

// SchemaField is one input of a connection form, read from the type's JSON
// Schema (type, title, description, format, enum, bounds, writeOnly).
type SchemaField struct {
	Name, Title, Description string
	Type                     string // string, integer, number, boolean
	Format                   string
	Enum                     []string
	Min, Max                 string
	Required, Secret         bool
	SecretSet                bool   // a secret is stored (edit form)
	Value                    string // current or submitted value (never a secret)
	Error                    string
}

// ConnectionForm is the create or edit form of one connection type.
type ConnectionForm struct {
	Type        connection.Type
	ID          string // "" when creating
	Name        string
	Description string
	IsDefault   bool
	Fields      []SchemaField
}

// ConnectionsData is the connections page.
type ConnectionsData struct {
	Connections []connection.Connection
	Types       []connection.Type
	Form        *ConnectionForm
	Tested      map[string]*connection.TestResult // this response's live tests, by id
	RowError    map[string]string
}

func (u *UI) connectionRoutes() {
	if u.deps.Connections == nil {
		return
	}
	u.page("GET /connections", signedIn, u.connectionsPage)
	u.page("POST /connections", admin, u.saveConnection)
	u.page("POST /connections/{id}", admin, u.saveConnection)
	u.page("POST /connections/{id}/test", admin, u.testConnection)
	u.page("POST /connections/{id}/default", admin, u.defaultConnection)
	u.page("POST /connections/{id}/delete", admin, u.deleteConnection)
}

func (u *UI) connectionsPage(w http.ResponseWriter, r *http.Request, v *View) error {
	d := &ConnectionsData{}
	q := r.URL.Query()
	if id := q.Get("edit"); id != "" && v.IsAdmin() {
		c, err := u.deps.Connections.Get(r.Context(), v.Scope, id)
		if err != nil {
			return err
		}
		d.Form = formFor(c.Type, &c, nil)
	} else if typ := q.Get("type"); typ != "" && v.IsAdmin() {
		d.Form = formFor(typ, nil, nil)
	}
	return u.renderConnections(w, r, v, d)
}

func (u *UI) renderConnections(w http.ResponseWriter, r *http.Request, v *View, d *ConnectionsData) error {
	list, _, err := u.deps.Connections.List(r.Context(), v.Scope, connection.Filter{Limit: 200})
	if err != nil {
		return err
	}
	d.Connections, d.Types = list, connection.Types()
	v.Title, v.Section, v.Data = "Connections", "connections", d
	u.render(w, r, "connections", v)
	return nil
}

// formFor builds the form of a type from its JSON Schema, filled from a
// stored connection (secrets never) or from a submitted form.
func formFor(typ string, c *connection.Connection, submitted map[string]string) *ConnectionForm {
	t, ok := connection.Lookup(typ)
	if !ok {
		return nil
	}
	f := &ConnectionForm{Type: t}
	if c != nil {
		f.ID, f.Name, f.Description, f.IsDefault = c.ID, c.Name, c.Description, c.IsDefault
	}
	schema := connection.Schema(t.Fields())
	props, _ := schema["properties"].(map[string]any)
	required := map[string]bool{}
	if req, ok := schema["required"].([]string); ok {
		for _, n := range req {
			required[n] = true
		}
	}
	for _, decl := range t.Fields() { // the declaration gives the order
		p, _ := props[decl.Name].(map[string]any)
		sf := SchemaField{Name: decl.Name, Required: required[decl.Name]}
		sf.Title, _ = p["title"].(string)
		sf.Description, _ = p["description"].(string)
		sf.Type, _ = p["type"].(string)
		sf.Format, _ = p["format"].(string)
		sf.Enum, _ = p["enum"].([]string)
		sf.Secret, _ = p["writeOnly"].(bool)
		if m, ok := p["minimum"].(float64); ok {
			sf.Min = strconv.FormatFloat(m, 'f', -1, 64)
		}
		if m, ok := p["maximum"].(float64); ok {
			sf.Max = strconv.FormatFloat(m, 'f', -1, 64)
		}
		switch {
		case sf.Secret && c != nil:
			sf.SecretSet = c.SecretSet(decl.Name)
		case submitted != nil:
			sf.Value = submitted[decl.Name]
		case c != nil && c.Config[decl.Name] != nil:
			sf.Value = settingText(c.Config[decl.Name])
		case p["default"] != nil:
			sf.Value = settingText(p["default"])
		}
		f.Fields = append(f.Fields, sf)
	}
	return f
}

// configFromForm reads the typed configuration from a submitted form. An
// empty secret is left out, so an edit keeps the stored one.
func configFromForm(r *http.Request, f *ConnectionForm) (map[string]any, map[string]string, apperr.Fields) {
	cfg, raw := map[string]any{}, map[string]string{}
	var errs apperr.Fields
	for _, sf := range f.Fields {
		key := "config." + sf.Name
		s := strings.TrimSpace(r.PostFormValue(key))
		if !sf.Secret {
			raw[sf.Name] = s
		}
		switch {
		case sf.Type == "boolean":
			cfg[sf.Name] = r.PostFormValue(key) == "on"
		case s == "" && sf.Secret:
		case s == "":
			if f.ID != "" {
				cfg[sf.Name] = nil // cleared: the default applies again
			}
		case sf.Type == "integer" || sf.Type == "number":
			n, err := strconv.ParseFloat(s, 64)
			if err != nil {
				errs.Add(key, "must be a number")
				continue
			}
			cfg[sf.Name] = n
		default:
			cfg[sf.Name] = s
		}
	}
	return cfg, raw, errs
}
