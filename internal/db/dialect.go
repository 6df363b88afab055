package db

import (
	"database/sql"
	"database/sql/driver"
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5/pgconn"
	"modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/curatore/curatore/internal/apperr"
)

// Rebind turns `?` placeholders into `$1, $2, …` for PostgreSQL. Question
// marks inside single-quoted literals are left alone.
func Rebind(e Engine, query string) string {
	if e != Postgres || !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n, quoted := 0, false
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'':
			quoted = !quoted
			b.WriteByte(c)
		case c == '?' && !quoted:
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// NewID returns a new time-ordered text ID (UUIDv7), so IDs sort by creation.
func NewID() string {
	return uuid.Must(uuid.NewV7()).String()
}

// Now returns the current time in UTC, truncated to microseconds (the
// resolution both engines store).
func Now() time.Time {
	return time.Now().UTC().Truncate(time.Microsecond)
}

// Translate maps driver errors to apperr kinds: unique violations become
// Conflict, foreign-key and check violations become Invalid. sql.ErrNoRows
// is left for the caller, who knows what was not found.
func Translate(err error) error {
	if err == nil {
		return nil
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) {
		switch pg.Code {
		case "23505":
			return apperr.Wrap(apperr.Conflict, "conflict", "a record with this value already exists", err).WithConstraint(pg.ConstraintName)
		case "23503", "23514", "23502":
			return apperr.Wrap(apperr.Invalid, "constraint_violation", "the change breaks a database rule", err).WithConstraint(pg.ConstraintName)
		}
		return err
	}
	var lite *sqlite.Error
	if errors.As(err, &lite) {
		switch lite.Code() {
		case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
			return apperr.Wrap(apperr.Conflict, "conflict", "a record with this value already exists", err).WithConstraint(lite.Error())
		case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY, sqlite3.SQLITE_CONSTRAINT_CHECK, sqlite3.SQLITE_CONSTRAINT_NOTNULL:
			return apperr.Wrap(apperr.Invalid, "constraint_violation", "the change breaks a database rule", err).WithConstraint(lite.Error())
		}
	}
	return err
}

// JSON stores any value as a JSON document (TEXT on SQLite, JSONB on
// PostgreSQL). Use it as a column type: db.JSON[map[string]any].
type JSON[T any] struct {
	V T
}

// Value implements driver.Valuer.
func (j JSON[T]) Value() (driver.Value, error) {
	b, err := json.Marshal(j.V)
	if err != nil {
		return nil, err
	}
	return string(b), nil
}

// Scan implements sql.Scanner.
func (j *JSON[T]) Scan(src any) error {
	var b []byte
	switch v := src.(type) {
	case nil:
		var zero T
		j.V = zero
		return nil
	case []byte:
		b = v
	case string:
		b = []byte(v)
	default:
		return fmt.Errorf("db.JSON: cannot scan %T", src)
	}
	return json.Unmarshal(b, &j.V)
}

// NullTime scans a nullable timestamp into a *time.Time (nil when NULL).
type NullTime struct{ T **time.Time }

// Scan implements sql.Scanner.
func (n NullTime) Scan(src any) error {
	var t sql.NullTime
	if err := t.Scan(src); err != nil {
		return err
	}
	if t.Valid {
		v := t.Time.UTC()
		*n.T = &v
	} else {
		*n.T = nil
	}
	return nil
}

// NullString stores "" as NULL.
func NullString(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// Scanner is what a row scanner reads from: *sql.Row or *sql.Rows.
type Scanner interface{ Scan(dest ...any) error }

// Collect scans every row with scan and closes rows. It returns an empty,
// non-nil slice when there are none (so JSON shows [] rather than null).
func Collect[T any](rows *sql.Rows, scan func(Scanner) (T, error)) ([]T, error) {
	defer rows.Close()
	out := []T{}
	for rows.Next() {
		v, err := scan(rows)
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, rows.Err()
}
