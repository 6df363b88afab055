// Package email sends Curatore's mail (verification, password reset)
// through a backend chosen by EMAIL_BACKEND: console (logs the message,
// links included — the one place a token is written out, as in the
// reference; use it only in development) or smtp.
package email

import (
	"context"
	"fmt"
	"log/slog"

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
	return Console{Logger: slog.Default(), From: from}
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
// verification or reset link, token included: development only.
type Console struct {
	Logger *slog.Logger
	From   Address
}

// Send logs m.
func (c Console) Send(ctx context.Context, m Message) error {
	c.Logger.InfoContext(ctx, "email (console backend, not sent)",
		"from", c.From.String(), "to", m.To, "subject", m.Subject, "body", m.Text)
	return nil
}
