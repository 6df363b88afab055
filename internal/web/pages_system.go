package web

import (
	"fmt"
	"net/http"
	"sort"
	"strconv"
	"time"

	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/org"
)

func (u *UI) adminRoutes() {
	u.memberRoutes()
	u.keyRoutes()
	u.orgRoutes()
	u.settingRoutes()
	u.profileRoutes()
	u.usageRoutes()
	u.connectionRoutes()
	u.webhookRoutes()
	u.auditRoutes()
	u.page("GET /system", signedIn, u.systemPage)
	u.page("GET /admin/organizations", sysAdmin, u.orgsPage)
	u.page("POST /admin/organizations", sysAdmin, u.createOrg)
	u.page("POST /admin/organizations/{id}/deactivate", sysAdmin, u.setOrgActive(false))
	u.page("POST /admin/organizations/{id}/activate", sysAdmin, u.setOrgActive(true))
}

// HomeData is the start page.
type HomeData struct {
	Members int            // active members (admins only; -1 otherwise)
	Jobs    map[string]int // the organization's jobs by status
}

func (u *UI) home(w http.ResponseWriter, r *http.Request, v *View) error {
	d := &HomeData{Members: -1}
	if v.IsAdmin() {
		active := true
		if _, n, err := u.deps.Orgs.Members(r.Context(), v.Scope, org.MemberFilter{IsActive: &active, Limit: 1}); err == nil {
			d.Members = n
		}
	}
	if u.deps.Jobs != nil {
		d.Jobs, _ = u.deps.Jobs.Counts(r.Context(), v.Scope)
	}
	v.Title, v.Section, v.Data = "Overview", "home", d
	u.render(w, r, "home", v)
	return nil
}

// Component is one component's health in the dashboard.
type Component struct {
	Name    string
	Status  health.Status
	Message string
	Details []Detail
}

// Detail is one name/value pair of a component's details.
type Detail struct{ Name, Value string }

// SystemData is the health dashboard.
type SystemData struct {
	Overall    health.Status
	Issues     []string
	Components []Component
	CheckedAt  time.Time
	Version    string
	// Queue counts this organization's jobs by status; Workers is how many
	// jobs this process runs at once (-1: no queue).
	Queue   map[string]int
	Workers int
}

func (u *UI) systemPage(w http.ResponseWriter, r *http.Request, v *View) error {
	c := u.deps.Health.All(r.Context(), 5*time.Second)
	d := &SystemData{Overall: c.OverallStatus, Issues: c.Issues, CheckedAt: c.Timestamp, Version: u.deps.Version, Workers: -1}
	if u.deps.Jobs != nil {
		d.Workers = u.deps.Jobs.Workers
		if q, err := u.deps.Jobs.Counts(r.Context(), v.Scope); err == nil {
			d.Queue = q
		}
	}
	for name, rep := range c.Components {
		comp := Component{Name: name, Status: rep.Status, Message: rep.Message}
		for k, val := range rep.Details {
			comp.Details = append(comp.Details, Detail{Name: k, Value: detailText(val)})
		}
		sort.Slice(comp.Details, func(i, j int) bool { return comp.Details[i].Name < comp.Details[j].Name })
		d.Components = append(d.Components, comp)
	}
	sort.Slice(d.Components, func(i, j int) bool { return d.Components[i].Name < d.Components[j].Name })
	v.Title, v.Section, v.Data = "System health", "system", d
	u.render(w, r, "system", v)
	return nil
}

// detailText shows a detail value in words.
func detailText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		s := ""
		for i, k := range keys {
			if i > 0 {
				s += ", "
			}
			s += k + ": " + detailText(x[k])
		}
		return s
	}
	return fmt.Sprint(v)
}

// OrgsData is the system administrators' organization list.
type OrgsData struct {
	Orgs     []org.Organization
	Total    int
	Q        string
	RowError map[string]string
}

func (u *UI) orgsPage(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.renderOrgs(w, r, v, nil)
}

func (u *UI) renderOrgs(w http.ResponseWriter, r *http.Request, v *View, rowErr map[string]string) error {
	q := r.URL.Query().Get("q")
	orgs, total, err := u.deps.Orgs.ListAll(r.Context(), v.Scope, org.ListFilter{Q: q, Limit: 200})
	if err != nil {
		return err
	}
	v.Title, v.Section = "Organizations", "organizations"
	v.Data = &OrgsData{Orgs: orgs, Total: total, Q: q, RowError: rowErr}
	u.render(w, r, "organizations", v)
	return nil
}

func (u *UI) createOrg(w http.ResponseWriter, r *http.Request, v *View) error {
	in := org.CreateInput{Name: r.PostFormValue("name"), DisplayName: r.PostFormValue("display_name"), Slug: r.PostFormValue("slug")}
	o, err := u.deps.Orgs.Create(r.Context(), v.Scope, in)
	if err != nil {
		v.Form = formValues(r, "name", "display_name", "slug")
		v.SetError(err)
		return u.renderOrgs(w, r, v, nil)
	}
	return u.redirect(w, r, "/admin/organizations", "Created "+o.Name+" ("+o.Slug+").")
}

func (u *UI) setOrgActive(active bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *View) error {
		id := r.PathValue("id")
		var err error
		if active {
			_, err = u.deps.Orgs.UpdateAny(r.Context(), v.Scope, id, org.Update{IsActive: &active})
		} else {
			err = u.deps.Orgs.Deactivate(r.Context(), v.Scope, id)
		}
		if err != nil {
			if v.SetError(err) == http.StatusInternalServerError {
				return err
			}
			msg := v.Error
			v.Error = ""
			return u.renderOrgs(w, r, v, map[string]string{id: msg})
		}
		if active {
			return u.redirect(w, r, "/admin/organizations", "The organization is active again.")
		}
		return u.redirect(w, r, "/admin/organizations", "The organization is deactivated: its members and keys are refused from now on.")
	}
}
