package main

import (
	"context"
	"flag"
	"fmt"
	"io"

	"github.com/curatore/curatore/internal/app"
)

func init() {
	register("seed", "create the default organization (and --create-admin its first admin)", runSeed)
}

func runSeed(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("seed", flag.ContinueOnError)
	fs.SetOutput(stderr)
	createAdmin := fs.Bool("create-admin", false, "also create the admin user from ADMIN_EMAIL, ADMIN_USERNAME, ADMIN_PASSWORD, ADMIN_FULL_NAME")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore seed [--create-admin]

Creates the default organization (DEFAULT_ORG_NAME, DEFAULT_ORG_SLUG) if it
does not exist, applying pending migrations first. With --create-admin it
also creates the administrator from ADMIN_* — verified, org_admin of the
default organization and system administrator. Running it again changes
nothing. The password is never printed.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, code := loadConfig(stderr)
	if cfg == nil {
		return code
	}
	if *createAdmin {
		if err := app.CheckAdminPassword(cfg.AdminPassword); err != nil {
			fmt.Fprintln(stderr, "seed: refusing to create the administrator:", err)
			return 1
		}
	}
	cfg, d, code := openDatabase(stderr)
	if d == nil {
		return code
	}
	ctx := context.Background()
	defer d.Close()
	if _, err := d.Migrate(ctx); err != nil {
		fmt.Fprintln(stderr, "migrate:", err)
		return 1
	}
	r, err := app.Seed(ctx, d, cfg, *createAdmin)
	if err != nil {
		fmt.Fprintln(stderr, "seed:", err)
		return 1
	}
	fmt.Fprintf(stdout, "organization %q (slug %s, id %s): %s\n", r.Org.Name, r.Org.Slug, r.Org.ID, state(r.OrgCreated))
	if *createAdmin {
		fmt.Fprintf(stdout, "admin %s (username %s, id %s): %s; org_admin, system administrator\n",
			r.Admin.Email, r.Admin.Username, r.Admin.ID, state(r.AdminCreated))
	}
	return 0
}

func state(created bool) string {
	if created {
		return "created"
	}
	return "already existed"
}
