package config

import (
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestDefaultsNeedNoConfiguration(t *testing.T) {
	c, err := FromMap(nil)
	if err != nil {
		t.Fatal(err)
	}
	if c.Database.Engine != SQLite || c.Database.Path != "data/curatore.db" {
		t.Fatalf("default database = %+v", c.Database)
	}
	if c.Addr != "127.0.0.1:8000" || !c.EnableAuth || !c.AutoMigrate || c.BcryptRounds != 12 {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if c.JWTAccessTokenExpire != time.Hour || c.JWTRefreshTokenExpire != 30*24*time.Hour {
		t.Fatalf("token lifetimes %v %v", c.JWTAccessTokenExpire, c.JWTRefreshTokenExpire)
	}
}

func TestDatabaseURLSpellings(t *testing.T) {
	cases := []struct {
		in      string
		engine  Engine
		path    string
		dsnPart string
	}{
		{"sqlite+aiosqlite:///./data/curatore.db", SQLite, "data/curatore.db", ""},
		{"sqlite:///data/x.db", SQLite, "data/x.db", ""},
		{"sqlite:////var/lib/curatore/x.db", SQLite, "/var/lib/curatore/x.db", ""},
		{"sqlite:////abs/path.db?timeout=5", SQLite, "/abs/path.db", ""},
		{"postgresql+asyncpg://u:p@h:5432/db", Postgres, "", "postgres://u:p@h:5432/db"},
		{"postgresql+asyncpg://u:p@h/db?ssl=require", Postgres, "", "sslmode=require"},
		{"postgresql://u@h/db", Postgres, "", "postgres://u@h/db"},
		{"postgres://u:p@127.0.0.1:5432/test?sslmode=disable", Postgres, "", "sslmode=disable"},
	}
	for _, tc := range cases {
		u, err := ParseDatabaseURL(tc.in)
		if err != nil {
			t.Errorf("%s: %v", tc.in, err)
			continue
		}
		if u.Engine != tc.engine || u.Path != tc.path || !strings.Contains(u.DSN, tc.dsnPart) {
			t.Errorf("%s: got %+v", tc.in, u)
		}
	}
	for _, bad := range []string{"mysql://x/y", "not a url", "sqlite://relative.db", "sqlite:///:memory:", "postgresql:///db"} {
		if _, err := ParseDatabaseURL(bad); err == nil {
			t.Errorf("%s: accepted", bad)
		}
	}
}

func TestBadDatabaseURLDoesNotEchoPassword(t *testing.T) {
	_, err := FromMap(map[string]string{"DATABASE_URL": "postgresql:/user:s3cret@db/x"})
	if err == nil || strings.Contains(err.Error(), "s3cret") {
		t.Fatalf("%v", err)
	}
}

func TestRedactedHidesPassword(t *testing.T) {
	u, _ := ParseDatabaseURL("postgresql://user:s3cret@db.example:5432/curatore")
	if r := u.Redacted(); strings.Contains(r, "s3cret") || !strings.Contains(r, "user@db.example:5432/curatore") {
		t.Fatal(r)
	}
}

func TestInvalidValuesAreAllReported(t *testing.T) {
	_, err := FromMap(map[string]string{
		"DB_POOL_SIZE":  "many",
		"DEBUG":         "perhaps",
		"BCRYPT_ROUNDS": "99",
		"DATABASE_URL":  "oracle://x",
	})
	if !errors.Is(err, ErrInvalid) {
		t.Fatalf("got %v", err)
	}
	for _, name := range []string{"DB_POOL_SIZE", "DEBUG", "BCRYPT_ROUNDS", "DATABASE_URL"} {
		if !strings.Contains(err.Error(), name) {
			t.Errorf("error does not mention %s: %v", name, err)
		}
	}
}

func TestAuthRefusesWeakOrPublishedSecret(t *testing.T) {
	// Authentication is on by default, so a weak key is refused with or
	// without ENABLE_AUTH=true.
	for _, enable := range []string{"true", ""} {
		for _, secret := range []string{"short", publishedDefaultSecret, "please-changeme-0123456789abcdef0123456789", strings.Repeat("k", 40)} {
			_, err := FromMap(map[string]string{"ENABLE_AUTH": enable, "JWT_SECRET_KEY": secret})
			if err == nil || !strings.Contains(err.Error(), "JWT_SECRET_KEY") {
				t.Errorf("ENABLE_AUTH=%q secret %q accepted: %v", enable, secret, err)
			}
		}
	}
	if _, err := FromMap(map[string]string{"ENABLE_AUTH": "true", "JWT_SECRET_KEY": "3f9a8c1d7e2b4a6f9c0d1e2f3a4b5c6d"}); err != nil {
		t.Fatal(err)
	}
	// Unset on SQLite: a key file beside the database is generated later.
	c, err := FromMap(map[string]string{"ENABLE_AUTH": "true"})
	if err != nil || c.JWTKeyFile() != filepath.Join("data", "jwt.key") {
		t.Fatalf("no key on SQLite: %v, key file %q", err, c.JWTKeyFile())
	}
	// PostgreSQL replicas need one shared key.
	_, err = FromMap(map[string]string{"DATABASE_URL": "postgres://u@h/db"})
	if err == nil || !strings.Contains(err.Error(), "JWT_SECRET_KEY") {
		t.Errorf("PostgreSQL without a key: %v", err)
	}
}

func TestSecurityVariables(t *testing.T) {
	c, err := FromMap(map[string]string{"ALLOWED_HOSTS": "curatore.example.com, intranet", "TRUSTED_PROXIES": "10.0.0.0/8,192.168.1.5,::1",
		"ALLOW_UNAUTHENTICATED_REMOTE": "true"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.AllowedHosts) != 2 || c.AllowedHosts[1] != "intranet" || !c.AllowUnauthenticatedRemote {
		t.Fatalf("%+v", c)
	}
	if len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.168.1.5/32" || c.TrustedProxies[2].String() != "::1/128" {
		t.Fatalf("proxies %v", c.TrustedProxies)
	}
	if _, err := FromMap(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/33"}); err == nil || !strings.Contains(err.Error(), "TRUSTED_PROXIES") {
		t.Errorf("bad CIDR accepted: %v", err)
	}
}

func TestReferenceFormats(t *testing.T) {
	c, err := FromMap(map[string]string{"CORS_ORIGINS": `["http://a:3000","http://b"]`, "DB_POOL_RECYCLE": "1800"})
	if err != nil {
		t.Fatal(err)
	}
	if len(c.CORSOrigins) != 2 || c.DBPoolRecycle != 30*time.Minute {
		t.Fatalf("%v %v", c.CORSOrigins, c.DBPoolRecycle)
	}
}

func TestLoadReadsDotEnvAndProcessEnvWins(t *testing.T) {
	dir := t.TempDir()
	t.Chdir(dir)
	env := "# comment\nDB_POOL_SIZE=7\nDEFAULT_ORG_SLUG=from-dotenv\nDATABASE_URL=sqlite:///./x.db\n"
	if err := os.WriteFile(filepath.Join(dir, ".env"), []byte(env), 0o600); err != nil {
		t.Fatal(err)
	}
	t.Setenv("DB_POOL_SIZE", "9")
	c, err := Load()
	if err != nil {
		t.Fatal(err)
	}
	if c.DBPoolSize != 9 || c.DefaultOrgSlug != "from-dotenv" || c.Database.Path != "x.db" {
		t.Fatalf("pool %d slug %s path %s", c.DBPoolSize, c.DefaultOrgSlug, c.Database.Path)
	}
}

func TestExtractionSettingsAreReadAndValidated(t *testing.T) {
	c, err := FromMap(map[string]string{"EXTRACTION_PRIORITY": "docling", "DOCLING_SERVICE_URL": "http://127.0.0.1:5001/",
		"EXTRACTION_TIMEOUT": "30", "OCR_LANG": "eng+deu"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Extraction.Priority != "docling" || c.Extraction.DoclingURL != "http://127.0.0.1:5001" ||
		c.Extraction.Timeout != 30*time.Second || c.Extraction.OCRLang != "eng+deu" {
		t.Fatalf("%+v", c.Extraction)
	}
	if _, err := FromMap(map[string]string{"EXTRACTION_PRIORITY": "magic"}); err == nil || !strings.Contains(err.Error(), "EXTRACTION") {
		t.Fatalf("bad priority: %v", err)
	}
}

func TestMetricsToken(t *testing.T) {
	cases := []struct {
		name, token string
		ok          bool
	}{
		{"unset: metrics disabled", "", true},
		{"15 characters", "abcdefghijklmno", false},
		{"16 characters", "abcdefghijklmnop", true},
		{"hex of 32 bytes", "3f9a8c1d7e2b4a6f9c0d1e2f3a4b5c6d3f9a8c1d7e2b4a6f9c0d1e2f3a4b5c6d", true},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, err := FromMap(map[string]string{"METRICS_TOKEN": tc.token})
			if tc.ok {
				if err != nil || c.MetricsToken != tc.token {
					t.Fatalf("refused: %v", err)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), "METRICS_TOKEN") {
				t.Fatalf("accepted: %v", err)
			}
			if strings.Contains(err.Error(), tc.token) {
				t.Errorf("the error repeats the token: %v", err)
			}
		})
	}
}
