package org

import (
	"context"
	"regexp"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

// ListFilter selects organizations for a system administrator.
type ListFilter struct {
	Q        string // matches name, display name or slug
	IsActive *bool
	Skip     int
	Limit    int
}

// List returns a page of organizations, newest first, and the total count.
func List(ctx context.Context, q db.Querier, f ListFilter) ([]Organization, int, error) {
	where := " WHERE 1=1"
	var args []any
	if f.Q != "" {
		like := "%" + strings.ToLower(f.Q) + "%"
		where += " AND (LOWER(name) LIKE ? OR LOWER(display_name) LIKE ? OR slug LIKE ?)"
		args = append(args, like, like, like)
	}
	if f.IsActive != nil {
		where += " AND is_active = ?"
		args = append(args, *f.IsActive)
	}
	var total int
	if err := q.QueryRow(ctx, "SELECT COUNT(*) FROM organizations"+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, "SELECT "+columns+" FROM organizations"+where+" ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?",
		append(args, f.Limit, f.Skip)...)
	if err != nil {
		return nil, 0, err
	}
	out, err := db.Collect(rows, scan)
	return out, total, err
}

// Save writes the mutable fields of o (name, display name, active flag,
// settings) and bumps updated_at.
func Save(ctx context.Context, q db.Querier, o *Organization) error {
	o.UpdatedAt = db.Now()
	res, err := q.Exec(ctx, `UPDATE organizations SET name = ?, display_name = ?, is_active = ?, settings = ?, updated_at = ?
		WHERE id = ?`, o.Name, o.DisplayName, o.IsActive, db.JSON[map[string]any]{V: o.Settings}, o.UpdatedAt, o.ID)
	if err != nil {
		if apperrConflict(err) {
			return &apperr.Error{Kind: apperr.Conflict, Code: "organization_name_taken", Detail: "an organization with this name already exists",
				Fields: []apperr.FieldError{{Field: "name", Reason: "already in use"}}, Err: err}
		}
		return err
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return apperr.NotFoundf("organization")
	}
	return nil
}

func apperrConflict(err error) bool {
	e, ok := apperr.As(err)
	return ok && e.Kind == apperr.Conflict
}

var slugPattern = regexp.MustCompile(`^[a-z0-9]+(?:-[a-z0-9]+)*$`)

// ValidSlug reports why slug is not acceptable ("" when it is): lower-case
// letters, digits and single hyphens, 2 to 100 characters.
func ValidSlug(slug string) string {
	switch {
	case len(slug) < 2 || len(slug) > 100:
		return "must be 2 to 100 characters"
	case !slugPattern.MatchString(slug):
		return "may contain only lower-case letters, digits and single hyphens, not at either end"
	}
	return ""
}

// Slugify derives a slug from a name ("Acme Corp." → "acme-corp").
func Slugify(name string) string {
	var b strings.Builder
	dash := false
	for _, r := range strings.ToLower(name) {
		switch {
		case r >= 'a' && r <= 'z', r >= '0' && r <= '9':
			b.WriteRune(r)
			dash = false
		case !dash && b.Len() > 0:
			b.WriteByte('-')
			dash = true
		}
	}
	s := strings.TrimSuffix(b.String(), "-")
	if len(s) > 100 {
		s = strings.TrimSuffix(s[:100], "-")
	}
	return s
}

// MergeSettings deep-merges patch into settings and returns the result:
// nested objects merge recursively, other values replace, and a null value
// deletes the key. settings is not modified.
func MergeSettings(settings, patch map[string]any) map[string]any {
	out := make(map[string]any, len(settings)+len(patch))
	for k, v := range settings {
		out[k] = v
	}
	for k, v := range patch {
		if v == nil {
			delete(out, k)
			continue
		}
		sub, isObj := v.(map[string]any)
		cur, curObj := out[k].(map[string]any)
		if isObj && curObj {
			out[k] = MergeSettings(cur, sub)
		} else if isObj {
			out[k] = MergeSettings(nil, sub) // drops nulls inside new objects too
		} else {
			out[k] = v
		}
	}
	return out
}
