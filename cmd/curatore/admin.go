package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/user"
)

func init() {
	register("admin", "system administrator rights (grant | revoke EMAIL), a password-reset link (reset-link EMAIL)", runAdmin)
}

func runAdmin(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore admin grant EMAIL
       curatore admin revoke EMAIL
       curatore admin reset-link EMAIL

grant/revoke: a system administrator can list, create, update and
deactivate every organization and read every organization's audit log. The
first admin created by "curatore seed --create-admin" or the setup link is
one.

reset-link: prints a one-time password-reset link for the user (for
servers without SMTP: with authentication on, the console email backend
does not log tokens). Earlier links stop working.

Each change is audited.
`)
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 || (fs.Arg(0) != "grant" && fs.Arg(0) != "revoke" && fs.Arg(0) != "reset-link") {
		fs.Usage()
		return 2
	}
	cfg, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	ctx := context.Background()
	defer d.Close()
	if fs.Arg(0) == "reset-link" {
		return printResetLink(ctx, cfg, d, fs.Arg(1), stdout, stderr)
	}
	grant := fs.Arg(0) == "grant"
	if err := setSystemAdmin(ctx, d, fs.Arg(1), grant); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "%s: system administrator = %v\n", user.NormalizeEmail(fs.Arg(1)), grant)
	return 0
}

// setSystemAdmin sets the flag and audits it in the same transaction.
func setSystemAdmin(ctx context.Context, d *db.DB, email string, grant bool) error {
	action := "user.system_admin_revoke"
	if grant {
		action = "user.system_admin_grant"
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserAgent: "curatore admin (command line)"})
	return audit.Do(ctx, d, audit.Entry{Action: action, EntityType: "user"}, func(q db.Querier, e *audit.Entry) error {
		u, err := user.ByEmail(ctx, q, email)
		if err != nil {
			return fmt.Errorf("no user with email %s", user.NormalizeEmail(email))
		}
		e.EntityID = u.ID
		e.Details = map[string]any{"email": u.Email}
		return user.SetSystemAdmin(ctx, q, u.ID, grant)
	})
}

// printResetLink prints a password-reset link for the user with email.
func printResetLink(ctx context.Context, cfg *config.Config, d *db.DB, email string, stdout, stderr io.Writer) int {
	if err := app.LoadJWTKey(cfg); err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	svc, err := auth.NewService(auth.Options{Config: cfg, DB: d})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	ctx = audit.WithActor(ctx, audit.Actor{UserAgent: "curatore admin (command line)"})
	link, err := svc.ResetLink(ctx, email)
	if err != nil {
		fmt.Fprintln(stderr, err)
		return 1
	}
	fmt.Fprintf(stdout, "password-reset link for %s (works once, for %d hour(s)):\n%s\n",
		user.NormalizeEmail(email), int(cfg.PasswordResetExpire.Hours()), link)
	return 0
}
