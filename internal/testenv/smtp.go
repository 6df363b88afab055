package testenv

import (
	"bufio"
	"crypto/tls"
	"encoding/base64"
	"net"
	"strings"
	"sync"
	"testing"
	"time"
)

// SMTPServer is a small SMTP server on loopback that speaks enough of the
// protocol (EHLO, STARTTLS, AUTH PLAIN, MAIL, RCPT, DATA, QUIT) for the real
// client code to run against it.
type SMTPServer struct {
	ln  net.Listener
	tls *tls.Config // offer STARTTLS when set

	mu sync.Mutex
	// What the last session sent (read them with Last).
	auth    string // decoded AUTH PLAIN payload
	from    string
	rcpt    string
	data    string
	usedTLS bool
	wake    chan struct{}
}

// SMTPSession is what the server received in its last session.
type SMTPSession struct {
	Auth    string // decoded AUTH PLAIN payload ("\x00user\x00password")
	From    string // the MAIL FROM line
	Rcpt    string // the RCPT TO line
	Data    string // the message, headers and body, CRLF line ends
	UsedTLS bool   // whether STARTTLS was negotiated
}

// Last returns the last session that delivered a message, waiting up to 10 s
// for one (mail may be sent in the background).
func (s *SMTPServer) Last(t testing.TB) SMTPSession {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		s.mu.Lock()
		if s.data != "" {
			defer s.mu.Unlock()
			return SMTPSession{Auth: s.auth, From: s.from, Rcpt: s.rcpt, Data: s.data, UsedTLS: s.usedTLS}
		}
		if s.wake == nil {
			s.wake = make(chan struct{})
		}
		wake := s.wake
		s.mu.Unlock()
		select {
		case <-wake:
		case <-deadline:
			t.Fatal("no message reached the SMTP server")
		}
	}
}

func StartSMTP(t testing.TB, tlsCfg *tls.Config) *SMTPServer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	s := &SMTPServer{ln: ln, tls: tlsCfg}
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

// Port is the port the server listens on (on 127.0.0.1).
func (s *SMTPServer) Port() int { return s.ln.Addr().(*net.TCPAddr).Port }

func (s *SMTPServer) serve(c net.Conn) {
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
			if s.wake != nil {
				close(s.wake)
				s.wake = nil
			}
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
