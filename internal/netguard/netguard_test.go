package netguard_test

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"net/netip"
	"testing"

	"github.com/curatore/curatore/internal/netguard"
)

func TestCheck(t *testing.T) {
	cases := []struct {
		addr         string
		strict, open bool // allowed under the strict and the open policy
	}{
		{"127.0.0.1", false, true},
		{"::1", false, true},
		{"::ffff:127.0.0.1", false, true},
		{"10.1.2.3", false, true},
		{"172.16.0.1", false, true},
		{"192.168.1.1", false, true},
		{"100.64.0.1", false, true},
		{"fd12::1", false, true},
		{"169.254.1.1", false, true},
		{"fe80::1", false, true},
		{"0.0.0.0", false, true},
		{"224.0.0.1", false, true},
		{"169.254.169.254", false, false},
		{"::ffff:169.254.169.254", false, false},
		{"fd00:ec2::254", false, false},
		{"0.1.2.3", false, true},
		{"64:ff9b::7f00:1", false, true},     // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", false, false}, // NAT64 of the metadata address
		{"2002:a9fe:a9fe::1", false, false},  // 6to4 of the metadata address
		{"2002:c0a8:101::1", false, true},    // 6to4 of 192.168.1.1
		{"64:ff9b:1::a00:1", false, true},    // local-use NAT64
		{"64:ff9b::5db8:d822", true, true},   // NAT64 of a public address
		{"93.184.216.34", true, true},
		{"2606:2800:220:1::1", true, true},
	}
	for _, tc := range cases {
		a := netip.MustParseAddr(tc.addr)
		if got := (netguard.Policy{}).Check(a) == nil; got != tc.strict {
			t.Errorf("strict %s: allowed = %v", tc.addr, got)
		}
		if got := (netguard.Policy{AllowPrivate: true}).Check(a) == nil; got != tc.open {
			t.Errorf("open %s: allowed = %v", tc.addr, got)
		}
	}
}

func TestClientRefusesLoopbackAfterResolution(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer srv.Close()
	// "localhost" is a name: only the resolved address shows it is loopback.
	url := "http://localhost:" + srv.URL[len("http://127.0.0.1:"):]
	for _, u := range []string{srv.URL, url} {
		_, err := (netguard.Policy{}).Client(false).Get(u)
		var re *netguard.RefusedError
		if !errors.Is(err, netguard.ErrRefused) || !errors.As(err, &re) || re.Reason != "loopback" {
			t.Fatalf("GET %s: err = %v", u, err)
		}
	}
	res, err := (netguard.Policy{AllowPrivate: true}).Client(false).Get(srv.URL)
	if err != nil {
		t.Fatal(err)
	}
	res.Body.Close()
}

func TestIsCertificateError(t *testing.T) {
	srv := httptest.NewTLSServer(http.NotFoundHandler())
	defer srv.Close()
	guard := netguard.Policy{AllowPrivate: true}
	_, err := guard.Client(false).Get(srv.URL)
	if err == nil || !netguard.IsCertificateError(err) {
		t.Errorf("self-signed server: err = %v, want a certificate error", err)
	}
	resp, err := guard.Client(true).Get(srv.URL)
	if err != nil {
		t.Fatalf("verification off: %v", err)
	}
	resp.Body.Close()
	if netguard.IsCertificateError(errors.New("connection refused")) {
		t.Error("a plain error counted as a certificate error")
	}
}
