package web

import (
	"net/http"
	"net/url"
	"strconv"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/org"
)

// membersPerPage is the member list's page size when ui.page_size is unknown.
const membersPerPage = 50

// MembersData is the members page: a filtered page of members, the invite
// form, and an error next to the row whose action failed.
type MembersData struct {
	Members  []org.Member
	Total    int
	Q        string
	Role     string
	Status   string // "", "active" or "inactive"
	Skip     int
	Next     string // URL of the next page ("" on the last)
	Prev     string
	RowError map[string]string // member or invitation id → what went wrong
	// Invitations are the pending ones, newest first.
	Invitations []org.Invitation
}

func (u *UI) memberRoutes() {
	u.page("GET /members", admin, u.membersPage)
	u.page("POST /members", admin, u.invite)
	u.page("POST /members/{id}/role", admin, u.changeRole)
	u.page("POST /members/{id}/deactivate", admin, u.setMemberActive(false))
	u.page("POST /members/{id}/reactivate", admin, u.setMemberActive(true))
	u.page("POST /invitations/{id}/revoke", admin, u.revokeInvitation)
}

func (u *UI) membersPage(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.renderMembers(w, r, v, nil)
}

// renderMembers lists the members with the filters of the request's query.
func (u *UI) renderMembers(w http.ResponseWriter, r *http.Request, v *View, rowErr map[string]string) error {
	q := r.URL.Query()
	d := &MembersData{Q: q.Get("q"), Role: q.Get("role"), Status: q.Get("status"), RowError: rowErr}
	d.Skip, _ = strconv.Atoi(q.Get("skip"))
	d.Skip = max(d.Skip, 0)
	per := membersPerPage
	if v.PageSize > 0 {
		per = v.PageSize
	}
	f := org.MemberFilter{Q: d.Q, Role: auth.Role(d.Role), Skip: d.Skip, Limit: per}
	if !f.Role.Valid() {
		f.Role, d.Role = "", ""
	}
	if d.Status == "active" || d.Status == "inactive" {
		active := d.Status == "active"
		f.IsActive = &active
	}
	members, total, err := u.deps.Orgs.Members(r.Context(), v.Scope, f)
	if err != nil {
		return err
	}
	d.Members, d.Total = members, total
	if d.Invitations, _, err = u.deps.Orgs.Invitations(r.Context(), v.Scope, org.InvitationFilter{PendingOnly: true, Limit: 100}); err != nil {
		return err
	}
	d.Next, d.Prev = pageLinks("/members", q, d.Skip, len(members), total, per)
	v.Title, v.Section, v.Data = "Members", "members", d
	u.render(w, r, "members", v)
	return nil
}

// pageLinks returns the URLs of the next and previous offset pages.
func pageLinks(path string, q url.Values, skip, n, total, per int) (next, prev string) {
	q = cloneValues(q)
	if skip+n < total {
		q.Set("skip", strconv.Itoa(skip+per))
		next = path + "?" + q.Encode()
	}
	if skip > 0 {
		q.Set("skip", strconv.Itoa(max(skip-per, 0)))
		prev = path + "?" + q.Encode()
	}
	return next, prev
}

func cloneValues(q url.Values) url.Values {
	out := url.Values{}
	for k, v := range q {
		out[k] = append([]string(nil), v...)
	}
	return out
}

func (u *UI) invite(w http.ResponseWriter, r *http.Request, v *View) error {
	in := org.InviteInput{Email: r.PostFormValue("email"), Role: auth.Role(r.PostFormValue("role"))}
	inv, err := u.deps.Orgs.Invite(r.Context(), v.Scope, in)
	if err != nil {
		v.Form = formValues(r, "email", "role")
		v.SetError(err)
		return u.renderMembers(w, r, v, nil)
	}
	return u.redirect(w, r, "/members", "Invited "+inv.Email+" as "+roleName(inv.Role)+": they join when they accept the emailed link.")
}

func (u *UI) changeRole(w http.ResponseWriter, r *http.Request, v *View) error {
	role := auth.Role(r.PostFormValue("role"))
	id := r.PathValue("id")
	m, err := u.deps.Orgs.UpdateMember(r.Context(), v.Scope, id, org.MemberUpdate{Role: &role})
	if err != nil {
		return u.rowFailed(w, r, v, id, err)
	}
	return u.redirect(w, r, "/members", m.Email+" is now "+roleName(m.Role)+".")
}

func (u *UI) setMemberActive(active bool) handlerFunc {
	return func(w http.ResponseWriter, r *http.Request, v *View) error {
		id := r.PathValue("id")
		m, err := u.deps.Orgs.SetMemberActive(r.Context(), v.Scope, id, active)
		if err != nil {
			return u.rowFailed(w, r, v, id, err)
		}
		what := " is deactivated."
		if active {
			what = " is active again."
		}
		return u.redirect(w, r, "/members", m.Email+what)
	}
}

// rowFailed shows the members page again with the error beside the row.
func (u *UI) rowFailed(w http.ResponseWriter, r *http.Request, v *View, id string, err error) error {
	status := v.SetError(err)
	if status == http.StatusInternalServerError {
		return err
	}
	msg := v.Error
	for _, f := range v.Fields {
		msg = f
	}
	v.Error, v.Fields = "", nil
	return u.renderMembers(w, r, v, map[string]string{id: msg})
}

func (u *UI) revokeInvitation(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	if err := u.deps.Orgs.RevokeInvitation(r.Context(), v.Scope, id); err != nil {
		return u.rowFailed(w, r, v, id, err)
	}
	return u.redirect(w, r, "/members", "The invitation is revoked; its link no longer works.")
}
