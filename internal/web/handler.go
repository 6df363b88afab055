package web

import (
	"bytes"
	"errors"
	"log/slog"
	"net/http"
	"net/url"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/setting"
)

// handlerFunc serves a page. It fills v and renders, or returns an error
// that becomes an error page (or a redirect to sign in).
type handlerFunc func(w http.ResponseWriter, r *http.Request, v *View) error

// contentSecurityPolicy allows scripts, styles, fonts and images from this
// origin only: no inline script or style, no eval, no framing by others.
const contentSecurityPolicy = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; " +
	"font-src 'self'; connect-src 'self'; frame-src 'self'; object-src 'none'; base-uri 'none'; " +
	"form-action 'self'; frame-ancestors 'none'"

// maxFormBytes bounds the body of a form post; uploads have their own limit.
const maxFormBytes = 1 << 20

// bodyLimit is how large a request body a page accepts.
type bodyLimit func(r *http.Request, sc auth.Scope) int64

// formLimit is the bound of an ordinary form.
func formLimit(*http.Request, auth.Scope) int64 { return maxFormBytes }

// page mounts a page handler behind the session, CSRF and access checks.
func (u *UI) page(pattern string, a access, h handlerFunc) {
	u.pageWithLimit(pattern, a, formLimit, h)
}

// pageWithLimit is page with a bound on the request body (a form read
// before the CSRF check must not be able to fill the disk).
func (u *UI) pageWithLimit(pattern string, a access, limit bodyLimit, h handlerFunc) {
	u.mux.Handle(pattern, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hdr := w.Header()
		hdr.Set("Content-Security-Policy", contentSecurityPolicy)
		hdr.Set("Cache-Control", "no-store")
		sc, ok := u.authenticate(w, r)
		if !safeMethod(r.Method) {
			r.Body = http.MaxBytesReader(w, r.Body, limit(r, sc))
		}
		v := u.newView(w, r, sc, ok)
		if !safeMethod(r.Method) && !u.csrfOK(r) {
			v.Status = http.StatusForbidden
			v.Error = "This form has expired or did not come from this site. Reload the page and try again."
			u.render(w, r, "error", v)
			return
		}
		if a != public && !ok {
			u.toSignIn(w, r)
			return
		}
		if a != public && !a.allows(sc) {
			v.Status = http.StatusForbidden
			v.Error = "Your role in this organization does not allow this page."
			u.render(w, r, "error", v)
			return
		}
		if err := h(w, r, v); err != nil {
			u.fail(w, r, v, err)
		}
	}))
}

// newView builds the frame of a page: who is signed in, their
// organizations, the CSRF token and a pending flash message.
func (u *UI) newView(w http.ResponseWriter, r *http.Request, sc auth.Scope, ok bool) *View {
	v := &View{Version: u.deps.Version, CSRF: u.csrfToken(w, r), SignedIn: ok, Scope: sc,
		AuthDisabled: !u.deps.Config.EnableAuth, Form: url.Values{}}
	if ok {
		id, orgs, err := u.deps.Auth.Me(r.Context(), sc)
		if err == nil {
			v.User, v.Org, v.Orgs = id.User, id.Membership, orgs
		}
		if vals, ok := u.values(r, v); ok {
			v.Theme, v.PageSize = vals.String("ui.theme"), int(vals.Int("ui.page_size"))
		}
	}
	if c, err := r.Cookie(flashCookie); err == nil {
		v.Flash, _ = url.QueryUnescape(c.Value)
		http.SetCookie(w, u.cookie(r, flashCookie, "", -1))
	}
	return v
}

// flashCookie carries a one-time message across a redirect.
const flashCookie = "curatore_flash"

// redirect answers a form with 303 See Other to target, leaving msg to be
// shown on the next page.
func (u *UI) redirect(w http.ResponseWriter, r *http.Request, target, msg string) error {
	if msg != "" {
		http.SetCookie(w, u.cookie(r, flashCookie, url.QueryEscape(msg), 60))
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
	return nil
}

// toSignIn sends a visitor without a session to the sign-in page, returning
// to where they were going afterwards.
func (u *UI) toSignIn(w http.ResponseWriter, r *http.Request) {
	target := "/login"
	if r.Method == http.MethodGet && r.URL.Path != "/" {
		target += "?next=" + url.QueryEscape(r.URL.RequestURI())
	}
	http.Redirect(w, r, target, http.StatusSeeOther)
}

// fail turns a handler's error into a page in words.
func (u *UI) fail(w http.ResponseWriter, r *http.Request, v *View, err error) {
	if errors.Is(err, apperr.Unauthenticated) {
		u.clearSession(w, r)
		u.toSignIn(w, r)
		return
	}
	v.Title = http.StatusText(statusOf(err))
	v.Fields = nil
	v.SetError(err)
	if v.Status == http.StatusInternalServerError {
		slog.ErrorContext(r.Context(), "web page failed", "err", err, "method", r.Method, "path", r.URL.Path,
			"request_id", w.Header().Get("X-Request-ID"))
		v.Error = "Something went wrong on our side (request " + w.Header().Get("X-Request-ID") + "). Please try again."
	}
	u.render(w, r, "error", v)
}

// render executes a page into a buffer first, so a template error never
// sends half a page.
func (u *UI) render(w http.ResponseWriter, r *http.Request, name string, v *View) {
	var buf bytes.Buffer
	if err := u.pages.execute(&buf, name, v); err != nil {
		slog.ErrorContext(r.Context(), "template failed", "page", name, "err", err)
		http.Error(w, "Internal Server Error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	if v.Status != 0 {
		w.WriteHeader(v.Status)
	}
	_, _ = buf.WriteTo(w)
}

// notFound is the page for every unknown path outside the API.
func (u *UI) notFound(w http.ResponseWriter, r *http.Request, v *View) error {
	v.Title, v.Status = "Not found", http.StatusNotFound
	v.Error = "There is no page at " + r.URL.Path + "."
	u.render(w, r, "error", v)
	return nil
}

// safeNext returns a local path to go to after signing in ("/" when next is
// missing or points elsewhere: no open redirect).
func safeNext(next string) string {
	if next == "" || !strings.HasPrefix(next, "/") || strings.HasPrefix(next, "//") || strings.HasPrefix(next, "/\\") {
		return "/"
	}
	return next
}

// values returns the viewer's effective settings, resolving them once per
// request; ok is false without a settings service or on an error.
func (u *UI) values(r *http.Request, v *View) (setting.Values, bool) {
	if v.settings != nil {
		return *v.settings, true
	}
	if u.deps.Settings == nil {
		return setting.Values{}, false
	}
	vals, err := u.deps.Settings.Values(r.Context(), v.Scope)
	if err != nil {
		return vals, false
	}
	v.settings = &vals
	return vals, true
}
