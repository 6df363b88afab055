// Package email sends Curatore's mail (verification, password reset)
// through a backend chosen by EMAIL_BACKEND: console (logs the message,
// links included — the one place a token is written out, as in the
// reference; use it only in development) or smtp.
package email

import (
	"context"
	"fmt"
	"log/slog"
	"regexp"

	"github.com/curatore/curatore/internal/config"
)

// Message is one plain-text email.
type Message struct {
	To      string
	Subject string
	Text    string
}

// Sender delivers messages.
type Sender interface {
	Send(ctx context.Context, m Message) error
}

// New returns the backend configured in cfg.
func New(cfg *config.Config) Sender {
	from := Address{Name: cfg.EmailFromName, Email: cfg.EmailFromAddress}
	if cfg.EmailBackend == "smtp" {
		return &SMTP{Host: cfg.SMTPHost, Port: cfg.SMTPPort, Username: cfg.SMTPUsername,
			Password: cfg.SMTPPassword, UseTLS: cfg.SMTPUseTLS, From: from}
	}
	// With authentication on, a log reader must not be able to take over
	// accounts: tokens are hidden (operators use `curatore admin reset-link`).
	return Console{Logger: slog.Default(), From: from, HideTokens: cfg.EnableAuth}
}

// Address is a display name and an email address.
type Address struct {
	Name  string
	Email string
}

func (a Address) String() string {
	if a.Name == "" {
		return a.Email
	}
	return fmt.Sprintf("%q <%s>", a.Name, a.Email)
}

// Console logs every message instead of sending it. The body holds the
// verification, reset or invitation link; with HideTokens (the default
// when ENABLE_AUTH is on) the token of every link is replaced by "***".
type Console struct {
	Logger     *slog.Logger
	From       Address
	HideTokens bool
}

// linkToken matches the token parameter of a link.
var linkToken = regexp.MustCompile(`([?&]token=)[^&\s]+`)

// Send logs m.
func (c Console) Send(ctx context.Context, m Message) error {
	body := m.Text
	if c.HideTokens {
		body = linkToken.ReplaceAllString(body, "${1}***")
	}
	c.Logger.InfoContext(ctx, "email (console backend, not sent)",
		"from", c.From.String(), "to", m.To, "subject", m.Subject, "body", body)
	return nil
}
