package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"net/http"

	"github.com/curatore/curatore/internal/auth"
)

// CSRF protection is a signed double submit: the browser holds a random
// HttpOnly cookie, and every form (hidden field csrf_token) and every
// state-changing fetch (header X-CSRF-Token, read from the page's meta tag)
// carries HMAC(server key, cookie). Another site can make the browser send
// the cookie but can neither read it nor compute the token. Cross-site
// requests announced by Sec-Fetch-Site are refused outright as well.
const (
	csrfCookie = "curatore_csrf"
	csrfField  = "csrf_token"
	csrfHeader = "X-CSRF-Token"
)

// csrfToken returns the token for this browser, setting the cookie on the
// first visit.
func (u *UI) csrfToken(w http.ResponseWriter, r *http.Request) string {
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		c = u.cookie(r, csrfCookie, auth.RandomToken(32), 0)
		http.SetCookie(w, c)
		r.AddCookie(c) // later reads in this request see it
	}
	return u.signCSRF(c.Value)
}

func (u *UI) signCSRF(seed string) string {
	m := hmac.New(sha256.New, u.csrfKey)
	m.Write([]byte(seed))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// csrfOK checks a state-changing request's token against its cookie.
func (u *UI) csrfOK(r *http.Request) bool {
	if r.Header.Get("Sec-Fetch-Site") == "cross-site" {
		return false
	}
	c, err := r.Cookie(csrfCookie)
	if err != nil || len(c.Value) < 32 {
		return false
	}
	got := r.Header.Get(csrfHeader)
	if got == "" {
		got = r.PostFormValue(csrfField)
	}
	return got != "" && hmac.Equal([]byte(got), []byte(u.signCSRF(c.Value)))
}

// safeMethod reports whether a request cannot change state.
func safeMethod(m string) bool {
	return m == http.MethodGet || m == http.MethodHead || m == http.MethodOptions
}
