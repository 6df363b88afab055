package migrate_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/migrate"
	"github.com/curatore/curatore/internal/testenv"
	"github.com/curatore/curatore/internal/user"
)

// seeded is what seed made, to be read back from the copy.
type seeded struct {
	orgID  string
	admin  testenv.User
	apiKey string
}

// seed fills a deployment through its API: organizations, members of every
// role, API keys, sessions, settings on every layer, audit rows (successes
// and failures).
func seed(t *testing.T, env *testenv.Env) seeded {
	t.Helper()
	o := env.CreateOrg(t, "Acme Research")
	s := seeded{orgID: o.ID, admin: env.CreateUser(t, o.ID, auth.RoleAdmin, "Ann Admin")}
	if err := user.SetSystemAdmin(context.Background(), env.DB, s.admin.ID, true); err != nil {
		t.Fatal(err)
	}
	member := env.CreateUser(t, o.ID, auth.RoleMember, "Max Member")
	env.CreateUser(t, o.ID, auth.RoleViewer, "Vic Viewer")
	other := env.CreateOrg(t, "Other Org")
	env.AddMembership(t, other.ID, member.ID, auth.RoleAdmin)
	token := env.LoginAs(t, s.admin, o.ID)
	s.apiKey = env.CreateAPIKey(t, token, "ingest").Key
	calls := []struct {
		method, path string
		body         any
	}{
		{"PUT", "/api/v1/settings/system", `{"settings": {"quality_thresholds": {"conversion": 65}, "max_file_size": 1048576}}`},
		{"PUT", "/api/v1/organizations/me/settings", `{"settings": {"quality_thresholds": {"clarity": 8}, "llm": {"monthly_token_budget": 100000}}}`},
		{"PUT", "/api/v1/users/me/settings", `{"settings": {"ui": {"theme": "dark"}}}`},
		{"POST", "/api/v1/organizations/me/users", `{"email": "invitee@example.com", "role": "viewer"}`},
		{"PUT", "/api/v1/organizations/me", `{"display_name": "Acme Research Ltd."}`},
		{"PUT", "/api/v1/organizations/me/settings", `{"settings": {"ocr": {"psm": 99}}}`}, // refused: no row
	}
	for _, c := range calls {
		env.Do(t, c.method, c.path, token, c.body)
	}
	env.Do(t, "POST", "/api/v1/auth/login", "", map[string]string{"email_or_username": s.admin.Email, "password": "wrong"})
	return s
}

func TestCopySQLiteDeploymentAndServeIt(t *testing.T) {
	for _, target := range dbtest.Engines() {
		t.Run(string(target), func(t *testing.T) {
			ctx := context.Background()
			src := testenv.New(t, db.SQLite, nil)
			s := seed(t, src)
			u := dbtest.URL(t, target)
			dst, err := db.Open(ctx, u, db.Options{})
			if err != nil {
				t.Fatal(err)
			}
			var progress int
			rep, err := migrate.Copy(ctx, src.DB, dst, migrate.Options{BatchSize: 3, Progress: func(string, int64, int64) { progress++ }})
			if err != nil {
				t.Fatalf("copy: %v", err)
			}
			checkReport(t, rep)
			if progress == 0 {
				t.Error("no progress reported")
			}
			// A second copy into the now filled target is refused, and
			// replaces the rows with --force.
			if _, err := migrate.Copy(ctx, src.DB, dst, migrate.Options{}); !errors.Is(err, migrate.ErrTargetNotEmpty) {
				t.Fatalf("copy into a filled target: %v", err)
			}
			if rep, err = migrate.Copy(ctx, src.DB, dst, migrate.Options{Force: true}); err != nil {
				t.Fatalf("forced copy: %v", err)
			}
			checkReport(t, rep)
			dst.Close()
			serveCopy(t, u, s)
		})
	}
}

func checkReport(t *testing.T, rep *migrate.Report) {
	t.Helper()
	names := map[string]bool{}
	for _, tr := range rep.Tables {
		names[tr.Table] = true
		if !tr.Verified || tr.Source != tr.Target || tr.SourceRows != tr.Target.Rows {
			t.Errorf("%s: %+v", tr.Table, tr)
		}
	}
	for _, want := range []string{"organizations", "users", "memberships", "api_keys", "sessions", "audit_logs", "system_settings"} {
		if !names[want] {
			t.Errorf("table %s not copied (copied: %v)", want, names)
		}
	}
	if names["schema_migrations"] {
		t.Error("schema_migrations copied")
	}
}

// serveCopy starts the application on the copy and reads the seeded data
// back through the API, with the old password, JWT and API key.
func serveCopy(t *testing.T, u config.DatabaseURL, s seeded) {
	t.Helper()
	env := testenv.NewAt(t, u, nil)
	token := env.LoginAs(t, s.admin, s.orgID)
	var o struct {
		DisplayName string `json:"display_name"`
	}
	if st := env.DoJSON(t, "GET", "/api/v1/organizations/me", token, nil, &o); st != http.StatusOK || o.DisplayName != "Acme Research Ltd." {
		t.Fatalf("organization on the copy: %d %+v", st, o)
	}
	var eff struct {
		Settings []struct {
			Key, Source string
			Value       any
		}
	}
	env.DoJSON(t, "GET", "/api/v1/settings/effective", s.apiKey, nil, &eff)
	got := map[string]string{}
	for _, e := range eff.Settings {
		got[e.Key] = e.Source
	}
	if got["quality_thresholds.clarity"] != "org" || got["quality_thresholds.conversion"] != "system" || got["ui.theme"] != "user" {
		t.Fatalf("settings on the copy: %v", got)
	}
	var members struct{ Total int }
	if st := env.DoJSON(t, "GET", "/api/v1/organizations/me/users", s.apiKey, nil, &members); st != 200 || members.Total != 3 {
		t.Fatalf("members on the copy: %d %+v", st, members)
	}
	// The invitation is pending (it grants nothing until accepted).
	if st := env.DoJSON(t, "GET", "/api/v1/organizations/me/invitations", s.apiKey, nil, &members); st != 200 || members.Total != 1 {
		t.Fatalf("invitations on the copy: %d %+v", st, members)
	}
	st, body := env.Do(t, "GET", "/api/v1/audit-logs?action=organization.settings_update", token, nil)
	if st != 200 || !strings.Contains(string(body), "monthly_token_budget") {
		t.Fatalf("audit log on the copy: %d %s", st, body)
	}
}

func TestCopyRefusals(t *testing.T) {
	ctx := context.Background()
	src := testenv.New(t, db.SQLite, nil)
	seed(t, src)
	dst := dbtest.OpenEmpty(t, db.SQLite)
	rep, err := migrate.Copy(ctx, src.DB, dst, migrate.Options{DryRun: true})
	if err != nil || !rep.DryRun || len(rep.Tables) < 7 {
		t.Fatalf("dry run: %v %+v", err, rep)
	}
	if v, err := dst.Version(ctx); err == nil && v != 0 {
		t.Fatalf("dry run migrated the target to %d", v)
	}
	// Unfinished River jobs: refused until drained.
	if _, err := src.DB.Exec(ctx, `CREATE TABLE river_job (id INTEGER PRIMARY KEY, state TEXT NOT NULL)`); err != nil {
		t.Fatal(err)
	}
	if _, err := src.DB.Exec(ctx, `INSERT INTO river_job (state) VALUES ('completed'), ('available')`); err != nil {
		t.Fatal(err)
	}
	if _, err := migrate.Copy(ctx, src.DB, dst, migrate.Options{}); err == nil || !strings.Contains(err.Error(), "1 unfinished jobs") {
		t.Fatalf("copy with a busy queue: %v", err)
	}
	if _, err := src.DB.Exec(ctx, `UPDATE river_job SET state = 'cancelled'`); err != nil {
		t.Fatal(err)
	}
	rep, err = migrate.Copy(ctx, src.DB, dst, migrate.Options{})
	if err != nil {
		t.Fatalf("copy after draining: %v", err)
	}
	for _, tr := range rep.Tables {
		if tr.Table == "river_job" {
			t.Fatal("River's table was copied")
		}
	}
}

// TestChecksumSeesChanges: one changed value, one changed JSON key or one
// missing row changes a table's sum; key order inside JSON does not.
func TestChecksumSeesChanges(t *testing.T) {
	ctx := context.Background()
	d := dbtest.New(t)
	cols := []migrate.Column{{Name: "id", Kind: migrate.KindText}, {Name: "flag", Kind: migrate.KindBool}, {Name: "doc", Kind: migrate.KindJSON}}
	if _, err := d.Exec(ctx, `CREATE TABLE t (id TEXT PRIMARY KEY, flag BOOLEAN, doc TEXT)`); err != nil {
		t.Fatal(err)
	}
	sum := func() migrate.Sum {
		s, err := migrate.Checksum(ctx, d, "t", cols)
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	d.Exec(ctx, `INSERT INTO t VALUES ('a', 1, '{"x": 1, "y": [1, 2]}'), ('b', 0, NULL)`)
	base := sum()
	steps := []struct {
		sql  string
		same bool
	}{
		{`UPDATE t SET doc = '{"y":[1,2],"x":1}' WHERE id = 'a'`, true},
		{`UPDATE t SET doc = '{"y":[2,1],"x":1}' WHERE id = 'a'`, false},
		{`UPDATE t SET doc = '{"y":[1,2],"x":1}', flag = 0 WHERE id = 'a'`, false},
		{`UPDATE t SET flag = 1 WHERE id = 'a'`, true},
		{`DELETE FROM t WHERE id = 'b'`, false},
	}
	for _, s := range steps {
		if _, err := d.Exec(ctx, s.sql); err != nil {
			t.Fatal(err)
		}
		if got := sum(); (got == base) != s.same {
			t.Errorf("after %s: sum %v, base %v, want same=%v", s.sql, got, base, s.same)
		}
	}
}
