package email_test

import (
	"bytes"
	"context"
	"log/slog"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/email"
)

func TestNewPicksTheConfiguredBackend(t *testing.T) {
	cases := []struct {
		vars map[string]string
		want string
	}{
		{nil, "email.Console"},
		{map[string]string{"ENABLE_AUTH": "false"}, "email.Console"},
		{map[string]string{"EMAIL_BACKEND": "smtp", "SMTP_HOST": "mail.example.com"}, "*email.SMTP"},
	}
	for _, c := range cases {
		cfg, err := config.FromMap(c.vars)
		if err != nil {
			t.Fatal(err)
		}
		if got := typeName(email.New(cfg)); got != c.want {
			t.Errorf("%v: %s, want %s", c.vars, got, c.want)
		}
	}
}

func typeName(s email.Sender) string {
	switch s.(type) {
	case email.Console:
		return "email.Console"
	case *email.SMTP:
		return "*email.SMTP"
	}
	return "?"
}

func TestConsoleLogsTheMessage(t *testing.T) {
	var buf bytes.Buffer
	c := email.Console{Logger: slog.New(slog.NewJSONHandler(&buf, nil)), From: email.Address{Name: "Curatore", Email: "no@x.test"}}
	if err := c.Send(context.Background(), email.Message{To: "a@example.com", Subject: "Verify", Text: "link http://x/verify-email?token=t"}); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"to":"a@example.com"`, `"subject":"Verify"`, "verify-email?token=t"} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("log lacks %s: %s", want, buf.String())
		}
	}
}

// TestConsoleHidesTokensWithAuthentication: with ENABLE_AUTH on (the
// default), the console backend logs the message without link tokens.
func TestConsoleHidesTokensWithAuthentication(t *testing.T) {
	for _, enable := range []string{"", "true", "false"} {
		cfg, err := config.FromMap(map[string]string{"ENABLE_AUTH": enable})
		if err != nil {
			t.Fatal(err)
		}
		var buf bytes.Buffer
		c := email.New(cfg).(email.Console)
		c.Logger = slog.New(slog.NewJSONHandler(&buf, nil))
		_ = c.Send(context.Background(), email.Message{To: "a@example.com", Subject: "Reset", Text: "open http://x/reset-password?token=s3cr3t-tok&x=1 now"})
		hidden := !strings.Contains(buf.String(), "s3cr3t-tok") && strings.Contains(buf.String(), "token=***")
		if hidden != cfg.EnableAuth {
			t.Errorf("ENABLE_AUTH=%q: %s", enable, buf.String())
		}
	}
}
