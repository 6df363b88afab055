package web

import (
	"errors"
	"net/http"
	"net/url"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/user"
)

// View is what every page template receives: the frame (who is signed in,
// the organization switcher, the CSRF token, messages) and the page's own
// Data.
type View struct {
	Title   string
	Section string // the navigation entry to highlight
	Version string
	CSRF    string

	SignedIn     bool
	AuthDisabled bool // ENABLE_AUTH=false: show the banner
	Scope        auth.Scope
	User         user.User
	Org          user.Membership   // the active organization
	Orgs         []user.Membership // every organization the user may switch to

	Theme    string // ui.theme: system, light or dark
	PageSize int    // ui.page_size: rows per page in lists

	Flash  string            // a one-time message after a redirect
	Error  string            // a form- or action-level error, in words
	Fields map[string]string // field name → what is wrong with it
	Form   url.Values        // submitted values, to fill the form again
	Status int               // HTTP status (default 200)
	Data   any

	settings *setting.Values // the viewer's effective settings, resolved once per request
}

// Field returns the error of one form field ("" when none).
func (v *View) Field(name string) string { return v.Fields[name] }

// Value returns a submitted form value, to fill a form again after an error.
func (v *View) Value(name string) string { return v.Form.Get(name) }

// IsAdmin reports whether the viewer administers the active organization.
func (v *View) IsAdmin() bool { return v.SignedIn && v.Scope.IsAdmin() }

// CanWrite reports whether the viewer may change data.
func (v *View) CanWrite() bool { return v.SignedIn && v.Scope.CanWrite() }

// OrgName is the active organization's display name.
func (v *View) OrgName() string {
	if v.Org.OrgDisplayName != "" {
		return v.Org.OrgDisplayName
	}
	return v.Org.OrgName
}

// UserName is how the signed-in person is called in the header.
func (v *View) UserName() string {
	switch {
	case v.User.FullName != "":
		return v.User.FullName
	case v.User.Username != "":
		return v.User.Username
	case v.User.Email != "":
		return v.User.Email
	}
	return "Administrator"
}

// SetError puts a service error into words on the view: field errors next
// to their fields, the rest at the top of the form. It returns the HTTP
// status the page should carry.
func (v *View) SetError(err error) int {
	e, ok := apperr.As(err)
	if !ok {
		v.Error = "Something went wrong on our side. Please try again."
		v.Status = http.StatusInternalServerError
		return v.Status
	}
	if len(e.Fields) > 0 {
		v.Fields = map[string]string{}
		for _, f := range e.Fields {
			v.Fields[f.Field] = sentence(f.Reason)
		}
	}
	if len(e.Fields) == 0 || e.Detail != "the request has invalid fields" {
		v.Error = sentence(e.Detail)
	}
	v.Status = statusOf(err)
	return v.Status
}

// sentence starts a message with a capital letter and ends it with a period.
func sentence(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return s
	}
	s = strings.ToUpper(s[:1]) + s[1:]
	if !strings.HasSuffix(s, ".") && !strings.HasSuffix(s, "?") && !strings.HasSuffix(s, "!") {
		s += "."
	}
	return s
}

// statusOf maps an error kind to an HTTP status.
func statusOf(err error) int {
	switch {
	case err == nil:
		return http.StatusOK
	case errors.Is(err, apperr.Invalid):
		return http.StatusUnprocessableEntity
	case errors.Is(err, apperr.NotFound):
		return http.StatusNotFound
	case errors.Is(err, apperr.Conflict):
		return http.StatusConflict
	case errors.Is(err, apperr.Unauthenticated):
		return http.StatusUnauthorized
	case errors.Is(err, apperr.Forbidden):
		return http.StatusForbidden
	case errors.Is(err, apperr.RateLimited):
		return http.StatusTooManyRequests
	case errors.Is(err, apperr.Unavailable):
		return http.StatusServiceUnavailable
	}
	return http.StatusInternalServerError
}
