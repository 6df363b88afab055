package email_test

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/email"
	"github.com/curatore/curatore/internal/testenv"
)

// testTLS returns a server TLS config and a client config trusting it.
func testTLS(t *testing.T) (*tls.Config, *tls.Config) {
	srv := httptest.NewUnstartedServer(nil)
	srv.StartTLS()
	defer srv.Close()
	pool := x509.NewCertPool()
	pool.AddCert(srv.Certificate())
	return &tls.Config{Certificates: srv.TLS.Certificates}, &tls.Config{RootCAs: pool, ServerName: "127.0.0.1"}
}

func TestSMTPDelivers(t *testing.T) {
	serverTLS, clientTLS := testTLS(t)
	cases := []struct {
		name   string
		useTLS bool
	}{{"plain", false}, {"starttls", true}}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var srvTLS *tls.Config
			if c.useTLS {
				srvTLS = serverTLS
			}
			srv := testenv.StartSMTP(t, srvTLS)
			s := &email.SMTP{Host: "127.0.0.1", Port: srv.Port(), Username: "mailer", Password: "s3cret", UseTLS: c.useTLS,
				From: email.Address{Name: "Curatore", Email: "noreply@curatore.test"}, TLSConfig: clientTLS}
			msg := email.Message{To: "ana@example.com", Subject: "Reset your password", Text: "Open http://x/reset?token=abc\n.dot line\n"}
			if err := s.Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			got := srv.Last(t)
			if got.UsedTLS != c.useTLS || got.Auth != "\x00mailer\x00s3cret" || !strings.Contains(got.From, "noreply@curatore.test") ||
				!strings.Contains(got.Rcpt, "ana@example.com") {
				t.Fatalf("session: %+v", got)
			}
			for _, want := range []string{"Subject: Reset your password", "To: ana@example.com", "token=abc", "\r\n..dot line\r\n"} {
				if !strings.Contains(got.Data, want) {
					t.Errorf("data lacks %q:\n%s", want, got.Data)
				}
			}
		})
	}
}

func TestSMTPRefusesWithoutSTARTTLSWhenRequired(t *testing.T) {
	srv := testenv.StartSMTP(t, nil)
	s := &email.SMTP{Host: "127.0.0.1", Port: srv.Port(), UseTLS: true, From: email.Address{Email: "a@b.test"}}
	err := s.Send(context.Background(), email.Message{To: "x@example.com", Subject: "s", Text: "t"})
	if err == nil || !strings.Contains(err.Error(), "STARTTLS") {
		t.Fatalf("err = %v", err)
	}
}

func TestSMTPRefusesHeaderInjection(t *testing.T) {
	s := &email.SMTP{Host: "127.0.0.1", Port: 1}
	if err := s.Send(context.Background(), email.Message{To: "x@example.com\r\nBcc: y@example.com", Subject: "s"}); err == nil {
		t.Fatal("header injection accepted")
	}
}
