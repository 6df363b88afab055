package connection

import (
	"context"
	"database/sql"
	"errors"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/db"
)

// sealed is a connection's secret column: the ciphertext of a JSON object
// of secret fields, and the id of the key that sealed it.
type sealed struct {
	Blob  string
	KeyID string
}

const columns = `id, org_id, name, COALESCE(description, ''), connection_type, config, is_active, is_default,
	last_tested_at, COALESCE(test_status, ''), test_result, scope, COALESCE(created_by, ''), created_at, updated_at,
	COALESCE(secrets, ''), COALESCE(secrets_key_id, '')`

func scan(row db.Scanner) (Connection, sealed, error) {
	var c Connection
	var s sealed
	var cfg db.JSON[map[string]any]
	var result db.JSON[*TestResult]
	var tested sql.NullTime
	err := row.Scan(&c.ID, &c.OrgID, &c.Name, &c.Description, &c.Type, &cfg, &c.IsActive, &c.IsDefault,
		&tested, &c.TestStatus, &result, &c.Scope, &c.CreatedBy, &c.CreatedAt, &c.UpdatedAt, &s.Blob, &s.KeyID)
	if errors.Is(err, sql.ErrNoRows) {
		return Connection{}, sealed{}, apperr.NotFoundf("connection")
	}
	if err != nil {
		return Connection{}, sealed{}, err
	}
	c.Config, c.TestResult = cfg.V, result.V
	if c.Config == nil {
		c.Config = map[string]any{}
	}
	if tested.Valid {
		t := tested.Time.UTC()
		c.LastTestedAt = &t
	}
	c.CreatedAt, c.UpdatedAt = c.CreatedAt.UTC(), c.UpdatedAt.UTC()
	return c, s, nil
}

// insert stores a new connection.
func insert(ctx context.Context, q db.Querier, c *Connection, s sealed) error {
	_, err := q.Exec(ctx, `INSERT INTO connections (id, org_id, name, description, connection_type, config, is_active,
		is_default, scope, created_by, created_at, updated_at, secrets, secrets_key_id)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
		c.ID, c.OrgID, c.Name, db.NullString(c.Description), c.Type, db.JSON[map[string]any]{V: c.Config}, c.IsActive,
		c.IsDefault, c.Scope, db.NullString(c.CreatedBy), c.CreatedAt, c.UpdatedAt, db.NullString(s.Blob), db.NullString(s.KeyID))
	return conflict(err)
}

// errChanged refuses a write over a change made since the row was read.
var errChanged = &apperr.Error{Kind: apperr.Conflict, Code: "connection_changed",
	Detail: "the connection was changed by someone else meanwhile; reload it and retry"}

// update writes every mutable column of c, provided the row is as it was
// read (its updated_at is still read); otherwise errChanged, or NotFound
// when the row is gone.
func update(ctx context.Context, q db.Querier, c *Connection, s sealed, read time.Time) error {
	res, err := q.Exec(ctx, `UPDATE connections SET name = ?, description = ?, config = ?, is_active = ?, is_default = ?,
		updated_at = ?, secrets = ?, secrets_key_id = ? WHERE org_id = ? AND id = ? AND updated_at = ?`,
		c.Name, db.NullString(c.Description), db.JSON[map[string]any]{V: c.Config}, c.IsActive, c.IsDefault,
		c.UpdatedAt, db.NullString(s.Blob), db.NullString(s.KeyID), c.OrgID, c.ID, read)
	if err != nil {
		return conflict(err)
	}
	if err := mustAffect(res); !errors.Is(err, apperr.NotFound) {
		return err
	}
	if _, _, err := byID(ctx, q, c.OrgID, c.ID); err != nil {
		return err
	}
	return errChanged
}

// conflict names the field of a unique violation.
func conflict(err error) error {
	e, ok := apperr.As(err)
	if !ok || !errors.Is(err, apperr.Conflict) {
		return err
	}
	// The name index is ux_connections_org_type_name (PostgreSQL) or
	// "connections.name" (SQLite); the other unique index is the default's.
	if !strings.Contains(e.Constraint+e.Error(), "name") {
		return &apperr.Error{Kind: apperr.Conflict, Code: "connection_default_taken",
			Detail: "another connection of this type became the default at the same time; retry",
			Fields: []apperr.FieldError{{Field: "is_default", Reason: "another default exists"}}, Err: err}
	}
	return &apperr.Error{Kind: apperr.Conflict, Code: "connection_name_taken",
		Detail: "a connection of this type with this name already exists",
		Fields: []apperr.FieldError{{Field: "name", Reason: "already in use for this connection type"}}, Err: err}
}

func mustAffect(res sql.Result) error {
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return apperr.NotFoundf("connection")
	}
	return nil
}

// byID returns the organization's connection id.
func byID(ctx context.Context, q db.Querier, orgID, id string) (Connection, sealed, error) {
	return scan(q.QueryRow(ctx, `SELECT `+columns+` FROM connections WHERE org_id = ? AND id = ?`, orgID, id))
}

// defaultOf returns the organization's active default connection of a type.
func defaultOf(ctx context.Context, q db.Querier, orgID, typ string) (Connection, sealed, error) {
	return scan(q.QueryRow(ctx, `SELECT `+columns+` FROM connections
		WHERE org_id = ? AND connection_type = ? AND is_default AND is_active`, orgID, typ))
}

// Filter narrows a listing.
type Filter struct {
	Type      string
	IsActive  *bool
	IsDefault *bool
	Skip      int
	Limit     int
}

func (f Filter) where(orgID string) (string, []any) {
	w, args := "org_id = ?", []any{orgID}
	if f.Type != "" {
		w, args = w+" AND connection_type = ?", append(args, f.Type)
	}
	if f.IsActive != nil {
		w, args = w+" AND is_active = ?", append(args, *f.IsActive)
	}
	if f.IsDefault != nil {
		w, args = w+" AND is_default = ?", append(args, *f.IsDefault)
	}
	return w, args
}

type row struct {
	Connection
	sealed sealed
}

// list returns a page of the organization's connections, newest first,
// and the total matching.
func list(ctx context.Context, q db.Querier, orgID string, f Filter) ([]row, int, error) {
	where, args := f.where(orgID)
	var total int
	if err := q.QueryRow(ctx, `SELECT COUNT(*) FROM connections WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := q.Query(ctx, `SELECT `+columns+` FROM connections WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Skip)...)
	if err != nil {
		return nil, 0, err
	}
	defer rows.Close()
	var out []row
	for rows.Next() {
		c, s, err := scan(rows)
		if err != nil {
			return nil, 0, err
		}
		out = append(out, row{Connection: c, sealed: s})
	}
	return out, total, rows.Err()
}

// lockType serializes changes of a type's default within an organization:
// on PostgreSQL it locks the type's rows in id order, so two transactions
// moving the default wait for each other instead of deadlocking. (SQLite
// runs one writing transaction at a time.)
func lockType(ctx context.Context, q db.Querier, orgID, typ string) error {
	if q.Engine() != db.Postgres {
		return nil
	}
	rows, err := q.Query(ctx, `SELECT id FROM connections WHERE org_id = ? AND connection_type = ? ORDER BY id FOR UPDATE`, orgID, typ)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
	}
	return rows.Err()
}

// clearDefault locks the type (lockType) and unsets its default, except on
// keepID.
func clearDefault(ctx context.Context, q db.Querier, orgID, typ, keepID string) error {
	if err := lockType(ctx, q, orgID, typ); err != nil {
		return err
	}
	_, err := q.Exec(ctx, `UPDATE connections SET is_default = ? WHERE org_id = ? AND connection_type = ? AND id <> ? AND is_default`,
		false, orgID, typ, keepID)
	return err
}

// hasDefault reports whether the organization has a default of a type.
func hasDefault(ctx context.Context, q db.Querier, orgID, typ string) (bool, error) {
	var n int
	err := q.QueryRow(ctx, `SELECT COUNT(*) FROM connections WHERE org_id = ? AND connection_type = ? AND is_default`, orgID, typ).Scan(&n)
	return n > 0, err
}

// saveTest stores a test result.
func saveTest(ctx context.Context, q db.Querier, orgID, id string, r TestResult) error {
	res, err := q.Exec(ctx, `UPDATE connections SET last_tested_at = ?, test_status = ?, test_result = ? WHERE org_id = ? AND id = ?`,
		r.TestedAt, r.Status, db.JSON[*TestResult]{V: &r}, orgID, id)
	if err != nil {
		return err
	}
	return mustAffect(res)
}

// remove deletes a connection.
func remove(ctx context.Context, q db.Querier, orgID, id string) error {
	res, err := q.Exec(ctx, `DELETE FROM connections WHERE org_id = ? AND id = ?`, orgID, id)
	if err != nil {
		return err
	}
	return mustAffect(res)
}
