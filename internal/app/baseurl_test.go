package app

import (
	"context"
	"net"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/config"
)

func TestListenBaseURL(t *testing.T) {
	for addr, want := range map[string]string{
		"127.0.0.1:18080": "http://127.0.0.1:18080",
		"0.0.0.0:8000":    "http://localhost:8000",
		":9000":           "http://localhost:9000",
		"[::]:9000":       "http://localhost:9000",
		"[::1]:9000":      "http://[::1]:9000",
		"10.0.0.5:80":     "http://10.0.0.5:80",
	} {
		if got := ListenBaseURL(addr); got != want {
			t.Errorf("ListenBaseURL(%q) = %q, want %q", addr, got, want)
		}
	}
}

// TestSetupLinkFollowsListenAddr: without FRONTEND_BASE_URL the logged
// setup link names the address the server listens on; with it, the
// configured one.
func TestSetupLinkFollowsListenAddr(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	for _, tc := range []struct{ base, want string }{
		{"", "http://" + ln.Addr().String() + "/setup?token="},
		{"https://curatore.example.com/", "https://curatore.example.com/setup?token="},
	} {
		logs := captureLog(t)
		vars := map[string]string{"DATABASE_URL": "sqlite:///" + t.TempDir() + "/c.db", "BCRYPT_ROUNDS": "4"}
		if tc.base != "" {
			vars["FRONTEND_BASE_URL"] = tc.base
		}
		cfg, err := config.FromMap(vars)
		if err != nil {
			t.Fatal(err)
		}
		FollowListenAddr(cfg, ln.Addr())
		a, err := New(context.Background(), cfg)
		if err != nil {
			t.Fatal(err)
		}
		a.Close()
		if out := logs.String(); !strings.Contains(out, "setup_url="+tc.want) && !strings.Contains(out, `setup_url="`+tc.want) {
			t.Errorf("FRONTEND_BASE_URL=%q: no setup link starting %s in the log:\n%s", tc.base, tc.want, logs.String())
		}
	}
}
