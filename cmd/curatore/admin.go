package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/user"
)

func init() {
	register("admin", "grant or revoke system administrator rights (grant | revoke EMAIL)", runAdmin)
}

func runAdmin(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("admin", flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore admin grant EMAIL
       curatore admin revoke EMAIL

A system administrator can list, create, update and deactivate every
organization and read every organization's audit log. The first admin
created by "curatore seed --create-admin" is one. Each change is audited.
`)
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	if fs.NArg() != 2 || (fs.Arg(0) != "grant" && fs.Arg(0) != "revoke") {
		fs.Usage()
		return 2
	}
	_, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	ctx := context.Background()
	defer d.Close()
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
