package httpapi_test

import (
	"net/http"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/testenv"
)

// TestInvitationTakeoverPrevented: someone registers the address of a
// person org A will invite (unverified, can sign in). The invitation grants
// them nothing; when the real owner accepts through the emailed link, the
// account gets the owner's password and every session of the squatter ends.
func TestInvitationTakeoverPrevented(t *testing.T) {
	testenv.Each(t, map[string]string{"ALLOW_REGISTRATION": "true"}, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Victim Org")
		admin := env.LoginAs(t, env.CreateUser(t, o.ID, auth.RoleAdmin, "Vic Admin"), o.ID)
		const alice = "alice@victim.example"
		reg := map[string]string{"email": alice, "username": "squatter", "password": "squatter-password"}
		if st, body := env.Do(t, "POST", "/api/v1/auth/register", "", reg); st != http.StatusCreated {
			t.Fatalf("register: %d %s", st, body)
		}
		squat := env.Login(t, alice, "squatter-password", "")
		squatKey := env.CreateAPIKey(t, squat.AccessToken, "squatter key")
		if st, _ := env.Do(t, "POST", "/api/v1/organizations/me/users", admin, map[string]any{"email": alice, "role": "org_admin"}); st != 201 {
			t.Fatalf("invite: %d", st)
		}
		// Nothing granted yet: the squatter cannot enter org A.
		body := map[string]string{"email_or_username": alice, "password": "squatter-password", "organization_id": o.ID}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/login", "", body); st != 422 {
			t.Fatalf("squatter signs in to the inviting org: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/switch-organization", squat.AccessToken, map[string]string{"organization_id": o.ID}); st != 422 {
			t.Fatalf("squatter switches to the inviting org: %d", st)
		}
		// The owner of the mailbox accepts: a password is required (never verified).
		tok := acceptLink(t, env, alice, 2) // 1 is the verification email
		if st, _ := env.Do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": tok}); st != 422 {
			t.Fatalf("accept without a password for an unverified account: %d", st)
		}
		if st, b := env.Do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": tok, "password": "alice-real-password"}); st != 200 {
			t.Fatalf("accept: %d %s", st, b)
		}
		for name, cred := range map[string]string{"session": squat.AccessToken, "api key": squatKey.Key} {
			if st, _ := env.Do(t, "GET", "/api/v1/auth/me", cred, nil); st != 401 {
				t.Errorf("squatter's %s after the owner accepted: %d", name, st)
			}
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/refresh", "", map[string]string{"refresh_token": squat.RefreshToken}); st != 401 {
			t.Errorf("squatter's refresh token: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email_or_username": alice, "password": "squatter-password"}); st != 401 {
			t.Errorf("squatter's password: %d", st)
		}
		var me struct {
			Role       string `json:"role"`
			IsVerified bool   `json:"is_verified"`
		}
		tokens := env.Login(t, alice, "alice-real-password", o.ID)
		if env.DoJSON(t, "GET", "/api/v1/auth/me", tokens.AccessToken, nil, &me); me.Role != "org_admin" || !me.IsVerified {
			t.Fatalf("owner after accepting: %+v", me)
		}
	})
}

// TestInvitationListingAndRevocation: admins see pending invitations and
// can revoke one; its link stops working.
func TestInvitationListingAndRevocation(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		var list struct {
			Invitations []invitationBody `json:"invitations"`
			Total       int              `json:"total"`
		}
		if st := env.DoJSON(t, "GET", "/api/v1/organizations/me/invitations", admin, nil, &list); st != 200 || list.Total != 1 ||
			list.Invitations[0].ID != a.invitationID || list.Invitations[0].Status != "pending" {
			t.Fatalf("pending: %d %+v", st, list)
		}
		tok := acceptLink(t, env, "invitee-alpha@example.com", 1)
		if st, _ := env.Do(t, "DELETE", "/api/v1/organizations/me/invitations/"+a.invitationID, admin, nil); st != 204 {
			t.Fatalf("revoke: %d", st)
		}
		if st, _ := env.Do(t, "DELETE", "/api/v1/organizations/me/invitations/"+a.invitationID, admin, nil); st != 409 {
			t.Fatalf("revoke twice: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/invitations/"+tok, "", nil); st != 404 {
			t.Fatalf("revoked link: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": tok, "password": "long-enough-pass"}); st != 404 {
			t.Fatalf("accept a revoked invitation: %d", st)
		}
		env.DoJSON(t, "GET", "/api/v1/organizations/me/invitations", admin, nil, &list)
		if list.Total != 0 {
			t.Fatalf("pending after revoke: %+v", list)
		}
		env.DoJSON(t, "GET", "/api/v1/organizations/me/invitations?status=all", admin, nil, &list)
		if list.Total != 1 || list.Invitations[0].Status != "revoked" {
			t.Fatalf("all: %+v", list)
		}
	})
}

// TestAdminCannotRewriteProfile: an org admin cannot set a member's name
// (the profile is the user's own, shared across organizations).
func TestAdminCannotRewriteProfile(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		st, body := env.Do(t, "PUT", "/api/v1/organizations/me/users/"+a.member.ID, admin, map[string]any{"full_name": "Renamed by admin"})
		if p := problem(t, body); st != 422 || len(p.Errors) == 0 || p.Errors[0].Field != "full_name" {
			t.Fatalf("admin sets full_name: %d %s", st, body)
		}
		var m memberBody
		env.DoJSON(t, "GET", "/api/v1/organizations/me/users/"+a.member.ID, admin, nil, &m)
		var name string
		_ = env.DB.QueryRow(t.Context(), "SELECT full_name FROM users WHERE id = ?", a.member.ID).Scan(&name)
		if name != a.member.FullName {
			t.Fatalf("name changed to %q", name)
		}
	})
}
