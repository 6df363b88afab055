package web

import (
	"context"
	"errors"
	"net/http"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
)

// The browser session is the API's session: the access and refresh tokens
// of a row in `sessions`, carried in HttpOnly cookies instead of an
// Authorization header. Logout, logout-all, a password reset, a
// deactivation or a role change therefore end or change the browser
// session exactly as they do an API client's.
const (
	accessCookie  = "curatore_session"
	refreshCookie = "curatore_refresh"
)

// refreshGrace is how long the result of a refresh is reused for the same
// refresh token. A browser sends several requests at once (a page and its
// fetches); when the access token has expired they all carry the same
// refresh token, and presenting a rotated one again would be taken for
// theft and revoke the session. So the first refresh runs and the others,
// arriving within the grace period, get its result.
const refreshGrace = time.Minute

// sessionKeeper remembers recent refreshes by the refresh token they spent.
type sessionKeeper struct {
	mu     sync.Mutex
	recent map[string]recentRefresh
}

type recentRefresh struct {
	tokens auth.Tokens
	at     time.Time
}

func newSessionKeeper() *sessionKeeper { return &sessionKeeper{recent: map[string]recentRefresh{}} }

// refresh trades refreshToken for a new pair once per grace period.
func (k *sessionKeeper) refresh(ctx context.Context, svc *auth.Service, refreshToken string) (auth.Tokens, error) {
	key := auth.Digest(refreshToken)
	k.mu.Lock()
	defer k.mu.Unlock()
	now := time.Now()
	for t, r := range k.recent {
		if now.Sub(r.at) > refreshGrace {
			delete(k.recent, t)
		}
	}
	if r, ok := k.recent[key]; ok {
		return r.tokens, nil
	}
	t, err := svc.Refresh(ctx, refreshToken)
	if err != nil {
		return t, err
	}
	k.recent[key] = recentRefresh{tokens: t, at: now}
	return t, nil
}

// authenticate returns the caller's scope from the session cookies,
// refreshing an expired access token on the way. With ENABLE_AUTH=false a
// request without a session acts as the default organization's admin
// (Method anonymous). ok is false when nobody is signed in.
func (u *UI) authenticate(w http.ResponseWriter, r *http.Request) (auth.Scope, bool) {
	ctx := r.Context()
	if c, err := r.Cookie(accessCookie); err == nil && c.Value != "" {
		sc, err := u.deps.Auth.AuthenticateAccess(ctx, c.Value)
		if err == nil {
			return sc, true
		}
		if sc, ok := u.refreshSession(w, r); ok {
			return sc, true
		}
	} else if sc, ok := u.refreshSession(w, r); ok {
		return sc, true
	}
	if !u.deps.Config.EnableAuth {
		sc, err := u.deps.Auth.Anonymous(ctx)
		return sc, err == nil
	}
	return auth.Scope{}, false
}

// refreshSession uses the refresh cookie, if any, to open a new access
// token. A failed refresh clears both cookies.
func (u *UI) refreshSession(w http.ResponseWriter, r *http.Request) (auth.Scope, bool) {
	c, err := r.Cookie(refreshCookie)
	if err != nil || c.Value == "" {
		return auth.Scope{}, false
	}
	t, err := u.sessions.refresh(r.Context(), u.deps.Auth, c.Value)
	if err == nil {
		var sc auth.Scope
		if sc, err = u.deps.Auth.AuthenticateAccess(r.Context(), t.AccessToken); err == nil {
			u.setSession(w, r, t)
			return sc, true
		}
	}
	if !errors.Is(err, apperr.Unauthenticated) && !errors.Is(err, apperr.RateLimited) {
		return auth.Scope{}, false // a database hiccup: keep the cookies for the next try
	}
	u.clearSession(w, r)
	return auth.Scope{}, false
}

// setSession stores a token pair in the session cookies. Both live as long
// as the refresh token: an expired access token is refreshed on use.
func (u *UI) setSession(w http.ResponseWriter, r *http.Request, t auth.Tokens) {
	maxAge := int(u.deps.Config.JWTRefreshTokenExpire.Seconds())
	http.SetCookie(w, u.cookie(r, accessCookie, t.AccessToken, maxAge))
	http.SetCookie(w, u.cookie(r, refreshCookie, t.RefreshToken, maxAge))
}

// clearSession removes the session cookies.
func (u *UI) clearSession(w http.ResponseWriter, r *http.Request) {
	http.SetCookie(w, u.cookie(r, accessCookie, "", -1))
	http.SetCookie(w, u.cookie(r, refreshCookie, "", -1))
}

// cookie makes an HttpOnly, SameSite=Lax cookie for the whole site, Secure
// when the request came over TLS (directly, or through a trusted proxy).
func (u *UI) cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		Secure: u.overTLS(r), SameSite: http.SameSiteLaxMode}
}

// overTLS reports whether the browser reached us over HTTPS.
func (u *UI) overTLS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	return u.deps.Config.TrustProxyHeaders && r.Header.Get("X-Forwarded-Proto") == "https"
}
