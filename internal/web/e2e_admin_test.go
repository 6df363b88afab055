package web_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/llm/llmtest"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

// TestBrowserAdminFlow drives Chromium through the administration pages:
// sign in with the keyboard only, invite a person, create an API key (shown
// once) and revoke it, change the organization's settings, read the audit
// log, the health dashboard and the organizations, switch organization and
// sign out. Every page is screenshotted, in light and dark and on a phone.
func TestBrowserAdminFlow(t *testing.T) {
	env := testenv.New(t, "sqlite", nil)
	o := env.CreateOrg(t, "Acme Research")
	u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Ada Admin")
	if err := user.SetSystemAdmin(context.Background(), env.DB, u.ID, true); err != nil {
		t.Fatal(err)
	}
	other := env.CreateOrg(t, "Beta Labs")
	env.AddMembership(t, other.ID, u.ID, auth.RoleMember)
	c := newChrome(t, env.URL)

	// Sign in with the keyboard alone: the field has focus, Tab moves on,
	// Enter submits.
	c.open("/members")
	c.shot("login")
	c.do("sign in by keyboard", chromedp.KeyEvent(u.Email), chromedp.KeyEvent(kb.Tab), chromedp.KeyEvent(u.Password),
		chromedp.KeyEvent(kb.Enter), chromedp.WaitVisible(chromedp.CSS("#inv-email")))
	c.expectText("h1", "Members")

	c.do("invite", chromedp.SendKeys(chromedp.CSS("#inv-email"), "grace@example.com"),
		chromedp.SetValue(chromedp.CSS("#inv-role"), "viewer"), chromedp.Click(chromedp.CSS(`form[method="post"][action="/members"] button`)),
		chromedp.WaitVisible(chromedp.CSS(".flash")))
	c.expectText(".flash", "Invited grace@example.com as Viewer")
	c.expectText("#inv-list-h + .table-wrap", "grace@example.com")
	c.shot("members")
	c.do("bad invite", chromedp.SendKeys(chromedp.CSS("#inv-email"), "nope"),
		chromedp.Click(chromedp.CSS(`form[method="post"][action="/members"] button`)), chromedp.WaitVisible(chromedp.CSS("#inv-email-error")))
	c.expectText("#inv-email-error", "Must be a valid email address.")
	c.shot("members-error")

	// A connection: the form comes from the LLM type's schema; the secret is
	// write-only; Test shows the result and the latency.
	fake := llmtest.New(t)
	fake.RequireKey("sk-test-secret-123")
	c.open("/connections")
	c.do("new LLM connection", chromedp.SetValue(chromedp.CSS("#new-type"), "llm"),
		chromedp.Click(chromedp.CSS(`form[action="/connections"][method="get"] button`)), chromedp.WaitVisible(chromedp.CSS("#cf-base_url")))
	c.shot("connection-form")
	c.do("fill the connection", chromedp.SendKeys(chromedp.CSS("#cf-name"), "Fake LLM"),
		chromedp.SetValue(chromedp.CSS("#cf-base_url"), fake.URL()), chromedp.SendKeys(chromedp.CSS("#cf-api_key"), "sk-test-secret-123"),
		chromedp.SendKeys(chromedp.CSS("#cf-model"), "test-model"), chromedp.Click(chromedp.CSS("#cf-default")),
		chromedp.Click(chromedp.CSS(`form[action="/connections"][method="post"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	c.expectText(".flash", "Saved Fake LLM.")
	c.do("test the connection", chromedp.Click(chromedp.CSS(`form[action$="/test"] button`)))
	c.waitText("td.test-result", "tested just now", 10*time.Second)
	c.expectText("td.test-result", "healthy")
	c.expectText("td.test-result", "ms")
	if html, _ := chromedp.Run(c.ctx, chromedp.OuterHTML(chromedp.CSS("html"))); strings.Contains(html, "sk-test-secret-123") {
		t.Fatal("the connection's secret is in the page")
	}
	c.shot("connections")

	c.open("/api-keys")
	c.do("create key", chromedp.SendKeys(chromedp.CSS("#key-name"), "nightly import"),
		chromedp.Click(chromedp.CSS(`form[action="/api-keys"] button[type=submit]`)), chromedp.WaitVisible(chromedp.CSS("#new-key")))
	key := c.value("#new-key")
	if !strings.HasPrefix(key, env.Config.APIKeyPrefix) {
		t.Fatalf("created key %q", key)
	}
	c.do("copy", chromedp.Click(chromedp.CSS("[data-copy]")))
	c.shot("api-key-created")
	if st, _ := env.Do(t, "GET", "/api/v1/auth/me", key, nil); st != 200 {
		t.Fatalf("the key from the page on the API: %d", st)
	}
	c.do("revoke", chromedp.Click(chromedp.CSS(`form[action$="/revoke"] button`)), chromedp.WaitVisible(chromedp.CSS(".flash")))
	c.expectText(".flash", "The key is revoked")
	if st, _ := env.Do(t, "GET", "/api/v1/auth/me", key, nil); st != 401 {
		t.Fatalf("the revoked key on the API: %d", st)
	}
	c.shot("api-keys")

	c.open("/organization")
	c.shot("organization")
	c.open("/settings")
	const conv = "#s-quality_thresholds\\.conversion"
	c.expectText(conv+" .badge", "default")
	c.do("change a threshold", chromedp.SetValue(chromedp.CSS("#v-quality_thresholds\\.conversion"), "85"),
		chromedp.Click(chromedp.CSS(conv+" button")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	c.expectText(conv+" .badge", "org")
	c.expectText(conv+" .value", "85")
	c.shot("settings")

	c.open("/audit")
	c.expectText("table", "api_key.revoke")
	c.expectText("table", "organization.settings_update")
	c.shot("audit")
	c.open("/audit?action=user.*")
	c.expectText("table", "user.invite")

	c.open("/webhooks")
	c.shot("webhooks")
	c.open("/system")
	c.expectText("main", "database")
	c.shot("system")
	c.open("/admin/organizations")
	c.expectText("table", "Beta Labs")
	c.shot("organizations")
	c.open("/")
	c.shot("overview")
	c.dark(true)
	c.shot("overview-dark")
	c.open("/members")
	c.shot("members-dark")
	c.dark(false)
	c.phone()
	c.open("/members")
	c.shot("members-phone")
	c.desktop()

	c.do("switch organization", chromedp.SetValue(chromedp.CSS("#org-switch"), other.ID),
		chromedp.Click(chromedp.CSS(".switcher button")), chromedp.WaitVisible(chromedp.CSS(".flash")))
	c.expectText(".flash", "You are now working in")
	c.expectText(".who", "Member")

	c.do("sign out", chromedp.Click(chromedp.CSS(`form[action="/logout"] button`)), chromedp.WaitVisible(chromedp.CSS("#login")))
	c.expectText(".flash", "You are signed out.")
	c.open("/forgot-password")
	c.shot("forgot-password")
	c.noPageErrors()
	c.open("/no-such-page") // its 404 is logged by the browser, so after the check
	c.shot("not-found")
}
