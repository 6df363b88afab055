package migrate_test

import (
	"context"
	"errors"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

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
	docID  string // processed, with a result
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
	s.docID = seedDocuments(t, env, token)
	return s
}

// seedDocuments uploads two documents and processes one to its end, so
// documents, jobs, results and River's finished job exist.
func seedDocuments(t *testing.T, env *testenv.Env, token string) string {
	t.Helper()
	st, doc := env.Upload(t, token, "notes.md", []byte("# Notes\n\nThe copy keeps every row.\n"), "")
	if st != http.StatusOK {
		t.Fatalf("upload: %d %v", st, doc)
	}
	if st, other := env.Upload(t, token, "todo.txt", []byte("one\ntwo\n"), ""); st != http.StatusOK {
		t.Fatalf("upload: %d %v", st, other)
	}
	id := doc["document_id"].(string)
	var acc map[string]any
	if st := env.DoJSON(t, "POST", "/api/v1/documents/"+id+"/process", token, nil, &acc); st != http.StatusAccepted {
		t.Fatalf("process: %d %v", st, acc)
	}
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var j map[string]any
		env.DoJSON(t, "GET", "/api/v1/jobs/"+acc["job_id"].(string), token, nil, &j)
		if j["status"] == "completed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("job did not complete: %v", j)
		}
	}
	// River records the job as completed a moment after our job row says
	// so; migrate-db refuses a queue with unfinished jobs.
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		var n int
		if err := env.DB.QueryRow(context.Background(), `SELECT COUNT(*) FROM river_job WHERE state NOT IN ('completed', 'cancelled', 'discarded')`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d River jobs unfinished", n)
		}
	}
	return id
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
	for _, want := range []string{"organizations", "users", "memberships", "api_keys", "sessions", "audit_logs", "system_settings",
		"documents", "document_versions", "jobs", "job_logs", "processing_results"} {
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
	var docs struct{ Total int }
	if st := env.DoJSON(t, "GET", "/api/v1/documents", token, nil, &docs); st != 200 || docs.Total != 2 {
		t.Fatalf("documents on the copy: %d %+v", st, docs)
	}
	var res map[string]any
	if st := env.DoJSON(t, "GET", "/api/v1/documents/"+s.docID+"/result", token, nil, &res); st != 200 || res["document_id"] != s.docID {
		t.Fatalf("result on the copy: %d %v", st, res)
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
	// An unfinished River job: refused until drained. (The workers are
	// stopped so that nobody runs it meanwhile.)
	src.App.StopWorkers(5 * time.Second)
	setState := func(state, finalized string) {
		t.Helper()
		if _, err := src.DB.Exec(ctx, `UPDATE river_job SET state = '`+state+`', finalized_at = `+finalized); err != nil {
			t.Fatal(err)
		}
	}
	setState("available", "NULL")
	if _, err := migrate.Copy(ctx, src.DB, dst, migrate.Options{}); err == nil || !strings.Contains(err.Error(), "1 unfinished jobs") {
		t.Fatalf("copy with a busy queue: %v", err)
	}
	setState("cancelled", "CURRENT_TIMESTAMP")
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

// TestCopySkipsDerivedData: a SQLite full-text index (a virtual table and
// its shadow tables) is not copied, and a column the target generates
// itself is not written.
func TestCopySkipsDerivedData(t *testing.T) {
	ctx := context.Background()
	src := dbtest.New(t)
	for _, q := range []string{
		`CREATE VIRTUAL TABLE notes_fts USING fts5(body)`,
		`INSERT INTO notes_fts (body) VALUES ('searchable text')`,
		`CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL, body_len INTEGER GENERATED ALWAYS AS (length(body)) STORED)`,
		`INSERT INTO notes (id, body) VALUES ('n1', 'hello')`,
	} {
		if _, err := src.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	dst := dbtest.New(t)
	if _, err := dst.Exec(ctx, `CREATE TABLE notes (id TEXT PRIMARY KEY, body TEXT NOT NULL, body_len INTEGER GENERATED ALWAYS AS (length(body)) STORED)`); err != nil {
		t.Fatal(err)
	}
	rep, err := migrate.Copy(ctx, src, dst, migrate.Options{})
	if err != nil {
		t.Fatal(err)
	}
	for _, tr := range rep.Tables {
		if strings.HasPrefix(tr.Table, "notes_fts") {
			t.Errorf("copied %s", tr.Table)
		}
		if tr.Table == "notes" && (!tr.Verified || tr.Target.Rows != 1) {
			t.Errorf("notes: %+v", tr)
		}
	}
	var n int
	if err := dst.QueryRow(ctx, `SELECT body_len FROM notes WHERE id = 'n1'`).Scan(&n); err != nil || n != 5 {
		t.Fatalf("generated column on the target: %d %v", n, err)
	}
}

// TestCopyPostgresToSQLite: the way back (a server deployment to one
// file) copies and verifies the same way.
func TestCopyPostgresToSQLite(t *testing.T) {
	if os.Getenv(dbtest.PostgresEnv) == "" {
		t.Skip(dbtest.PostgresEnv + " not set")
	}
	ctx := context.Background()
	src := testenv.New(t, db.Postgres, nil)
	s := seed(t, src)
	u := dbtest.URL(t, db.SQLite)
	dst, err := db.Open(ctx, u, db.Options{})
	if err != nil {
		t.Fatal(err)
	}
	rep, err := migrate.Copy(ctx, src.DB, dst, migrate.Options{})
	if err != nil {
		t.Fatalf("copy: %v", err)
	}
	checkReport(t, rep)
	dst.Close()
	serveCopy(t, u, s)
}
