// Package org holds organizations: the tenants of Curatore.
package org

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

// Organization is a tenant.
type Organization struct {
	ID          string
	Name        string
	DisplayName string
	Slug        string
	IsActive    bool
	Settings    map[string]any
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

const columns = `id, name, display_name, slug, is_active, settings, COALESCE(created_by, ''), created_at, updated_at`

func scan(row db.Scanner) (Organization, error) {
	var o Organization
	var settings db.JSON[map[string]any]
	err := row.Scan(&o.ID, &o.Name, &o.DisplayName, &o.Slug, &o.IsActive, &settings, &o.CreatedBy, &o.CreatedAt, &o.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return Organization{}, apperr.NotFoundf("organization")
	}
	o.Settings = settings.V
	if o.Settings == nil {
		o.Settings = map[string]any{}
	}
	o.CreatedAt, o.UpdatedAt = o.CreatedAt.UTC(), o.UpdatedAt.UTC()
	return o, err
}

// Create inserts o, filling in ID, timestamps and DisplayName when empty.
// A duplicate name or slug is a Conflict with a field error.
func Create(ctx context.Context, q db.Querier, o *Organization) error {
	if o.ID == "" {
		o.ID = db.NewID()
	}
	if o.DisplayName == "" {
		o.DisplayName = o.Name
	}
	if o.Settings == nil {
		o.Settings = map[string]any{}
	}
	now := db.Now()
	o.CreatedAt, o.UpdatedAt = now, now
	_, err := q.Exec(ctx, `INSERT INTO organizations (id, name, display_name, slug, is_active, settings, created_by, created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`, o.ID, o.Name, o.DisplayName, o.Slug, o.IsActive,
		db.JSON[map[string]any]{V: o.Settings}, db.NullString(o.CreatedBy), now, now)
	if e, ok := apperr.As(err); ok && errors.Is(err, apperr.Conflict) {
		field := "name"
		if strings.Contains(e.Constraint+e.Error(), "slug") {
			field = "slug"
		}
		return &apperr.Error{Kind: apperr.Conflict, Code: "organization_" + field + "_taken",
			Detail: "an organization with this " + field + " already exists",
			Fields: []apperr.FieldError{{Field: field, Reason: "already in use"}}, Err: err}
	}
	return err
}

// ByID returns the organization with id.
func ByID(ctx context.Context, q db.Querier, id string) (Organization, error) {
	return scan(q.QueryRow(ctx, `SELECT `+columns+` FROM organizations WHERE id = ?`, id))
}

// BySlug returns the organization with slug.
func BySlug(ctx context.Context, q db.Querier, slug string) (Organization, error) {
	return scan(q.QueryRow(ctx, `SELECT `+columns+` FROM organizations WHERE slug = ?`, slug))
}
