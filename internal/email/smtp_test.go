package email_test

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/base64"
	"net"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"

	"github.com/curatore/curatore/internal/email"
)

// smtpServer is a small SMTP server on loopback that speaks enough of the
// protocol (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) for the real
// client code to run against it.
type smtpServer struct {
	ln      net.Listener
	tls     *tls.Config // offer STARTTLS when set
	mu      sync.Mutex
	auth    string // decoded AUTH PLAIN payload
	from    string
	rcpt    string
	data    string
	usedTLS bool
}

func startSMTP(t *testing.T, tlsCfg *tls.Config) *smtpServer {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &smtpServer{ln: ln, tls: tlsCfg}
	t.Cleanup(func() { ln.Close() })
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			go s.serve(c)
		}
	}()
	return s
}

func (s *smtpServer) port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *smtpServer) serve(c net.Conn) {
	defer c.Close()
	r, w := bufio.NewReader(c), bufio.NewWriter(c)
	say := func(line string) { w.WriteString(line + "\r\n"); w.Flush() }
	say("220 test ESMTP")
	secure := false
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			return
		}
		line = strings.TrimRight(line, "\r\n")
		verb := strings.ToUpper(strings.Fields(line + " x")[0])
		switch {
		case verb == "EHLO":
			w.WriteString("250-test\r\n")
			if s.tls != nil && !secure {
				w.WriteString("250-STARTTLS\r\n")
			}
			say("250 AUTH PLAIN")
		case verb == "STARTTLS":
			say("220 go ahead")
			tc := tls.Server(c, s.tls)
			if tc.Handshake() != nil {
				return
			}
			c, secure = tc, true
			r, w = bufio.NewReader(c), bufio.NewWriter(c)
			s.mu.Lock()
			s.usedTLS = true
			s.mu.Unlock()
		case verb == "AUTH":
			b, _ := base64.StdEncoding.DecodeString(strings.Fields(line)[2])
			s.mu.Lock()
			s.auth = string(b)
			s.mu.Unlock()
			say("235 ok")
		case verb == "MAIL":
			s.mu.Lock()
			s.from = line
			s.mu.Unlock()
			say("250 ok")
		case verb == "RCPT":
			s.mu.Lock()
			s.rcpt = line
			s.mu.Unlock()
			say("250 ok")
		case verb == "DATA":
			say("354 send")
			var b strings.Builder
			for {
				l, err := r.ReadString('\n')
				if err != nil || l == ".\r\n" {
					break
				}
				b.WriteString(l)
			}
			s.mu.Lock()
			s.data = b.String()
			s.mu.Unlock()
			say("250 queued")
		case verb == "QUIT":
			say("221 bye")
			return
		default:
			say("250 ok")
		}
	}
}

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
			srv := startSMTP(t, srvTLS)
			s := &email.SMTP{Host: "127.0.0.1", Port: srv.port(), Username: "mailer", Password: "s3cret", UseTLS: c.useTLS,
				From: email.Address{Name: "Curatore", Email: "noreply@curatore.test"}, TLSConfig: clientTLS}
			msg := email.Message{To: "ana@example.com", Subject: "Reset your password", Text: "Open http://x/reset?token=abc\n.dot line\n"}
			if err := s.Send(context.Background(), msg); err != nil {
				t.Fatal(err)
			}
			srv.mu.Lock()
			defer srv.mu.Unlock()
			if srv.usedTLS != c.useTLS || srv.auth != "\x00mailer\x00s3cret" || !strings.Contains(srv.from, "noreply@curatore.test") ||
				!strings.Contains(srv.rcpt, "ana@example.com") {
				t.Fatalf("session: tls=%v auth=%q from=%q rcpt=%q", srv.usedTLS, srv.auth, srv.from, srv.rcpt)
			}
			for _, want := range []string{"Subject: Reset your password", "To: ana@example.com", "token=abc", "\r\n..dot line\r\n"} {
				if !strings.Contains(srv.data, want) {
					t.Errorf("data lacks %q:\n%s", want, srv.data)
				}
			}
		})
	}
}

func TestSMTPRefusesWithoutSTARTTLSWhenRequired(t *testing.T) {
	srv := startSMTP(t, nil)
	s := &email.SMTP{Host: "127.0.0.1", Port: srv.port(), UseTLS: true, From: email.Address{Email: "a@b.test"}}
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
