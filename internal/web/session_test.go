package web_test

import (
	"net/http"
	"net/url"
	"strings"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
)

// TestBrowserSessionIsTheAPISession: the cookie carries a session of the
// API's store, so signing out in the browser ends the same session for the
// API, and a revocation through the API ends the browser's.
func TestBrowserSessionIsTheAPISession(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada")
		b := newBrowser(t, env)

		if p := b.get("/members"); p.Status != http.StatusSeeOther || p.Location != "/login?next=%2Fmembers" {
			t.Fatalf("signed out /members: %d %q", p.Status, p.Location)
		}
		b.get("/login")
		p := b.post("/login", url.Values{"login": {u.Email}, "password": {u.Password}, "next": {"/members"}})
		if p.Status != http.StatusSeeOther || p.Location != "/members" {
			t.Fatalf("sign in: %d %q", p.Status, p.Location)
		}
		for _, set := range p.Header.Values("Set-Cookie") {
			if !strings.Contains(set, "HttpOnly") || !strings.Contains(set, "SameSite=Lax") {
				t.Errorf("cookie without HttpOnly/SameSite=Lax: %s", set)
			}
		}
		mustContain(t, b.get("/members"), "Ada", u.Email)

		access := b.cookie("curatore_session")
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", access, nil); st != http.StatusOK {
			t.Fatalf("the browser's access token on the API: %d", st)
		}
		b.get("/")
		if p := b.post("/logout", nil); p.Status != http.StatusSeeOther || p.Location != "/login" {
			t.Fatalf("sign out: %d %q", p.Status, p.Location)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/auth/me", access, nil); st != http.StatusUnauthorized {
			t.Errorf("API with the signed-out browser session: %d, want 401", st)
		}
		b.setCookie("curatore_session", access) // a copied cookie is dead too
		if p := b.get("/"); p.Status != http.StatusSeeOther {
			t.Errorf("/ with a revoked session: %d, want a redirect to sign in", p.Status)
		}

		// Revocation through the API (logout-all) ends a browser session.
		b2 := newBrowser(t, env)
		b2.signIn(u.Username, u.Password)
		token := env.LoginAs(t, u, "")
		if st, _ := env.Do(t, "POST", "/api/v1/auth/logout-all", token, nil); st != http.StatusOK {
			t.Fatalf("logout-all: %d", st)
		}
		if p := b2.get("/"); p.Status != http.StatusSeeOther {
			t.Errorf("browser after logout-all: %d, want a redirect to sign in", p.Status)
		}
	})
}

// TestExpiredAccessTokenIsRefreshedOnce: a browser holding only its refresh
// cookie gets a new pair; several requests racing with the same refresh
// cookie all succeed and do not trip the reuse detection.
func TestExpiredAccessTokenIsRefreshedOnce(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	o := env.CreateOrg(t, "Acme")
	u := env.CreateUser(t, o.ID, auth.RoleMember, "Bea")
	b := newBrowser(t, env)
	b.signIn(u.Email, u.Password)
	old := b.cookie("curatore_refresh")
	b.setCookie("curatore_session", "")

	var wg sync.WaitGroup
	statuses := make([]int, 5)
	for i := range statuses {
		wg.Add(1)
		go func() {
			defer wg.Done()
			req, _ := http.NewRequest("GET", env.URL+"/api-keys", nil)
			req.AddCookie(&http.Cookie{Name: "curatore_refresh", Value: old})
			resp, err := http.DefaultClient.Do(req)
			if err == nil {
				statuses[i] = resp.StatusCode
				resp.Body.Close()
			}
		}()
	}
	wg.Wait()
	for i, st := range statuses {
		if st != http.StatusOK {
			t.Errorf("concurrent request %d with the refresh cookie: %d", i, st)
		}
	}
	if p := b.get("/api-keys"); p.Status != http.StatusOK {
		t.Fatalf("after refresh: %d", p.Status)
	}
	if b.cookie("curatore_refresh") == old {
		t.Error("the refresh token did not rotate")
	}
	if p := b.get("/api-keys"); p.Status != http.StatusOK {
		t.Errorf("the session was revoked by the concurrent refreshes: %d", p.Status)
	}
}

// TestCSRF: every state-changing request needs the token bound to the
// browser's CSRF cookie.
func TestCSRF(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	o := env.CreateOrg(t, "Acme")
	u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada")
	b := newBrowser(t, env)
	b.signIn(u.Email, u.Password)
	b.get("/api-keys")
	good := b.csrf

	cases := []struct {
		name  string
		token string
		site  string
		want  int
	}{
		{"no token", "", "", http.StatusForbidden},
		{"wrong token", "AAAA" + good[4:], "", http.StatusForbidden},
		{"cross-site", good, "cross-site", http.StatusForbidden},
		{"good token", good, "same-origin", http.StatusCreated},
	}
	for _, c := range cases {
		form := url.Values{"name": {"k-" + c.name}, "csrf_token": {c.token}}
		req, _ := http.NewRequest("POST", env.URL+"/api-keys", strings.NewReader(form.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if c.site != "" {
			req.Header.Set("Sec-Fetch-Site", c.site)
		}
		p := b.do(req)
		if p.Status != c.want {
			t.Errorf("%s: status %d, want %d", c.name, p.Status, c.want)
		}
		if c.want == http.StatusForbidden {
			mustContain(t, p, "This form has expired or did not come from this site")
		}
	}
	// Another browser's token does not fit this browser's cookie.
	other := newBrowser(t, env)
	other.get("/login")
	p := b.post("/api-keys", url.Values{"name": {"x"}, "csrf_token": {other.csrf}})
	if p.Status != http.StatusForbidden {
		t.Errorf("another browser's token: %d", p.Status)
	}
}

// TestProfilePasswordAndSignOutEverywhere: a password change needs the
// current password and ends the other sessions; "sign out everywhere" ends
// this one too.
func TestProfilePasswordAndSignOutEverywhere(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	o := env.CreateOrg(t, "Acme")
	u := env.CreateUser(t, o.ID, auth.RoleViewer, "Vera")
	here, there := newBrowser(t, env), newBrowser(t, env)
	here.signIn(u.Email, u.Password)
	there.signIn(u.Email, u.Password)
	here.get("/profile")
	p := here.post("/profile/password", url.Values{"current_password": {"wrong-password"}, "new_password": {"another-password"}, "confirm_password": {"another-password"}})
	if p.Status < 400 || !strings.Contains(p.Body, `class="error"`) && !strings.Contains(p.Body, `class="field-error"`) {
		t.Fatalf("wrong current password: %d", p.Status)
	}
	p = here.post("/profile/password", url.Values{"current_password": {u.Password}, "new_password": {"another-password"}, "confirm_password": {"another-password"}})
	if p.Status != http.StatusSeeOther {
		t.Fatalf("change password: %d\n%s", p.Status, p.Body)
	}
	if p := there.get("/profile"); p.Status != http.StatusSeeOther {
		t.Errorf("the other browser after a password change: %d", p.Status)
	}
	if p := here.get("/profile"); p.Status != http.StatusOK {
		t.Fatalf("this browser after its password change: %d", p.Status)
	}
	if p := here.post("/logout-all", nil); p.Status != http.StatusSeeOther || p.Location != "/login" {
		t.Fatalf("sign out everywhere: %d %q", p.Status, p.Location)
	}
	if p := here.get("/profile"); p.Status != http.StatusSeeOther {
		t.Errorf("after signing out everywhere: %d", p.Status)
	}
}
