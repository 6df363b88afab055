package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/testenv"
)

// TestOrganizationShowsOnlyReadableSettings: GET /organizations/me gives a
// member or viewer the settings they may read, as /organizations/me/settings
// does; the admin-only ones (a token budget) only to admins.
func TestOrganizationShowsOnlyReadableSettings(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		body := `{"settings": {"quality_thresholds": {"clarity": 8}, "llm": {"monthly_token_budget": 5000}}}`
		if st, b := env.Do(t, "PUT", "/api/v1/organizations/me/settings", admin, body); st != http.StatusOK {
			t.Fatalf("PUT settings: %d %s", st, b)
		}
		for _, c := range []struct {
			who, token string
			budget     bool
		}{{"viewer", a.viewerTok, false}, {"member", a.memberToken, false}, {"admin", admin, true}} {
			st, b := env.Do(t, "GET", "/api/v1/organizations/me", c.token, nil)
			if st != http.StatusOK || !strings.Contains(string(b), `"clarity":8`) {
				t.Fatalf("%s: %d %s", c.who, st, b)
			}
			if got := strings.Contains(string(b), "monthly_token_budget"); got != c.budget {
				t.Errorf("%s sees the token budget: %v (%s)", c.who, got, b)
			}
		}
	})
}
