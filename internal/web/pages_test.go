package web_test

import (
	"context"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

// TestAdminPages drives the admin pages through their forms, as a browser
// without JavaScript would, and checks errors come back in words.
func TestAdminPages(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Acme")
		u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada")
		b := newBrowser(t, env)
		b.signIn(u.Email, u.Password)

		b.get("/members")
		p := b.post("/members", url.Values{"email": {"not an address"}, "role": {"member"}})
		if p.Status != http.StatusUnprocessableEntity {
			t.Fatalf("bad invite: %d", p.Status)
		}
		mustContain(t, p, "Must be a valid email address.", `value="not an address"`)
		if strings.Contains(p.Body, `"errors"`) || strings.Contains(p.Body, "validation_error") {
			t.Error("the invite error shows raw JSON or codes")
		}
		p = b.post("/members", url.Values{"email": {"new@example.com"}, "role": {"viewer"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("invite: %d\n%s", p.Status, p.Body)
		}
		p = b.get("/members")
		mustContain(t, p, "Invited new@example.com as Viewer", "Pending invitations", "new@example.com")
		mail := env.Mail.WaitFor(t, "new@example.com", 1)
		link := regexp.MustCompile(`http\S+/accept-invitation\?token=\S+`).FindString(mail.Text)
		if link == "" {
			t.Fatalf("no invitation link in %q", mail.Text)
		}

		// An admin cannot demote themself: the reason shows beside the row.
		p = b.post("/members/"+u.ID+"/role", url.Values{"role": {"viewer"}})
		if p.Status != http.StatusConflict && p.Status != http.StatusUnprocessableEntity && p.Status != http.StatusForbidden {
			t.Errorf("self-demotion: %d", p.Status)
		}
		if !strings.Contains(p.Body, `role="alert"`) {
			t.Error("self-demotion: no error beside the row")
		}

		// The invited person accepts from the emailed link, choosing a
		// password (a short one is explained first), and signs in.
		lu, _ := url.Parse(link)
		nb := newBrowser(t, env)
		mustContain(t, nb.get(lu.RequestURI()), "new@example.com", "Choose a password", "Viewer")
		tok := lu.Query().Get("token")
		p = nb.post("/accept-invitation", url.Values{"token": {tok}, "password": {"short"}, "confirm_password": {"short"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, `id="a-pw-error"`) {
			t.Errorf("short password: %d", p.Status)
		}
		p = nb.post("/accept-invitation", url.Values{"token": {tok}, "password": {"a-long-password"}, "confirm_password": {"a-long-password"}})
		if p.Status != http.StatusSeeOther {
			t.Fatalf("accept: %d\n%s", p.Status, p.Body)
		}
		if p := nb.get(lu.RequestURI()); !strings.Contains(p.Body, "invalid, expired, revoked or already used") {
			t.Errorf("a used invitation link: %d", p.Status)
		}
		nb.signIn("new@example.com", "a-long-password")
		if p := nb.get("/members"); p.Status != http.StatusForbidden {
			t.Errorf("a viewer on /members: %d, want 403", p.Status)
		}

		// Settings: a threshold's source moves from default to org and back;
		// a value out of range is explained beside the field.
		p = b.get("/settings")
		mustContain(t, p, `id="s-quality_thresholds.conversion"`)
		if src := settingSource(p.Body, "quality_thresholds.conversion"); src != "default" {
			t.Errorf("conversion threshold source %q, want default", src)
		}
		p = b.post("/settings/quality_thresholds.conversion", url.Values{"value": {"300"}})
		if p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Must be") {
			t.Errorf("out-of-range threshold: %d", p.Status)
		}
		if p := b.post("/settings/quality_thresholds.conversion", url.Values{"value": {"80"}}); p.Status != http.StatusSeeOther {
			t.Fatalf("set threshold: %d\n%s", p.Status, p.Body)
		}
		p = b.get("/settings")
		if src := settingSource(p.Body, "quality_thresholds.conversion"); src != "org" {
			t.Errorf("after saving, source %q, want org", src)
		}
		b.post("/settings/quality_thresholds.conversion", url.Values{"reset": {"1"}})
		if src := settingSource(b.get("/settings").Body, "quality_thresholds.conversion"); src != "default" {
			t.Errorf("after reset, source %q, want default", src)
		}

		// The audit log lists what happened, and exports it.
		p = b.get("/audit?action=user.*")
		mustContain(t, p, "user.invite", "/audit/export?action=user.%2A&amp;format=csv")
		if strings.Contains(p.Body, "<code>auth.login</code>") {
			t.Error("the action filter did not apply")
		}
		p = b.get("/audit/export?format=csv&action=organization.*")
		if p.Status != http.StatusOK || !strings.HasPrefix(p.Body, "id,created_at,") || !strings.Contains(p.Body, "organization.settings_update") {
			t.Errorf("CSV export: %d %.200q", p.Status, p.Body)
		}
		if p := b.get("/audit?since=yesterday"); p.Status != http.StatusUnprocessableEntity || !strings.Contains(p.Body, "Must be a date") {
			t.Errorf("bad since filter: %d", p.Status)
		}
		mustContain(t, b.get("/system"), "database", "healthy")
		if p := b.get("/admin/organizations"); p.Status != http.StatusForbidden {
			t.Errorf("organizations page for a non-system-admin: %d", p.Status)
		}
	})
}

// TestAPIKeyShownOnce: the created key is in the creating response only,
// works against the API, and stops working when revoked from the page.
func TestAPIKeyShownOnce(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	o := env.CreateOrg(t, "Acme")
	u := env.CreateUser(t, o.ID, auth.RoleMember, "Ada")
	b := newBrowser(t, env)
	b.signIn(u.Email, u.Password)
	b.get("/api-keys")
	if p := b.post("/api-keys", url.Values{"name": {""}}); !strings.Contains(p.Body, "Must be 1 to 255 characters.") {
		t.Errorf("empty key name: %d, error not shown", p.Status)
	}
	p := b.post("/api-keys", url.Values{"name": {"nightly"}, "expires_days": {"30"}})
	m := regexp.MustCompile(`id="new-key" type="text" readonly value="([^"]+)"`).FindStringSubmatch(p.Body)
	if p.Status != http.StatusCreated || m == nil {
		t.Fatalf("create key: %d", p.Status)
	}
	key := m[1]
	if st, _ := env.Do(t, "GET", "/api/v1/auth/me", key, nil); st != http.StatusOK {
		t.Fatalf("the new key on the API: %d", st)
	}
	list := b.get("/api-keys")
	if strings.Contains(list.Body, key) {
		t.Fatal("the full key is shown again")
	}
	id := regexp.MustCompile(`action="/api-keys/([^/]+)/revoke"`).FindStringSubmatch(list.Body)
	if id == nil {
		t.Fatal("no revoke button")
	}
	if p := b.post("/api-keys/"+id[1]+"/revoke", nil); p.Status != http.StatusSeeOther {
		t.Fatalf("revoke: %d", p.Status)
	}
	if st, _ := env.Do(t, "GET", "/api/v1/auth/me", key, nil); st != http.StatusUnauthorized {
		t.Errorf("a revoked key on the API: %d", st)
	}
	p = b.post("/api-keys/"+id[1]+"/revoke", nil)
	if p.Status != http.StatusConflict || !strings.Contains(p.Body, "API key is already revoked.") {
		t.Errorf("revoking twice: %d", p.Status)
	}
}

// TestSystemAdminOrganizationsAndSwitcher: a system administrator manages
// organizations; a member of two organizations switches between them.
func TestSystemAdminOrganizationsAndSwitcher(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	o := env.CreateOrg(t, "Acme")
	u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Root")
	if err := user.SetSystemAdmin(context.Background(), env.DB, u.ID, true); err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, env)
	b.signIn(u.Email, u.Password)
	b.get("/admin/organizations")
	if p := b.post("/admin/organizations", url.Values{"name": {""}}); p.Status != http.StatusUnprocessableEntity {
		t.Errorf("nameless organization: %d", p.Status)
	}
	if p := b.post("/admin/organizations", url.Values{"name": {"Beta Corp"}}); p.Status != http.StatusSeeOther {
		t.Fatalf("create organization: %d", p.Status)
	}
	p := b.get("/admin/organizations?q=beta")
	mustContain(t, p, "Created Beta Corp", "beta-corp")
	beta := regexp.MustCompile(`id="org-([^"]+)"`).FindStringSubmatch(p.Body)
	if beta == nil {
		t.Fatal("beta is not listed")
	}
	env.AddMembership(t, beta[1], u.ID, auth.RoleViewer)
	b.get("/")
	if p := b.post("/switch-organization", url.Values{"organization_id": {beta[1]}}); p.Status != http.StatusSeeOther {
		t.Fatalf("switch: %d", p.Status)
	}
	p = b.get("/")
	mustContain(t, p, "You are now working in Beta Corp", "Viewer")
	if strings.Contains(p.Body, `href="/members"`) {
		t.Error("a viewer is offered the members page")
	}
}

// TestMountingAndAuthDisabled: unknown API paths stay problem documents,
// other unknown paths are HTML; with ENABLE_AUTH=false pages open without
// signing in and say so.
func TestMountingAndAuthDisabled(t *testing.T) {
	env := testenv.New(t, "sqlite", map[string]string{"ENABLE_AUTH": "false"})
	b := newBrowser(t, env)
	for path, ctype := range map[string]string{"/api/v1/nope": "application/problem+json", "/nope": "text/html; charset=utf-8"} {
		p := b.get(path)
		if p.Status != http.StatusNotFound || p.Header.Get("Content-Type") != ctype {
			t.Errorf("%s: %d %s, want 404 %s", path, p.Status, p.Header.Get("Content-Type"), ctype)
		}
	}
	p := b.get("/")
	if p.Status != http.StatusOK {
		t.Fatalf("/ without auth: %d", p.Status)
	}
	mustContain(t, p, "Authentication is disabled", "Overview")
	csp := p.Header.Get("Content-Security-Policy")
	if !strings.Contains(csp, "script-src 'self'") || strings.Contains(csp, "unsafe-inline") {
		t.Errorf("CSP %q", csp)
	}
	if p := b.get(assetURL(t, p.Body, "app.css")); p.Status != http.StatusOK || !strings.Contains(p.Header.Get("Cache-Control"), "immutable") {
		t.Errorf("stylesheet: %d %q", p.Status, p.Header.Get("Cache-Control"))
	}
}

func assetURL(t *testing.T, body, name string) string {
	m := regexp.MustCompile(`"(/static/` + regexp.QuoteMeta(name) + `\?v=[0-9a-f]+)"`).FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no link to %s", name)
	}
	return m[1]
}

// settingSource reads the source badge of one setting's row.
func settingSource(body, key string) string {
	m := regexp.MustCompile(`id="s-` + regexp.QuoteMeta(key) + `"[\s\S]*?class="badge src-(\w+)"`).FindStringSubmatch(body)
	if m == nil {
		return ""
	}
	return m[1]
}

// TestSetupLink: the first administrator is made through the setup link,
// and the link stops working once a user exists.
func TestSetupLink(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	token, err := env.App.Auth.NewSetupToken(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	b := newBrowser(t, env)
	if p := b.get("/setup?token=wrong"); p.Status != http.StatusBadRequest || !strings.Contains(p.Body, "setup link is invalid") {
		t.Errorf("wrong token: %d", p.Status)
	}
	mustContain(t, b.get("/setup?token="+token), "Create the first administrator")
	p := b.post("/setup", url.Values{"token": {token}, "email": {"root@example.com"}, "username": {"root"},
		"password": {"a-long-password"}, "confirm_password": {"a-long-password"}})
	if p.Status != http.StatusSeeOther || p.Location != "/" {
		t.Fatalf("setup: %d %q\n%s", p.Status, p.Location, p.Body)
	}
	mustContain(t, b.get("/"), "Curatore is set up", "Admin")
	if p := newBrowser(t, env).get("/setup?token=" + token); p.Status != http.StatusConflict {
		t.Errorf("setup link after setup: %d", p.Status)
	}
}
