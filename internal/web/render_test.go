package web

import (
	"bytes"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/user"
)

// fullFrame is a signed-in system administrator with two organizations, a
// flash message, a form error and field errors.
func fullFrame(data any) *View {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	return &View{Title: "Page", Section: "home", Version: "1.2.3", CSRF: "tok", SignedIn: true, AuthDisabled: true,
		Theme: "dark", PageSize: 25,
		Scope: auth.Scope{OrgID: "o1", UserID: "u1", Role: auth.RoleAdmin, Method: auth.MethodJWT, SessionID: "s1", SystemAdmin: true},
		User:  user.User{ID: "u1", Email: "ada@example.com", Username: "ada", FullName: "Ada <Lovelace>", LastLoginAt: &now},
		Org:   user.Membership{OrgID: "o1", OrgName: "acme", OrgDisplayName: "Acme & Co", Role: "org_admin", IsActive: true, OrgIsActive: true},
		Orgs: []user.Membership{
			{OrgID: "o1", OrgName: "acme", OrgDisplayName: "Acme & Co", IsActive: true, OrgIsActive: true},
			{OrgID: "o2", OrgName: "beta", IsActive: true, OrgIsActive: true},
		},
		Flash: "Saved.", Error: "Something is wrong.", Fields: map[string]string{"email": "Must be valid.", "name": "Too long.",
			"settings": "Not JSON.", "expires_days": "Whole number.", "status": "Bad.", "since": "Bad date."},
		Form: url.Values{"email": {"x@example.com"}, "name": {"n"}, "role": {"viewer"}, "status": {"failure"}},
		Data: data}
}

// fullData is one filled view model per page. A page without an entry
// fails the test: every template is rendered full as well as empty.
func fullData() map[string]any {
	now := time.Date(2026, 12, 1, 10, 0, 0, 0, time.UTC)
	s := func(v string) *string { return &v }
	members := []org.Member{
		{ID: "m1", Email: "ada@example.com", Username: "ada", FullName: "Ada", Role: auth.RoleAdmin, IsActive: true, IsVerified: true, CreatedAt: now, LastLoginAt: &now},
		{ID: "m2", Email: "bob@example.com", Username: "bob", Role: auth.RoleViewer, IsActive: false, CreatedAt: now},
	}
	out := map[string]any{
		"login": nil, "forgot": nil, "verify": nil, "error": nil,
		"reset": "ada@example.com",
		"home":  &HomeData{Members: 12, Jobs: map[string]int{"completed": 3, "running": 1}},
		"members": &MembersData{Members: members, Total: 120, Q: "ad", Role: "org_admin", Status: "active", Skip: 50,
			Next: "/members?skip=100", Prev: "/members?skip=0", RowError: map[string]string{"m2": "The last admin cannot be removed."},
			Invitations: []org.Invitation{{ID: "i1", Email: "new@example.com", Role: auth.RoleViewer, CreatedAt: now, ExpiresAt: now}}},
		"apikeys": &KeysData{Created: "cur_secret_once", Total: 2, RowError: map[string]string{"k2": "Already revoked."},
			Keys: []auth.APIKey{{ID: "k1", Name: "nightly", Prefix: "cur_abcd", IsActive: true, Scopes: []string{"read", "write"}, CreatedAt: now, LastUsedAt: &now, ExpiresAt: &now},
				{ID: "k2", Name: "old", Prefix: "cur_efgh", CreatedAt: now}}},
		"organization": &OrgData{Org: org.Organization{ID: "o1", Name: "acme", DisplayName: "Acme", Slug: "acme", CreatedAt: now}},
		"settings":     settingsData(),
		"profile":      nil,
		"setup":        nil,
		"accept": &org.InvitationView{Invitation: org.Invitation{ID: "i1", Email: "new@example.com", Role: auth.RoleMember},
			OrgName: "acme", OrgDisplayName: "Acme", NeedsPassword: true},
		"audit": &AuditData{Filter: url.Values{"action": {"user.*"}}, Next: "/audit?cursor=abc", CSV: "/audit/export?format=csv",
			JSONL: "/audit/export?format=jsonl", AllOrgs: true, Items: []audit.Log{
				{ID: "a1", OrganizationID: s("o1"), UserID: s("u1"), Action: "user.invite", EntityType: s("user"), EntityID: s("u2"),
					Details: map[string]any{"email": "bob@example.com"}, IPAddress: s("127.0.0.1"), Status: "success", CreatedAt: now},
				{ID: "a2", Action: "auth.login", Status: "failure", ErrorMessage: s("Invalid email/username or password"), CreatedAt: now},
			}},
		"system": &SystemData{Workers: 4, Queue: map[string]int{"queued": 2}, Overall: health.Degraded, Issues: []string{"queue: slow"}, CheckedAt: now, Version: "1.2.3",
			Components: []Component{{Name: "database", Status: health.Healthy, Message: "ok", Details: []Detail{{Name: "engine", Value: "sqlite"}}},
				{Name: "queue", Status: health.Degraded, Message: "slow"}, {Name: "llm", Status: health.NotConfigured}}},
		"organizations": &OrgsData{Total: 2, Q: "a", RowError: map[string]string{"o2": "Not allowed."}, Orgs: []org.Organization{
			{ID: "o1", Name: "acme", DisplayName: "Acme", Slug: "acme", IsActive: true, CreatedAt: now},
			{ID: "o2", Name: "beta", Slug: "beta", CreatedAt: now}}},
	}
	for k, v := range documentsFullData() {
		out[k] = v
	}
	for k, v := range sourcesFullData() {
		out[k] = v
	}
	return out
}

// settingsData has a row of every kind: pinned by the environment, set by
// the organization, failed with an error, enumerated, boolean.
func settingsData() *SettingsData {
	d := &SettingsData{}
	for i, def := range setting.Catalogue() {
		row := SettingRow{Def: def, Value: settingText(def.Default), Source: setting.FromDefault, Editable: i%5 != 4}
		switch i % 4 {
		case 1:
			row.Source, row.Pinned = setting.FromEnv, true
		case 2:
			row.Source, row.OrgValue, row.HasOrg = setting.FromOrg, row.Value, true
		case 3:
			row.Error, row.Submitted = "Must be between 0 and 100.", "300"
		}
		d.Rows = append(d.Rows, row)
	}
	return d
}

func TestEveryTemplateRendersEmptyAndFull(t *testing.T) {
	ps := mustParsePages(mustLoadAssets())
	full := fullData()
	for _, name := range ps.names() {
		t.Run(name, func(t *testing.T) {
			var empty bytes.Buffer
			if err := ps.execute(&empty, name, &View{}); err != nil {
				t.Fatalf("empty view: %v", err)
			}
			data, ok := full[name]
			if !ok {
				t.Fatalf("no full view model for page %q: add one to fullData", name)
			}
			var buf bytes.Buffer
			if err := ps.execute(&buf, name, fullFrame(data)); err != nil {
				t.Fatalf("full view: %v", err)
			}
			html := buf.String()
			for _, want := range []string{"<!doctype html>", `name="csrf-token" content="tok"`, "Ada &lt;Lovelace&gt;", "Saved.", "ENABLE_AUTH=false"} {
				if !strings.Contains(html, want) {
					t.Errorf("full %s lacks %q", name, want)
				}
			}
			if strings.Contains(html, "%!") {
				t.Errorf("%s has a formatting error: %s", name, html[strings.Index(html, "%!"):][:40])
			}
			if strings.Contains(html, "<script>") || strings.Contains(html, " style=") || strings.Contains(html, " onclick=") {
				t.Errorf("%s has inline script or style, which the CSP forbids", name)
			}
			if n := strings.Count(html, "<form method=\"post\""); n != strings.Count(html, `name="csrf_token" value="tok"`) {
				t.Errorf("%s: %d POST forms but a different number of CSRF fields", name, n)
			}
		})
	}
	for name := range full {
		if _, ok := ps.pages[name]; !ok {
			t.Errorf("fullData has %q but there is no such page", name)
		}
	}
}

// TestControlsAreLabelled checks every input, select and textarea of every
// full page has a <label for> with its id (hidden inputs excepted).
func TestControlsAreLabelled(t *testing.T) {
	ps := mustParsePages(mustLoadAssets())
	full := fullData()
	for _, name := range ps.names() {
		var buf bytes.Buffer
		if err := ps.execute(&buf, name, fullFrame(full[name])); err != nil {
			t.Fatal(err)
		}
		for _, id := range unlabelled(buf.String()) {
			t.Errorf("%s: control %q has no label", name, id)
		}
	}
}
