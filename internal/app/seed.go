package app

import (
	"context"
	"errors"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/user"
)

// createOrg is the auth service's way to create an organization (auth
// cannot import org, whose services import auth).
func createOrg(ctx context.Context, q db.Querier, name, slug, createdBy string) (string, error) {
	o := org.Organization{Name: name, Slug: slug, IsActive: true, CreatedBy: createdBy}
	err := org.Create(ctx, q, &o)
	return o.ID, err
}

// EnsureDefaultOrg returns the organization DEFAULT_ORG_SLUG, creating it
// (named DEFAULT_ORG_NAME) when missing. created says whether it was made.
func EnsureDefaultOrg(ctx context.Context, d *db.DB, cfg *config.Config) (o org.Organization, err error) {
	o, err = org.BySlug(ctx, d, cfg.DefaultOrgSlug)
	if !errors.Is(err, apperr.NotFound) {
		return o, err
	}
	o = org.Organization{Name: cfg.DefaultOrgName, Slug: cfg.DefaultOrgSlug, IsActive: true}
	err = d.InTx(ctx, func(q db.Querier) error {
		if err := org.Create(ctx, q, &o); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Entry{OrgID: o.ID, Action: "organization.create", EntityType: "organization",
			EntityID: o.ID, Details: map[string]any{"name": o.Name, "slug": o.Slug, "source": "default organization"}})
	})
	if errors.Is(err, apperr.Conflict) { // created concurrently by another replica
		return org.BySlug(ctx, d, cfg.DefaultOrgSlug)
	}
	return o, err
}

// SeedResult says what Seed found and made.
type SeedResult struct {
	Org          org.Organization
	OrgCreated   bool
	Admin        user.User
	AdminCreated bool
}

// Seed ensures the default organization and, with createAdmin, its first
// administrator (ADMIN_*): verified, org_admin and system administrator.
// It is idempotent: existing rows are reused and an existing admin gains a
// missing membership; the system-administrator flag is set only when the
// admin is created.
func Seed(ctx context.Context, d *db.DB, cfg *config.Config, createAdmin bool) (SeedResult, error) {
	var r SeedResult
	if createAdmin {
		if err := CheckAdminPassword(cfg.AdminPassword); err != nil {
			return r, err
		}
	}
	_, err := org.BySlug(ctx, d, cfg.DefaultOrgSlug)
	r.OrgCreated = errors.Is(err, apperr.NotFound)
	if r.Org, err = EnsureDefaultOrg(ctx, d, cfg); err != nil || !createAdmin {
		return r, err
	}
	err = d.InTx(ctx, func(q db.Querier) error {
		u, created, err := ensureAdmin(ctx, q, cfg)
		if err != nil {
			return err
		}
		// Only a newly created admin is made a system administrator: a
		// revoked flag stays revoked when seed runs again (use
		// `curatore admin grant` to change it).
		r.AdminCreated = created
		r.Admin = u
		_, err = user.MembershipOf(ctx, q, r.Org.ID, u.ID)
		if !errors.Is(err, apperr.NotFound) {
			return err
		}
		if err := user.AddMembership(ctx, q, &user.Membership{OrgID: r.Org.ID, UserID: u.ID, Role: string(auth.RoleAdmin), IsActive: true}); err != nil {
			return err
		}
		return audit.Record(ctx, q, audit.Entry{OrgID: r.Org.ID, Action: "user.seed_admin", EntityType: "user", EntityID: u.ID,
			Details: map[string]any{"email": u.Email, "username": u.Username, "role": string(auth.RoleAdmin),
				"system_admin": u.IsSystemAdmin, "user_created": created}})
	})
	return r, err
}

// CheckAdminPassword refuses a missing administrator password and the
// published default "changeme": a system administrator with a password
// anyone can look up would own the server.
func CheckAdminPassword(password string) error {
	switch {
	case password == "":
		return errors.New("ADMIN_PASSWORD is not set: set it to the first administrator's password (8 to 72 bytes) and run again")
	case strings.EqualFold(password, "changeme"):
		return errors.New(`ADMIN_PASSWORD is the published default "changeme": set a password of your own and run again`)
	}
	return auth.CheckPasswordPolicy("ADMIN_PASSWORD", password)
}

// ensureAdmin returns the ADMIN_EMAIL user, creating it (verified, system
// administrator) when missing; created says whether it was made.
func ensureAdmin(ctx context.Context, q db.Querier, cfg *config.Config) (u user.User, created bool, err error) {
	u, err = user.ByEmail(ctx, q, cfg.AdminEmail)
	if !errors.Is(err, apperr.NotFound) {
		return u, false, err
	}
	hash, err := auth.HashPassword(cfg.AdminPassword, cfg.BcryptRounds)
	if err != nil {
		return u, false, err
	}
	u = user.User{Email: cfg.AdminEmail, Username: cfg.AdminUsername, PasswordHash: hash,
		FullName: cfg.AdminFullName, IsActive: true, IsVerified: true, IsSystemAdmin: true}
	return u, true, user.Create(ctx, q, &u)
}
