package connection

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"syscall"
	"time"

	"github.com/curatore/curatore/internal/netguard"
)

// describe turns a transport failure into a specific message a person can
// act on; ok is false when err is none of the known transport failures.
func describe(err error, timeout time.Duration) (string, bool) {
	var refused *netguard.RefusedError
	var dns *net.DNSError
	var netErr net.Error
	switch {
	case errors.As(err, &refused):
		return refused.Error() + " (the operator can allow private networks with CONNECTIONS_ALLOW_PRIVATE=true)", true
	case errors.As(err, &dns):
		if dns.IsNotFound {
			return fmt.Sprintf("cannot resolve host %q (no such host)", dns.Name), true
		}
		return fmt.Sprintf("cannot resolve host %q: %s", dns.Name, dns.Err), true
	case netguard.IsCertificateError(err):
		return "TLS certificate not trusted: " + certReason(err) + " (set verify_ssl to false for a self-signed server)", true
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &netErr) && netErr.Timeout()):
		return fmt.Sprintf("no answer within %s (timeout)", timeout), true
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused: nothing listens at that address and port", true
	case errors.Is(err, syscall.ECONNRESET):
		return "the server reset the connection", true
	}
	var rec tls.RecordHeaderError
	if errors.As(err, &rec) {
		return "TLS handshake failed: the server does not speak TLS at that address (try http://)", true
	}
	return "", false
}

func certReason(err error) string {
	var unknown x509.UnknownAuthorityError
	var hostname x509.HostnameError
	var invalid x509.CertificateInvalidError
	switch {
	case errors.As(err, &unknown):
		return "signed by an unknown authority"
	case errors.As(err, &hostname):
		return "issued for another host name"
	case errors.As(err, &invalid):
		return "invalid (" + invalid.Error() + ")"
	}
	return "verification failed"
}
