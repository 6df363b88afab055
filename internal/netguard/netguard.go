// Package netguard keeps outbound calls to user-given URLs (connection
// endpoints, later webhooks) away from the server's own network. Its dialer
// checks the address actually dialled — after DNS resolution, on every
// connection and redirect — so a name that resolves to 127.0.0.1 or to the
// cloud metadata service (169.254.169.254) is refused even when it looked
// harmless at validation time (DNS rebinding).
//
// Refused unless the policy allows private networks: loopback, link-local
// (IPv4 and IPv6), private (RFC 1918, IPv6 ULA), carrier-grade NAT
// (100.64.0.0/10), unspecified (0.0.0.0/8), multicast and broadcast
// addresses, also when an IPv6 translation address (NAT64 64:ff9b::/96,
// 6to4 2002::/16) carries one of them. The cloud metadata addresses are
// refused even then. On-premises LLM servers (Ollama, vLLM) live on private
// networks, so the operator can allow those with
// CONNECTIONS_ALLOW_PRIVATE=true (WEBHOOK_ALLOW_PRIVATE for webhooks).
package netguard

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"sync"
	"syscall"
	"time"
)

// Policy says which destinations are allowed.
type Policy struct {
	// AllowPrivate permits loopback, private and link-local destinations
	// (but never the metadata addresses).
	AllowPrivate bool
}

// ErrRefused is wrapped by every refusal.
var ErrRefused = errors.New("destination refused")

// RefusedError names the refused address and why.
type RefusedError struct {
	Addr   netip.Addr
	Reason string
}

func (e *RefusedError) Error() string {
	return fmt.Sprintf("%s is a %s address; connections to the server's own network are refused", e.Addr, e.Reason)
}

// Unwrap makes errors.Is(err, ErrRefused) work.
func (e *RefusedError) Unwrap() error { return ErrRefused }

// metadata are cloud instance-metadata endpoints, refused under any policy.
var metadata = []netip.Addr{
	netip.MustParseAddr("169.254.169.254"),
	netip.MustParseAddr("fd00:ec2::254"),
	netip.MustParseAddr("100.100.100.200"), // Alibaba
}

var (
	cgnat       = netip.MustParsePrefix("100.64.0.0/10")
	thisNetwork = netip.MustParsePrefix("0.0.0.0/8")
	// IPv6 prefixes that carry an IPv4 address a gateway forwards to:
	// NAT64's well-known prefix (RFC 6052, the address in the last 32
	// bits) and 6to4 (RFC 3056, the address after the first 16 bits).
	nat64     = netip.MustParsePrefix("64:ff9b::/96")
	sixToFour = netip.MustParsePrefix("2002::/16")
	// NAT64's local-use prefix (RFC 8215) translates into the site's own
	// network.
	nat64Local = netip.MustParsePrefix("64:ff9b:1::/48")
)

// carried returns the IPv4 address an IPv6 translation address reaches,
// so that [64:ff9b::a9fe:a9fe] is judged as 169.254.169.254.
func carried(addr netip.Addr) netip.Addr {
	b := addr.As16()
	switch {
	case nat64.Contains(addr):
		return netip.AddrFrom4([4]byte(b[12:16]))
	case sixToFour.Contains(addr):
		return netip.AddrFrom4([4]byte(b[2:6]))
	}
	return addr
}

// Check returns a *RefusedError when the policy refuses addr.
func (p Policy) Check(addr netip.Addr) error {
	addr = carried(addr.Unmap())
	for _, m := range metadata {
		if addr == m {
			return &RefusedError{Addr: addr, Reason: "cloud metadata"}
		}
	}
	if p.AllowPrivate {
		return nil
	}
	var reason string
	switch {
	case addr.IsLoopback():
		reason = "loopback"
	case addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast():
		reason = "link-local"
	case addr.IsPrivate() || cgnat.Contains(addr) || nat64Local.Contains(addr):
		reason = "private"
	case addr.IsUnspecified() || thisNetwork.Contains(addr):
		reason = "unspecified"
	case addr.IsMulticast() || addr == netip.AddrFrom4([4]byte{255, 255, 255, 255}):
		reason = "multicast or broadcast"
	default:
		return nil
	}
	return &RefusedError{Addr: addr, Reason: reason}
}

// control is the dialer's Control hook: address is the resolved "ip:port".
func (p Policy) control(_, address string, _ syscall.RawConn) error {
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot read dialled address %q", ErrRefused, address)
	}
	return p.Check(ap.Addr())
}

// Dialer returns a dialer that applies the policy to every connection.
func (p Policy) Dialer() *net.Dialer {
	return &net.Dialer{Timeout: 30 * time.Second, KeepAlive: 30 * time.Second, Control: p.control}
}

// Transport returns an HTTP transport that dials through the policy. It
// ignores HTTP(S)_PROXY: a proxy would be the only address checked.
// insecureSkipVerify turns off certificate checks (a connection's
// verify_ssl=false).
func (p Policy) Transport(insecureSkipVerify bool) *http.Transport {
	d := p.Dialer()
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           d.DialContext,
		ForceAttemptHTTP2:     true,
		MaxIdleConns:          20,
		IdleConnTimeout:       90 * time.Second,
		TLSHandshakeTimeout:   10 * time.Second,
		ExpectContinueTimeout: time.Second,
	}
	if insecureSkipVerify {
		tr.TLSClientConfig = &tls.Config{InsecureSkipVerify: true} //nolint:gosec // verify_ssl=false was asked for
	}
	return tr
}

// clients are shared per policy and TLS setting, so that connections are
// pooled across calls (a client per call would leak idle connections).
var clients sync.Map // clientKey → *http.Client

type clientKey struct {
	policy   Policy
	insecure bool
}

// Client returns the shared HTTP client over Transport for this policy and
// TLS setting; it follows at most 5 redirects (each dial is checked again).
func (p Policy) Client(insecureSkipVerify bool) *http.Client {
	key := clientKey{p, insecureSkipVerify}
	if c, ok := clients.Load(key); ok {
		return c.(*http.Client)
	}
	c, _ := clients.LoadOrStore(key, p.newClient(insecureSkipVerify))
	return c.(*http.Client)
}

func (p Policy) newClient(insecureSkipVerify bool) *http.Client {
	return &http.Client{
		Transport: p.Transport(insecureSkipVerify),
		CheckRedirect: func(req *http.Request, via []*http.Request) error {
			if len(via) >= 5 {
				return errors.New("stopped after 5 redirects")
			}
			return nil
		},
	}
}

// DialContext dials through the policy (for non-HTTP protocols).
func (p Policy) DialContext(ctx context.Context, network, addr string) (net.Conn, error) {
	return p.Dialer().DialContext(ctx, network, addr)
}

// IsCertificateError reports whether err is a TLS certificate the client
// refused (unknown authority, wrong host name, expired or otherwise
// invalid). Asking again will not make it valid.
func IsCertificateError(err error) bool {
	var verr *tls.CertificateVerificationError
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	return errors.As(err, &verr) || errors.As(err, &unknown) || errors.As(err, &hostname) || errors.As(err, &invalid)
}
