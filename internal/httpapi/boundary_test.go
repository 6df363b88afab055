package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/testenv"
)

// TestHostileBytesAreStoredSafely: a User-Agent with bytes 0x80–0xFF and
// JSON strings with \u0000 are made valid UTF-8 without NUL at the
// boundary, so audited writes succeed on PostgreSQL too, and the audit row
// is kept.
func TestHostileBytesAreStoredSafely(t *testing.T) {
	testenv.Each(t, nil, func(t *testing.T, env *testenv.Env) {
		o := env.CreateOrg(t, "Bytes")
		u := env.CreateUser(t, o.ID, auth.RoleAdmin, "Bee")
		tok := env.LoginAs(t, u, o.ID)
		ua := "agent-\x80\xfe\xff-" + strings.Repeat("é", 400) // over 512 bytes
		resp := env.Request(t, "PUT", "/api/v1/users/me", `{"full_name": "Nul\u0000Name \ud800"}`,
			[]testenv.Header{{Name: "Authorization", Value: "Bearer " + tok}, {Name: "User-Agent", Value: ua}})
		resp.Body.Close()
		if resp.StatusCode != 200 {
			t.Fatalf("PUT /users/me with hostile bytes: %d", resp.StatusCode)
		}
		var name, agent string
		if err := env.DB.QueryRow(context.Background(), "SELECT COALESCE(full_name, '') FROM users WHERE id = ?", u.ID).Scan(&name); err != nil {
			t.Fatal(err)
		}
		if strings.ContainsRune(name, 0) || !strings.HasPrefix(name, "NulName") {
			t.Errorf("stored name %q", name)
		}
		err := env.DB.QueryRow(context.Background(), "SELECT user_agent FROM audit_logs WHERE action = 'user.profile_update' AND user_id = ?", u.ID).Scan(&agent)
		if err != nil {
			t.Fatalf("audit row: %v", err)
		}
		if !utf8.ValidString(agent) || len(agent) > 512 || !strings.HasPrefix(agent, "agent-\uFFFD") {
			t.Errorf("stored user agent %q (%d bytes)", agent, len(agent))
		}
		// Hostile bytes in a path or a query string are no 500 either.
		for _, p := range []string{"/api/v1/organizations/me/users/%00%ff", "/api/v1/organizations/me/users?q=%00%ff", "/api/v1/audit-logs?action=%ff%00"} {
			if st, body := env.Do(t, "GET", p, tok, nil); st >= 500 {
				t.Errorf("GET %s: %d %s", p, st, body)
			}
		}
	})
}

// TestClientIPIsTheRightMostUntrustedHop: the left-most X-Forwarded-For
// entry is the client's to write; the right-most hop not in
// TRUSTED_PROXIES is what the nearest proxy saw.
func TestClientIPIsTheRightMostUntrustedHop(t *testing.T) {
	cfg, err := config.FromMap(map[string]string{"TRUSTED_PROXIES": "10.0.0.0/8"})
	if err != nil {
		t.Fatal(err)
	}
	cases := []struct {
		remote, xff string
		trust       bool
		proxies     bool
		want        string
	}{
		{"10.0.0.2:5000", "6.6.6.6, 203.0.113.9", true, true, "203.0.113.9"},
		{"10.0.0.2:5000", "6.6.6.6, 203.0.113.9, 10.1.2.3", true, true, "203.0.113.9"},
		{"10.0.0.2:5000", "6.6.6.6", false, true, "10.0.0.2"},
		{"198.51.100.7:5000", "6.6.6.6", true, true, "198.51.100.7"}, // not from a trusted proxy
		{"127.0.0.1:5000", "6.6.6.6, 203.0.113.9", true, false, "203.0.113.9"},
		{"10.0.0.2:5000", "not-an-ip", true, true, "10.0.0.2"},
	}
	for _, c := range cases {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = c.remote
		r.Header.Set("X-Forwarded-For", c.xff)
		proxies := cfg.TrustedProxies
		if !c.proxies {
			proxies = nil
		}
		if got := httpapi.ClientIP(r, c.trust, proxies); got != c.want {
			t.Errorf("%s via %q (trust %v): %s, want %s", c.xff, c.remote, c.trust, got, c.want)
		}
	}
}

// TestHostHeaderChecked: with authentication off, only loopback names and
// ALLOWED_HOSTS are answered (DNS rebinding sends the attacker's name).
func TestHostHeaderChecked(t *testing.T) {
	env := testenv.New(t, dbtest.Engines()[0], map[string]string{"ENABLE_AUTH": "false", "ALLOWED_HOSTS": "curatore.intranet"})
	for host, want := range map[string]int{"evil.example": 421, "localhost:8000": 200, "127.0.0.1": 200, "[::1]:80": 200,
		"curatore.intranet:8000": 200, "curatore.intranet.evil.example": 421} {
		req, _ := http.NewRequest("GET", env.URL+"/api/v1/auth/me", nil)
		req.Host = host
		resp, err := env.Server.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("Host %s: %d, want %d", host, resp.StatusCode, want)
		}
	}
}

// TestInternalErrorLogRedactsTokenPaths: the 500 log line carries the
// redacted path, as the access log does.
func TestInternalErrorLogRedactsTokenPaths(t *testing.T) {
	var buf bytes.Buffer
	prev := slog.Default()
	slog.SetDefault(slog.New(slog.NewJSONHandler(&buf, nil)))
	defer slog.SetDefault(prev)
	d := dbtest.New(t)
	srv := newServer(t, d, httpapi.Route{Method: "GET", Path: "/api/v1/auth/validate-reset-token/{token}", Access: httpapi.Public,
		Handle: func(w http.ResponseWriter, r *http.Request) error { return errors.New("boom") }})
	resp, err := http.Get(srv.URL + "/api/v1/auth/validate-reset-token/secret-token-value")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 500 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	if strings.Contains(buf.String(), "secret-token-value") || !strings.Contains(buf.String(), "internal error") {
		t.Errorf("log: %s", buf.String())
	}
}
