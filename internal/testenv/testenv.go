// Package testenv runs the real application — configuration, migrated
// database, services and router — on an httptest server, with helpers to
// make organizations, users, sessions and API keys, and to call the API.
// API tests of every module use it.
package testenv

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/db/dbtest"
	"github.com/curatore/curatore/internal/email"
)

// Secret is the JWT secret of every test environment.
const Secret = "test-secret-0123456789abcdef0123456789abcdef"

// Env is a running application for one test.
type Env struct {
	App    *app.App
	DB     *db.DB
	Config *config.Config
	Server *httptest.Server
	URL    string // base URL, e.g. http://127.0.0.1:1234
	Mail   *Mailbox
}

// defaults make tests fast and deterministic: cheap bcrypt, auth on, rate
// limits high enough not to interfere (tests of the limits lower them).
var defaults = map[string]string{
	"ENABLE_AUTH":                 "true",
	"JWT_SECRET_KEY":              Secret,
	"BCRYPT_ROUNDS":               "4",
	"RATE_LIMIT_LOGIN_PER_MINUTE": "100000",
	"LOG_FORMAT":                  "text",
	// Connection secrets are sealed with this key; the fakes of outside
	// systems listen on loopback, which the outbound guard refuses unless
	// private networks are allowed.
	"CURATORE_SECRET_KEY":       SecretKey,
	"CONNECTIONS_ALLOW_PRIVATE": "true",
	"WEBHOOK_ALLOW_PRIVATE":     "true", // test receivers listen on loopback
}

// SecretKey seals connection secrets in every test environment.
const SecretKey = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

// New starts the application on a fresh database of engine (skipped when
// that engine is not configured), with overrides applied over the test
// defaults and extra options (e.g. app.WithRunner) passed to app.New.
// Everything is closed at cleanup.
func New(t testing.TB, engine db.Engine, overrides map[string]string, extra ...app.Option) *Env {
	t.Helper()
	return NewAt(t, dbtest.URL(t, engine), overrides, extra...)
}

// NewAt starts the application on the database at u (migrating it unless
// AUTO_MIGRATE=false), e.g. one a test filled before.
func NewAt(t testing.TB, u config.DatabaseURL, overrides map[string]string, extra ...app.Option) *Env {
	t.Helper()
	vars := map[string]string{}
	for k, v := range defaults {
		vars[k] = v
	}
	for k, v := range overrides {
		vars[k] = v
	}
	cfg, err := config.FromMap(vars)
	if err != nil {
		t.Fatalf("testenv config: %v", err)
	}
	cfg.Database = u
	if _, ok := overrides["FILES_ROOT"]; !ok {
		cfg.FilesRoot = t.TempDir() // stored files never land in the source tree
		cfg.Storage.FilesRoot = cfg.FilesRoot
	}
	// Mail goes to the Mailbox unless the test asks for the real SMTP
	// backend (EMAIL_BACKEND=smtp, e.g. towards StartSMTP).
	mail := &Mailbox{}
	var opts []app.Option
	if cfg.EmailBackend != "smtp" {
		opts = append(opts, app.WithMailer(mail))
	}
	a, err := app.New(context.Background(), cfg, append(opts, extra...)...)
	if err != nil {
		t.Fatalf("testenv app: %v", err)
	}
	if err := a.StartWorkers(context.Background()); err != nil {
		t.Fatalf("testenv workers: %v", err)
	}
	srv := httptest.NewServer(a.API.Handler())
	t.Cleanup(func() {
		srv.Close()
		a.Close()
	})
	return &Env{App: a, DB: a.DB, Config: cfg, Server: srv, URL: srv.URL, Mail: mail}
}

// Each runs fn once per configured engine (SQLite always, PostgreSQL when
// CURATORE_TEST_POSTGRES_URL is set), each with its own Env.
func Each(t *testing.T, overrides map[string]string, fn func(t *testing.T, env *Env)) {
	t.Helper()
	for _, e := range dbtest.Engines() {
		t.Run(string(e), func(t *testing.T) { fn(t, New(t, e, overrides)) })
	}
}

// Do calls the API. token may be a JWT or an API key (sent as a Bearer
// token) or empty; body is marshalled to JSON unless it is nil, a string or
// []byte. It returns the status and the raw response body.
func (e *Env) Do(t testing.TB, method, path, token string, body any) (int, []byte) {
	t.Helper()
	resp := e.Request(t, method, path, body, bearer(token))
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatalf("%s %s: read body: %v", method, path, err)
	}
	return resp.StatusCode, b
}

// DoJSON is Do that decodes the response body into out (when not nil).
func (e *Env) DoJSON(t testing.TB, method, path, token string, body, out any) int {
	t.Helper()
	status, b := e.Do(t, method, path, token, body)
	if out != nil && len(b) > 0 {
		if err := json.Unmarshal(b, out); err != nil {
			t.Fatalf("%s %s: decode %q: %v", method, path, b, err)
		}
	}
	return status
}

// Header sets one request header.
type Header struct{ Name, Value string }

func bearer(token string) []Header {
	if token == "" {
		return nil
	}
	return []Header{{Name: "Authorization", Value: "Bearer " + token}}
}

// Request sends a request with explicit headers and returns the response
// (the caller closes its body).
func (e *Env) Request(t testing.TB, method, path string, body any, headers []Header) *http.Response {
	t.Helper()
	var rd io.Reader
	ctype := "application/json"
	switch b := body.(type) {
	case *Form:
		rd, ctype = b.encode()
	case nil:
	case string:
		rd = strings.NewReader(b)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		j, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(j)
	}
	req, err := http.NewRequest(method, e.URL+path, rd)
	if err != nil {
		t.Fatal(err)
	}
	if rd != nil {
		req.Header.Set("Content-Type", ctype)
	}
	for _, h := range headers {
		req.Header.Set(h.Name, h.Value)
	}
	resp, err := e.Server.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp
}

// Mailbox is an email.Sender that keeps every message for the test.
type Mailbox struct {
	mu   sync.Mutex
	msgs []email.Message
	wake chan struct{}
}

// Send records m.
func (m *Mailbox) Send(_ context.Context, msg email.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	if m.wake != nil {
		close(m.wake)
		m.wake = nil
	}
	return nil
}

// Messages returns the messages received so far.
func (m *Mailbox) Messages() []email.Message {
	m.mu.Lock()
	defer m.mu.Unlock()
	return append([]email.Message(nil), m.msgs...)
}

// WaitFor waits (up to 10 s: mail is sent in the background) for the n-th
// message (1-based) to address to and returns it.
func (m *Mailbox) WaitFor(t testing.TB, to string, n int) email.Message {
	t.Helper()
	deadline := time.After(10 * time.Second)
	for {
		m.mu.Lock()
		seen := 0
		for _, msg := range m.msgs {
			if strings.EqualFold(msg.To, to) {
				if seen++; seen == n {
					m.mu.Unlock()
					return msg
				}
			}
		}
		if m.wake == nil {
			m.wake = make(chan struct{})
		}
		wake := m.wake
		m.mu.Unlock()
		select {
		case <-wake:
		case <-deadline:
			t.Fatalf("no message %d to %s", n, to)
		}
	}
}
