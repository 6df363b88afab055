package httpapi_test

import (
	"context"
	"encoding/json"
	"regexp"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

type orgBody struct {
	ID          string         `json:"id"`
	Name        string         `json:"name"`
	DisplayName string         `json:"display_name"`
	Slug        string         `json:"slug"`
	IsActive    bool           `json:"is_active"`
	Settings    map[string]any `json:"settings"`
}

type memberBody struct {
	ID       string `json:"id"`
	Email    string `json:"email"`
	Username string `json:"username"`
	Role     string `json:"role"`
	IsActive bool   `json:"is_active"`
}

type invitationBody struct {
	ID     string `json:"id"`
	Email  string `json:"email"`
	Role   string `json:"role"`
	Status string `json:"status"`
}

// acceptLink returns the token of the n-th invitation email to address.
func acceptLink(t *testing.T, env *testenv.Env, address string, n int) string {
	t.Helper()
	msg := env.Mail.WaitFor(t, address, n)
	tok := tokenInLink.FindStringSubmatch(msg.Text)
	if tok == nil || !strings.Contains(msg.Text, "/accept-invitation?token=") {
		t.Fatalf("invitation email has no accept link: %q", msg.Text)
	}
	return tok[1]
}

// sameKeys reports whether two JSON objects have the same set of keys.
func sameKeys(t *testing.T, a, b []byte) bool {
	t.Helper()
	var x, y map[string]any
	if json.Unmarshal(a, &x) != nil || json.Unmarshal(b, &y) != nil || len(x) != len(y) {
		return false
	}
	for k := range x {
		if _, ok := y[k]; !ok {
			return false
		}
	}
	return true
}

// auditCount counts audit rows of an org with an action and status.
func auditCount(t *testing.T, env *testenv.Env, orgID, action, status string) int {
	t.Helper()
	var n int
	if err := env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM audit_logs WHERE org_id = ? AND action = ? AND status = ?",
		orgID, action, status).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

func TestMyOrganizationAndSettings(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		var o orgBody
		if st := env.DoJSON(t, "GET", "/api/v1/organizations/me", a.viewerTok, nil, &o); st != 200 || o.ID != a.orgID {
			t.Fatalf("get as viewer: %d %+v", st, o)
		}
		if st := env.DoJSON(t, "PUT", "/api/v1/organizations/me", admin, map[string]any{"display_name": "Alpha Inc."}, &o); st != 200 || o.DisplayName != "Alpha Inc." {
			t.Fatalf("update: %d %+v", st, o)
		}
		if st, _ := env.Do(t, "PUT", "/api/v1/organizations/me", admin, map[string]any{"display_name": ""}); st != 422 {
			t.Fatalf("empty display_name: %d", st)
		}
		if auditCount(t, env, a.orgID, "organization.update", "success") != 1 {
			t.Fatal("no audit row for the update")
		}
		var s struct {
			Settings map[string]any `json:"settings"`
		}
		put := func(body string) {
			t.Helper()
			s.Settings = nil
			if st := env.DoJSON(t, "PUT", "/api/v1/organizations/me/settings", admin, body, &s); st != 200 {
				t.Fatalf("put settings %s: %d", body, st)
			}
		}
		put(`{"settings": {"quality_thresholds": {"conversion": 70, "clarity": 7}, "auto_optimize": true, "ocr": {"psm": 6}}}`)
		put(`{"settings": {"quality_thresholds": {"clarity": 8}, "ocr": {"psm": null}}}`)
		s.Settings = nil
		env.DoJSON(t, "GET", "/api/v1/organizations/me/settings", a.viewerTok, nil, &s)
		q := s.Settings["quality_thresholds"].(map[string]any)
		if q["conversion"] != 70.0 || q["clarity"] != 8.0 || s.Settings["auto_optimize"] != true {
			t.Fatalf("merged settings %v", s.Settings)
		}
		if _, ok := s.Settings["ocr"]; ok {
			t.Fatalf("null did not delete the key: %v", s.Settings)
		}
		if st, _ := env.Do(t, "PUT", "/api/v1/organizations/me/settings", admin, `{"settings": [1]}`); st != 422 {
			t.Fatalf("settings as a list: %d", st)
		}
		if st, _ := env.Do(t, "PUT", "/api/v1/organizations/me/settings", a.memberToken, `{"settings": {}}`); st != 403 {
			t.Fatalf("member puts settings: %d", st)
		}
	})
}

func TestSystemAdminManagesOrganizations(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		if err := user.SetSystemAdmin(context.Background(), env.DB, a.admin.ID, true); err != nil {
			t.Fatal(err)
		}
		sys := env.LoginAs(t, a.admin, a.orgID)
		var created orgBody
		if st := env.DoJSON(t, "POST", "/api/v1/organizations", sys, map[string]any{"name": "Beta Works"}, &created); st != 201 || created.Slug != "beta-works" {
			t.Fatalf("create: %d %+v", st, created)
		}
		for _, bad := range []map[string]any{{"name": "x", "slug": "Bad Slug"}, {"name": ""}, {"name": "Beta Works"}} {
			if st, body := env.Do(t, "POST", "/api/v1/organizations", sys, bad); st != 422 && st != 409 {
				t.Errorf("create %v: %d %s", bad, st, body)
			}
		}
		var list struct {
			Organizations []orgBody `json:"organizations"`
			Total         int       `json:"total"`
		}
		if st := env.DoJSON(t, "GET", "/api/v1/organizations?q=beta", sys, nil, &list); st != 200 || list.Total != 1 {
			t.Fatalf("list: %d %+v", st, list)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/organizations", a.memberToken, nil); st != 403 {
			t.Fatalf("non-system-admin lists organizations: %d", st)
		}
		// Deactivating an organization stops its members and keys.
		b := newTenant(t, env, "Bravo")
		bToken := env.LoginAs(t, b.admin, b.orgID)
		if st, body := env.Do(t, "DELETE", "/api/v1/organizations/"+b.orgID, sys, nil); st != 204 {
			t.Fatalf("deactivate: %d %s", st, body)
		}
		for _, cred := range []string{bToken, b.adminKey} {
			if st, _ := env.Do(t, "GET", "/api/v1/organizations/me", cred, nil); st != 401 {
				t.Errorf("credential of a deactivated org: %d", st)
			}
		}
		if st, _ := env.Do(t, "GET", "/api/v1/organizations/not-an-id", sys, nil); st != 404 {
			t.Fatalf("unknown org: %d", st)
		}
	})
}

var tokenInLink = regexp.MustCompile(`token=([A-Za-z0-9_-]+)`)

func TestInviteMembersAndRoleRules(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		admin := env.LoginAs(t, a.admin, a.orgID)
		// A new person: a pending invitation; the emailed link creates the account.
		var inv invitationBody
		if st := env.DoJSON(t, "POST", "/api/v1/organizations/me/users", admin, map[string]any{"email": "New.Person@Example.com", "role": "viewer"}, &inv); st != 201 {
			t.Fatalf("invite: %d", st)
		}
		if inv.Email != "new.person@example.com" || inv.Role != "viewer" || inv.Status != "pending" || inv.ID == "" {
			t.Fatalf("invitation %+v", inv)
		}
		var list struct {
			Users []memberBody `json:"users"`
			Total int          `json:"total"`
		}
		if env.DoJSON(t, "GET", "/api/v1/organizations/me/users?q=new.person", admin, nil, &list); list.Total != 0 {
			t.Fatalf("a pending invitation is already a member: %+v", list)
		}
		tok := acceptLink(t, env, "new.person@example.com", 1)
		var details httpapi.InvitationDetails
		if st := env.DoJSON(t, "GET", "/api/v1/invitations/"+tok, "", nil, &details); st != 200 || !details.NeedsPassword ||
			details.OrganizationName != "Alpha" || details.Role != "viewer" {
			t.Fatalf("invitation details: %d %+v", st, details)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": tok}); st != 422 {
			t.Fatalf("accept without a password for a new account: %d", st)
		}
		if st, body := env.Do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": tok, "password": "a-new-long-password"}); st != 200 {
			t.Fatalf("accept: %d %s", st, body)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": tok, "password": "a-new-long-password"}); st != 404 {
			t.Fatalf("accept twice: %d", st)
		}
		env.Login(t, "new.person@example.com", "a-new-long-password", a.orgID)
		// An existing (verified) user of another organization: the same
		// answer as for an unknown address, then a membership on accepting.
		b := newTenant(t, env, "Bravo")
		st, raw := env.Do(t, "POST", "/api/v1/organizations/me/users", admin, map[string]any{"email": b.member.Email})
		_, rawUnknown := env.Do(t, "POST", "/api/v1/organizations/me/users", admin, map[string]any{"email": "nobody@example.com"})
		if st != 201 || !sameKeys(t, raw, rawUnknown) || strings.Contains(string(raw), b.member.ID) || strings.Contains(string(raw), b.member.FullName) ||
			strings.Contains(string(raw), "username") || strings.Contains(string(raw), "last_login") {
			t.Fatalf("invite existing: %d %s (unknown address: %s)", st, raw, rawUnknown)
		}
		tok = acceptLink(t, env, b.member.Email, 1)
		if st, body := env.Do(t, "POST", "/api/v1/invitations/accept", "", map[string]any{"token": tok}); st != 200 {
			t.Fatalf("accept as a verified user: %d %s", st, body)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/organizations/me/users", admin, map[string]any{"email": b.member.Email}); st != 409 {
			t.Fatalf("invite a member: %d", st)
		}
		for _, bad := range []map[string]any{{"email": "not-an-email"}, {"email": "x@y.z", "role": "owner"}} {
			if st, _ := env.Do(t, "POST", "/api/v1/organizations/me/users", admin, bad); st != 422 {
				t.Errorf("invite %v: %d", bad, st)
			}
		}
		env.DoJSON(t, "GET", "/api/v1/organizations/me/users?role=viewer", admin, nil, &list)
		if list.Total != 2 {
			t.Fatalf("viewers: %+v", list)
		}
		env.DoJSON(t, "GET", "/api/v1/organizations/me/users?q=new.person&limit=1", admin, nil, &list)
		if list.Total != 1 || len(list.Users) != 1 {
			t.Fatalf("search: %+v", list)
		}
		if auditCount(t, env, a.orgID, "user.invite", "success") != 4 || auditCount(t, env, a.orgID, "user.invite", "failure") != 1 ||
			auditCount(t, env, a.orgID, "user.invitation_accept", "success") != 2 {
			t.Fatalf("invitations not audited as expected: %d %d %d", auditCount(t, env, a.orgID, "user.invite", "success"), auditCount(t, env, a.orgID, "user.invite", "failure"), auditCount(t, env, a.orgID, "user.invitation_accept", "success"))
		}
		var m memberBody
		// Role rules.
		path := "/api/v1/organizations/me/users/"
		if st, _ := env.Do(t, "PUT", path+a.admin.ID, admin, map[string]any{"role": "member"}); st != 409 {
			t.Fatalf("admin demotes self: %d", st)
		}
		if st, _ := env.Do(t, "DELETE", path+a.admin.ID, admin, nil); st != 409 {
			t.Fatalf("admin deactivates self: %d", st)
		}
		if st := env.DoJSON(t, "PUT", path+a.member.ID, admin, map[string]any{"role": "org_admin"}, &m); st != 200 || m.Role != "org_admin" {
			t.Fatalf("promote: %d %+v", st, m)
		}
		memberAsAdmin := env.LoginAs(t, a.member, a.orgID)
		if st, _ := env.Do(t, "DELETE", path+a.admin.ID, memberAsAdmin, nil); st != 204 {
			t.Fatalf("second admin deactivates the first: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/organizations/me", admin, nil); st != 401 {
			t.Fatalf("deactivated member's token still works: %d", st)
		}
		if st, _ := env.Do(t, "PUT", path+a.member.ID, memberAsAdmin, map[string]any{"role": "viewer"}); st != 409 {
			t.Fatalf("last admin demotes self: %d", st)
		}
		if st := env.DoJSON(t, "POST", path+a.admin.ID+"/reactivate", memberAsAdmin, nil, &m); st != 200 || !m.IsActive {
			t.Fatalf("reactivate: %d %+v", st, m)
		}
		if st, _ := env.Do(t, "POST", path+a.admin.ID+"/reactivate", memberAsAdmin, nil); st != 409 {
			t.Fatalf("reactivate twice: %d", st)
		}
		env.LoginAs(t, a.admin, a.orgID)
	})
}

func TestLastAdminCannotBeRemoved(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Solo")
		admin := env.CreateUser(t, o.ID, auth.RoleAdmin, "only admin")
		other := env.CreateUser(t, o.ID, auth.RoleAdmin, "other admin")
		tok := env.LoginAs(t, other, o.ID)
		// Deactivate the first admin; now "other" is the last one and cannot be demoted by anyone.
		if st, _ := env.Do(t, "DELETE", "/api/v1/organizations/me/users/"+admin.ID, tok, nil); st != 204 {
			t.Fatal(st)
		}
		var n int
		_ = env.DB.QueryRow(context.Background(), "SELECT COUNT(*) FROM memberships WHERE org_id = ? AND role = 'org_admin' AND is_active = ?", o.ID, true).Scan(&n)
		if n != 1 {
			t.Fatalf("%d active admins", n)
		}
		if st, _ := env.Do(t, "PUT", "/api/v1/organizations/me/users/"+other.ID, tok, map[string]any{"role": "member"}); st != 409 {
			t.Fatalf("last admin demoted: %d", st)
		}
		if auditCount(t, env, o.ID, "user.update", "failure") != 1 {
			t.Fatal("the refused change left no failure row")
		}
	})
}

func TestAuditLogListingExportAndScope(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a, b := newTenant(t, env, "Alpha"), newTenant(t, env, "Bravo")
		admin := env.LoginAs(t, a.admin, a.orgID)
		for i := 0; i < 5; i++ {
			env.Do(t, "PUT", "/api/v1/organizations/me/settings", admin, map[string]any{"settings": map[string]any{"ui.page_size": 10 + i}})
		}
		type page struct {
			Items []struct {
				ID             string  `json:"id"`
				OrganizationID *string `json:"organization_id"`
				Action         string  `json:"action"`
			} `json:"items"`
			NextCursor *string `json:"next_cursor"`
		}
		var p page
		if st := env.DoJSON(t, "GET", "/api/v1/audit-logs?action=organization.settings_update&limit=2", admin, nil, &p); st != 200 || len(p.Items) != 2 || p.NextCursor == nil {
			t.Fatalf("first page: %d %+v", st, p)
		}
		seen := len(p.Items)
		for p.NextCursor != nil {
			cursor := *p.NextCursor
			p = page{}
			env.DoJSON(t, "GET", "/api/v1/audit-logs?action=organization.settings_update&limit=2&cursor="+cursor, admin, nil, &p)
			seen += len(p.Items)
		}
		if seen != 5 {
			t.Fatalf("paged %d rows, want 5", seen)
		}
		for _, bad := range []string{"since=yesterday", "status=maybe", "cursor=not-a-cursor", "limit=0"} {
			if st, _ := env.Do(t, "GET", "/api/v1/audit-logs?"+bad, admin, nil); st != 422 {
				t.Errorf("%s: %d", bad, st)
			}
		}
		// CSV and JSON Lines exports of the same filter.
		resp := env.Request(t, "GET", "/api/v1/audit-logs/export?format=csv&action=organization.settings_update", nil,
			[]testenv.Header{{Name: "Authorization", Value: "Bearer " + admin}})
		var csvBody strings.Builder
		buf := make([]byte, 4096)
		for {
			n, err := resp.Body.Read(buf)
			csvBody.Write(buf[:n])
			if err != nil {
				break
			}
		}
		resp.Body.Close()
		if resp.StatusCode != 200 || strings.Count(csvBody.String(), "\n") != 6 || !strings.HasPrefix(csvBody.String(), "id,created_at") {
			t.Fatalf("csv export %d:\n%s", resp.StatusCode, csvBody.String())
		}
		st, jsonl := env.Do(t, "GET", "/api/v1/audit-logs/export?format=jsonl&action=organization.settings_update", admin, nil)
		lines := strings.Split(strings.TrimSpace(string(jsonl)), "\n")
		if st != 200 || len(lines) != 5 || !json.Valid([]byte(lines[0])) {
			t.Fatalf("jsonl export %d: %s", st, jsonl)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/audit-logs", a.memberToken, nil); st != 403 {
			t.Fatalf("member reads the audit log: %d", st)
		}
		// B's admin sees only B; a system administrator sees both.
		var pb page
		env.DoJSON(t, "GET", "/api/v1/audit-logs?limit=1000", env.LoginAs(t, b.admin, b.orgID), nil, &pb)
		for _, it := range pb.Items {
			if it.OrganizationID == nil || *it.OrganizationID != b.orgID {
				t.Fatalf("B's log holds a row of %v", it.OrganizationID)
			}
		}
		if err := user.SetSystemAdmin(context.Background(), env.DB, b.admin.ID, true); err != nil {
			t.Fatal(err)
		}
		var all page
		env.DoJSON(t, "GET", "/api/v1/audit-logs?limit=1000&action=organization.settings_update", env.LoginAs(t, b.admin, b.orgID), nil, &all)
		if len(all.Items) != 5 {
			t.Fatalf("system admin sees %d of A's rows", len(all.Items))
		}
	})
}

func TestOwnProfileAndPassword(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		a := newTenant(t, env, "Alpha")
		first := env.Login(t, a.member.Email, a.member.Password, a.orgID)
		second := env.LoginAs(t, a.member, a.orgID)
		var p struct {
			Username string  `json:"username"`
			FullName *string `json:"full_name"`
		}
		if st := env.DoJSON(t, "PUT", "/api/v1/users/me", second, map[string]any{"full_name": "Mem Ber", "username": "memb"}, &p); st != 200 || p.Username != "memb" {
			t.Fatalf("update profile: %d %+v", st, p)
		}
		if st, _ := env.Do(t, "PUT", "/api/v1/users/me", a.viewerTok, map[string]any{"username": "memb"}); st != 409 {
			t.Fatalf("taken username: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/users/me/password", second, map[string]any{"current_password": "wrong", "new_password": "another-long-password"}); st != 422 {
			t.Fatalf("wrong current password: %d", st)
		}
		if st, _ := env.Do(t, "POST", "/api/v1/users/me/password", second, map[string]any{"current_password": testenv.Password, "new_password": "short"}); st != 422 {
			t.Fatalf("short new password: %d", st)
		}
		if st, body := env.Do(t, "POST", "/api/v1/users/me/password", second, map[string]any{"current_password": testenv.Password, "new_password": "another-long-password"}); st != 200 {
			t.Fatalf("change password: %d %s", st, body)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/users/me", first.AccessToken, nil); st != 401 {
			t.Fatalf("other session survives a password change: %d", st)
		}
		if st, _ := env.Do(t, "GET", "/api/v1/users/me", second, nil); st != 200 {
			t.Fatalf("current session ended by its own password change: %d", st)
		}
		env.Login(t, "memb", "another-long-password", a.orgID)
		if auditCount(t, env, a.orgID, "user.password_change", "success") != 1 || auditCount(t, env, a.orgID, "user.password_change", "failure") != 1 {
			t.Fatal("password changes not audited")
		}
	})
}
