package setting

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

// loadSystem reads the system layer: system_settings rows, flat by key.
// Rows whose key is not in the catalogue are ignored.
func loadSystem(ctx context.Context, q db.Querier) (map[string]any, error) {
	rows, err := db.QueryFast(ctx, q, `SELECT key, value FROM system_settings`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]any{}
	for rows.Next() {
		var key string
		var raw db.JSON[any]
		if err := rows.Scan(&key, &raw); err != nil {
			return nil, err
		}
		if d, ok := Lookup(key); ok {
			if v, ok := d.canonical(raw.V); ok {
				out[key] = v
			}
		}
	}
	return out, rows.Err()
}

// applySystem writes changes to system_settings (upsert or delete).
func applySystem(ctx context.Context, q db.Querier, changes []Change) error {
	now := db.Now()
	for _, c := range changes {
		if c.Remove {
			if _, err := q.Exec(ctx, `DELETE FROM system_settings WHERE key = ?`, c.Key); err != nil {
				return err
			}
			continue
		}
		d, _ := Lookup(c.Key)
		_, err := q.Exec(ctx, `INSERT INTO system_settings (id, key, value, description, is_public, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT (key) DO UPDATE SET value = excluded.value, description = excluded.description,
				is_public = excluded.is_public, updated_at = excluded.updated_at`,
			db.NewID(), c.Key, db.JSON[any]{V: c.Value}, d.Description, d.Public, now, now)
		if err != nil {
			return err
		}
	}
	return nil
}

// owner is a table whose rows carry a nested settings document.
type owner struct {
	table  string // organizations | users
	entity string // for not-found errors
}

var (
	orgOwner  = owner{table: "organizations", entity: "organization"}
	userOwner = owner{table: "users", entity: "user"}
)

// load reads the nested settings of one row.
func (o owner) load(ctx context.Context, q db.Querier, id string) (map[string]any, error) {
	var raw db.JSON[map[string]any]
	err := db.QueryRowFast(ctx, q, `SELECT settings FROM `+o.table+` WHERE id = ?`, id).Scan(&raw)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, apperr.NotFoundf(o.entity)
	}
	if err != nil {
		return nil, fmt.Errorf("read %s settings: %w", o.entity, err)
	}
	if raw.V == nil {
		raw.V = map[string]any{}
	}
	return raw.V, nil
}

// save replaces the nested settings of one row.
func (o owner) save(ctx context.Context, q db.Querier, id string, nested map[string]any) error {
	_, err := q.Exec(ctx, `UPDATE `+o.table+` SET settings = ?, updated_at = ? WHERE id = ?`,
		db.JSON[map[string]any]{V: nested}, db.Now(), id)
	return err
}
