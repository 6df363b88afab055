package org

import (
	"context"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/email"
)

// Service holds the rules for organizations and their members. Every method
// takes the caller's scope first; the organization comes from the scope,
// never from the request.
type Service struct {
	DB     *db.DB
	Mail   email.Sender
	Config *config.Config
}

// Mine returns the caller's active organization.
func (s *Service) Mine(ctx context.Context, sc auth.Scope) (Organization, error) {
	return ByID(ctx, s.DB, sc.OrgID)
}

// Update is a partial update of an organization; nil fields stay as they are.
type Update struct {
	Name        *string
	DisplayName *string
	IsActive    *bool // system administrators only
}

func (u Update) validate() error {
	var f apperr.Fields
	if u.Name != nil && (strings.TrimSpace(*u.Name) == "" || len(*u.Name) > 255) {
		f.Add("name", "must be 1 to 255 characters")
	}
	if u.DisplayName != nil && (strings.TrimSpace(*u.DisplayName) == "" || len(*u.DisplayName) > 255) {
		f.Add("display_name", "must be 1 to 255 characters")
	}
	return f.Err()
}

// UpdateMine changes the caller's organization (org admins).
func (s *Service) UpdateMine(ctx context.Context, sc auth.Scope, u Update) (Organization, error) {
	u.IsActive = nil // an organization cannot deactivate itself through /me
	return s.update(ctx, sc, sc.OrgID, u)
}

func (s *Service) update(ctx context.Context, sc auth.Scope, id string, u Update) (Organization, error) {
	if err := u.validate(); err != nil {
		return Organization{}, err
	}
	var o Organization
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "organization.update", EntityType: "organization", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		var err error
		if o, err = ByID(ctx, q, id); err != nil {
			return err
		}
		changes := map[string]any{}
		if u.Name != nil && *u.Name != o.Name {
			changes["name"] = map[string]any{"from": o.Name, "to": *u.Name}
			o.Name = strings.TrimSpace(*u.Name)
		}
		if u.DisplayName != nil && *u.DisplayName != o.DisplayName {
			changes["display_name"] = map[string]any{"from": o.DisplayName, "to": *u.DisplayName}
			o.DisplayName = strings.TrimSpace(*u.DisplayName)
		}
		if u.IsActive != nil && *u.IsActive != o.IsActive {
			changes["is_active"] = map[string]any{"from": o.IsActive, "to": *u.IsActive}
			o.IsActive = *u.IsActive
			if !o.IsActive {
				// Reactivation must not revive old, possibly stolen, credentials.
				e.Action = "organization.deactivate"
				sessions, keys, err := revokeAccess(ctx, q, o.ID, "", "organization_deactivated")
				if err != nil {
					return err
				}
				changes["sessions_revoked"], changes["api_keys_revoked"] = sessions, keys
			}
		}
		e.OrgID, e.Details = o.ID, map[string]any{"changes": changes}
		return Save(ctx, q, &o)
	})
	return o, err
}

// requireSystemAdmin is the service-level backstop of the route's access rule.
func requireSystemAdmin(sc auth.Scope) error {
	if !sc.SystemAdmin {
		return apperr.New(apperr.Forbidden, "system_admin_required", "this action needs a system administrator")
	}
	return nil
}

// ListAll lists every organization (system administrators).
func (s *Service) ListAll(ctx context.Context, sc auth.Scope, f ListFilter) ([]Organization, int, error) {
	if err := requireSystemAdmin(sc); err != nil {
		return nil, 0, err
	}
	return List(ctx, s.DB, f)
}

// Get returns any organization (system administrators).
func (s *Service) Get(ctx context.Context, sc auth.Scope, id string) (Organization, error) {
	if err := requireSystemAdmin(sc); err != nil {
		return Organization{}, err
	}
	return ByID(ctx, s.DB, id)
}

// CreateInput is a new organization.
type CreateInput struct {
	Name        string
	DisplayName string
	Slug        string // derived from Name when empty
	Settings    map[string]any
}

// Create makes a new organization (system administrators).
func (s *Service) Create(ctx context.Context, sc auth.Scope, in CreateInput) (Organization, error) {
	if err := requireSystemAdmin(sc); err != nil {
		return Organization{}, err
	}
	in.Name = strings.TrimSpace(in.Name)
	if in.Slug == "" {
		in.Slug = Slugify(in.Name)
	}
	var f apperr.Fields
	if in.Name == "" || len(in.Name) > 255 {
		f.Add("name", "must be 1 to 255 characters")
	}
	if len(in.DisplayName) > 255 {
		f.Add("display_name", "must be at most 255 characters")
	}
	if reason := ValidSlug(in.Slug); reason != "" {
		f.Add("slug", reason)
	}
	if err := f.Err(); err != nil {
		return Organization{}, err
	}
	o := Organization{Name: in.Name, DisplayName: in.DisplayName, Slug: in.Slug, IsActive: true,
		Settings: MergeSettings(nil, in.Settings), CreatedBy: sc.UserID}
	// A server-wide event (a system administrator's act), so the row has no
	// organization; the new organization's id is the entity id.
	entry := audit.Entry{UserID: sc.UserID, Action: "organization.create", EntityType: "organization"}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		o.ID = db.NewID()
		e.EntityID = o.ID
		e.Details = map[string]any{"name": o.Name, "slug": o.Slug}
		return Create(ctx, q, &o)
	})
	if err != nil {
		return Organization{}, err
	}
	return o, nil
}

// UpdateAny changes any organization (system administrators).
func (s *Service) UpdateAny(ctx context.Context, sc auth.Scope, id string, u Update) (Organization, error) {
	if err := requireSystemAdmin(sc); err != nil {
		return Organization{}, err
	}
	return s.update(ctx, sc, id, u)
}

// Deactivate turns an organization off: its members and API keys stop
// authenticating. Nothing is deleted.
func (s *Service) Deactivate(ctx context.Context, sc auth.Scope, id string) error {
	if err := requireSystemAdmin(sc); err != nil {
		return err
	}
	off := false
	_, err := s.update(ctx, sc, id, Update{IsActive: &off})
	return err
}
