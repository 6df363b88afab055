package config

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
)

// Engine names a supported database engine.
type Engine string

// The supported engines.
const (
	SQLite   Engine = "sqlite"
	Postgres Engine = "postgres"
)

// DatabaseURL is a parsed DATABASE_URL.
type DatabaseURL struct {
	Engine Engine
	// Path is the SQLite database file (SQLite only).
	Path string
	// DSN is the connection string handed to pgx (PostgreSQL only).
	DSN string
}

// Redacted returns a printable form with any password removed.
func (d DatabaseURL) Redacted() string {
	if d.Engine == SQLite {
		return "sqlite:///" + d.Path
	}
	u, err := url.Parse(d.DSN)
	if err != nil {
		return "postgres://(unparsable)"
	}
	if u.User != nil {
		u.User = url.User(u.User.Username())
	}
	u.RawQuery = ""
	return u.String()
}

// ParseDatabaseURL accepts the reference system's spellings as well as plain
// ones:
//
//	sqlite+aiosqlite:///./data/curatore.db   relative path ./data/curatore.db
//	sqlite:///data/curatore.db               relative path data/curatore.db
//	sqlite:////var/lib/curatore.db           absolute path /var/lib/curatore.db
//	postgresql+asyncpg://u:p@h:5432/db       PostgreSQL
//	postgresql://…, postgres://…             PostgreSQL
//
// The three- and four-slash SQLite forms follow SQLAlchemy, which is what read
// these URLs in the reference, so an existing .env points at the same file.
func ParseDatabaseURL(raw string) (DatabaseURL, error) {
	scheme, rest, ok := strings.Cut(raw, "://")
	if !ok {
		// The value is not echoed: it may hold a password.
		return DatabaseURL{}, fmt.Errorf("is not a URL (expected sqlite:///path or postgresql://…)")
	}
	base, _, _ := strings.Cut(strings.ToLower(scheme), "+") // drop the driver (+aiosqlite, +asyncpg, +psycopg2)
	switch base {
	case "sqlite", "sqlite3":
		return parseSQLite(rest)
	case "postgres", "postgresql":
		return parsePostgres(rest)
	}
	return DatabaseURL{}, fmt.Errorf("unsupported database scheme %q (use sqlite or postgresql)", scheme)
}

func parseSQLite(rest string) (DatabaseURL, error) {
	// rest is "/<path>" for sqlite:///<path>; the query string carries nothing we use.
	path, _, _ := strings.Cut(rest, "?")
	if !strings.HasPrefix(path, "/") {
		return DatabaseURL{}, fmt.Errorf("sqlite URL needs three slashes before the path, e.g. sqlite:///./data/curatore.db")
	}
	path = strings.TrimPrefix(path, "/")
	if path == "" || path == ":memory:" {
		return DatabaseURL{}, fmt.Errorf("sqlite URL needs a file path (in-memory databases are not supported)")
	}
	return DatabaseURL{Engine: SQLite, Path: filepath.Clean(path)}, nil
}

func parsePostgres(rest string) (DatabaseURL, error) {
	u, err := url.Parse("postgres://" + rest)
	if err != nil {
		return DatabaseURL{}, fmt.Errorf("invalid PostgreSQL URL: %v", redactErr(err))
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return DatabaseURL{}, fmt.Errorf("PostgreSQL URL needs a host")
	}
	// asyncpg spelled TLS as ?ssl=require; libpq/pgx spell it sslmode.
	q := u.Query()
	if v := q.Get("ssl"); v != "" {
		q.Del("ssl")
		if q.Get("sslmode") == "" {
			q.Set("sslmode", v)
		}
	}
	u.RawQuery = q.Encode()
	return DatabaseURL{Engine: Postgres, DSN: u.String()}, nil
}

// redactErr keeps url.Parse errors from echoing the password back.
func redactErr(err error) string {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err.Error()
	}
	return "unparsable"
}
