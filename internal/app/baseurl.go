package app

import (
	"net"
	"net/netip"
	"strings"

	"github.com/curatore/curatore/internal/config"
)

// FollowListenAddr points the links Curatore sends and logs (the first
// start's setup link, invitations, password resets) at the address the
// server listens on, when FRONTEND_BASE_URL is not set: a server started
// with --addr 127.0.0.1:18080 prints http://127.0.0.1:18080/setup?token=…,
// not the default port's. Call it after listening, before New, so that a
// port chosen by the system (":0") is known.
func FollowListenAddr(cfg *config.Config, addr net.Addr) {
	if cfg.Env != nil {
		if v, ok := cfg.Env("FRONTEND_BASE_URL"); ok && strings.TrimSpace(v) != "" {
			return
		}
	}
	cfg.FrontendBaseURL = ListenBaseURL(addr.String())
}

// ListenBaseURL is the http:// URL a browser on this machine reaches a
// listener at: its own host and port, localhost for every interface
// (0.0.0.0, ::) since that is no address to open.
func ListenBaseURL(addr string) string {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "http://" + addr
	}
	if ip, err := netip.ParseAddr(host); host == "" || (err == nil && ip.IsUnspecified()) {
		host = "localhost"
	}
	return "http://" + net.JoinHostPort(host, port)
}
