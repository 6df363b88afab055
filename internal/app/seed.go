package app

import (
	"context"
	"errors"

	"github.com/curatore/curatore/internal/apperr"
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
	err = d.InTx(ctx, func(q db.Querier) error { return org.Create(ctx, q, &o) })
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
// It is idempotent: existing rows are reused, an existing admin gains a
// missing membership or flag.
func Seed(ctx context.Context, d *db.DB, cfg *config.Config, createAdmin bool) (SeedResult, error) {
	var r SeedResult
	_, err := org.BySlug(ctx, d, cfg.DefaultOrgSlug)
	r.OrgCreated = errors.Is(err, apperr.NotFound)
	if r.Org, err = EnsureDefaultOrg(ctx, d, cfg); err != nil || !createAdmin {
		return r, err
	}
	err = d.InTx(ctx, func(q db.Querier) error {
		u, err := user.ByEmail(ctx, q, cfg.AdminEmail)
		if errors.Is(err, apperr.NotFound) {
			hash, herr := auth.HashPassword(cfg.AdminPassword, cfg.BcryptRounds)
			if herr != nil {
				return herr
			}
			u = user.User{Email: cfg.AdminEmail, Username: cfg.AdminUsername, PasswordHash: hash,
				FullName: cfg.AdminFullName, IsActive: true, IsVerified: true, IsSystemAdmin: true}
			err, r.AdminCreated = user.Create(ctx, q, &u), true
		}
		if err != nil {
			return err
		}
		if !u.IsSystemAdmin {
			if err := user.SetSystemAdmin(ctx, q, u.ID, true); err != nil {
				return err
			}
			u.IsSystemAdmin = true
		}
		r.Admin = u
		_, err = user.MembershipOf(ctx, q, r.Org.ID, u.ID)
		if errors.Is(err, apperr.NotFound) {
			return user.AddMembership(ctx, q, &user.Membership{OrgID: r.Org.ID, UserID: u.ID, Role: string(auth.RoleAdmin), IsActive: true})
		}
		return err
	})
	return r, err
}
