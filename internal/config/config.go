// Package config loads Curatore's configuration from the process environment
// and an optional .env file, and validates it.
//
// The variable names are the reference system's, so an existing .env keeps
// working. The process environment wins over .env; .env wins over the
// defaults written here. Config is built once in main and passed down; there
// is no global.
package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/joho/godotenv"

	"github.com/curatore/curatore/internal/extract"
	"github.com/curatore/curatore/internal/storage"
)

// Config is every setting Curatore reads at start-up.
type Config struct {
	// Server
	Addr        string   // CURATORE_ADDR, default 127.0.0.1:8000
	Debug       bool     // DEBUG
	CORSOrigins []string // CORS_ORIGINS (JSON list or comma-separated)
	LogFormat   string   // LOG_FORMAT: "json" (default) or "text"

	// Database
	DatabaseURL   string        // DATABASE_URL
	Database      DatabaseURL   // parsed DatabaseURL
	DBPoolSize    int           // DB_POOL_SIZE
	DBMaxOverflow int           // DB_MAX_OVERFLOW
	DBPoolRecycle time.Duration // DB_POOL_RECYCLE (seconds)
	AutoMigrate   bool          // AUTO_MIGRATE

	// Authentication
	EnableAuth              bool          // ENABLE_AUTH
	AllowRegistration       bool          // ALLOW_REGISTRATION
	JWTSecretKey            string        // JWT_SECRET_KEY
	JWTAccessTokenExpire    time.Duration // JWT_ACCESS_TOKEN_EXPIRE_MINUTES
	JWTRefreshTokenExpire   time.Duration // JWT_REFRESH_TOKEN_EXPIRE_DAYS
	BcryptRounds            int           // BCRYPT_ROUNDS
	APIKeyPrefix            string        // API_KEY_PREFIX
	EmailVerificationExpire time.Duration // EMAIL_VERIFICATION_TOKEN_EXPIRE_HOURS
	PasswordResetExpire     time.Duration // PASSWORD_RESET_TOKEN_EXPIRE_HOURS
	AdminEmail              string        // ADMIN_EMAIL
	AdminUsername           string        // ADMIN_USERNAME
	AdminPassword           string        // ADMIN_PASSWORD
	AdminFullName           string        // ADMIN_FULL_NAME
	DefaultOrgName          string        // DEFAULT_ORG_NAME
	DefaultOrgSlug          string        // DEFAULT_ORG_SLUG
	AuditLogRetention       time.Duration // AUDIT_LOG_RETENTION_DAYS (0 = forever); validated here, read through the settings resolver
	TrustProxyHeaders       bool          // TRUST_PROXY_HEADERS: take the client IP from X-Forwarded-For
	EmailBackend            string        // EMAIL_BACKEND: console | smtp
	EmailFromAddress        string        // EMAIL_FROM_ADDRESS
	EmailFromName           string        // EMAIL_FROM_NAME
	FrontendBaseURL         string        // FRONTEND_BASE_URL
	SMTPHost                string        // SMTP_HOST
	SMTPPort                int           // SMTP_PORT
	SMTPUsername            string        // SMTP_USERNAME
	SMTPPassword            string        // SMTP_PASSWORD
	SMTPUseTLS              bool          // SMTP_USE_TLS
	RateLimitLoginPerMinute int           // RATE_LIMIT_LOGIN_PER_MINUTE

	// Security (see the README's "Security model")
	AllowUnauthenticatedRemote bool         // ALLOW_UNAUTHENTICATED_REMOTE: ENABLE_AUTH=false on a non-loopback address
	AllowedHosts               []string     // ALLOWED_HOSTS: Host header names accepted besides loopback ones
	TrustedProxies             []*net.IPNet // TRUSTED_PROXIES: CIDRs of reverse proxies whose X-Forwarded-For hop is skipped
	// MetricsToken enables GET /metrics for scrapers that send it as a
	// Bearer token (METRICS_TOKEN; empty: /metrics is 404). A secret: never logged.
	MetricsToken string

	// Files
	FilesRoot   string // FILES_ROOT
	MaxFileSize int64  // MAX_FILE_SIZE (bytes); validated here, read through the settings resolver

	// Storage: STORAGE_BACKEND (local | s3), FILES_ROOT, S3_* (parsed by
	// the storage package).
	Storage storage.Config

	// Jobs (the processing queue)
	WorkerConcurrency int           // WORKER_CONCURRENCY (else CELERY_CONCURRENCY); 0: serve runs no workers
	JobTimeout        time.Duration // JOB_TIMEOUT seconds (else CELERY_TASK_TIME_LIMIT), per job run
	JobMaxAttempts    int           // JOB_MAX_ATTEMPTS: runs of a job failing transiently before it fails

	// Webhooks
	WebhookAllowPrivate bool // WEBHOOK_ALLOW_PRIVATE: endpoints may be on loopback/private networks

	// Extraction: EXTRACTION_PRIORITY, EXTRACTION_TIMEOUT, OCR_*, TESSERACT_PATH,
	// DOCLING_*, EXTRACTION_SERVICE_* (parsed by the extract package).
	Extraction extract.Config

	// Settings: Env is the lookup the configuration was read from, kept so the
	// settings resolver can apply the variables that override settings
	// (DEFAULT_*_THRESHOLD, OCR_*, …) without reading the environment again.
	Env Source
	// Connections: the resolvers' ENV fallback (OPENAI_*, MS_*), secret keys,
	// outbound guard, test-on-save default, health cache.
	Connections Connections
}

// Source looks up one variable; ok is false when it is not set.
type Source func(name string) (value string, ok bool)

// Load reads the process environment plus ./.env (if present) and validates
// the result.
func Load() (*Config, error) {
	src, err := envSource()
	if err != nil {
		return nil, err
	}
	return FromSource(src)
}

// Getenv returns a lookup over the process environment and ./.env (the
// environment wins), for tools that need only some of the variables.
func Getenv() (func(string) string, error) {
	src, err := envSource()
	if err != nil {
		return nil, err
	}
	return src.get, nil
}

// envSource is the process environment over ./.env.
func envSource() (Source, error) {
	dotenv := map[string]string{}
	if _, err := os.Stat(".env"); err == nil {
		m, err := godotenv.Read(".env")
		if err != nil {
			return nil, fmt.Errorf("read .env: %w", err)
		}
		dotenv = m
	}
	return func(name string) (string, bool) {
		if v, ok := os.LookupEnv(name); ok {
			return v, true
		}
		v, ok := dotenv[name]
		return v, ok
	}, nil
}

// get returns the value of name, "" when unset.
func (s Source) get(name string) string {
	v, _ := s(name)
	return v
}

// FromMap builds a Config from a map only (tests use it).
func FromMap(m map[string]string) (*Config, error) {
	return FromSource(func(name string) (string, bool) {
		v, ok := m[name]
		return v, ok
	})
}

// FromSource builds and validates a Config from any variable source.
func FromSource(src Source) (*Config, error) {
	r := reader{src: src}
	c := &Config{
		Addr:        r.str("CURATORE_ADDR", "127.0.0.1:8000"),
		Debug:       r.boolean("DEBUG", false),
		CORSOrigins: r.list("CORS_ORIGINS", []string{"http://localhost:3000", "http://127.0.0.1:3000"}),
		LogFormat:   r.oneOf("LOG_FORMAT", "json", "json", "text"),

		DatabaseURL:   r.str("DATABASE_URL", DefaultDatabaseURL),
		DBPoolSize:    r.integer("DB_POOL_SIZE", 20, 1, 10000),
		DBMaxOverflow: r.integer("DB_MAX_OVERFLOW", 40, 0, 10000),
		DBPoolRecycle: r.seconds("DB_POOL_RECYCLE", 3600),
		AutoMigrate:   r.boolean("AUTO_MIGRATE", true),

		EnableAuth:              r.boolean("ENABLE_AUTH", true),
		AllowRegistration:       r.boolean("ALLOW_REGISTRATION", false),
		JWTSecretKey:            r.str("JWT_SECRET_KEY", ""),
		JWTAccessTokenExpire:    time.Duration(r.integer("JWT_ACCESS_TOKEN_EXPIRE_MINUTES", 60, 1, 60*24*30)) * time.Minute,
		JWTRefreshTokenExpire:   time.Duration(r.integer("JWT_REFRESH_TOKEN_EXPIRE_DAYS", 30, 1, 3650)) * 24 * time.Hour,
		BcryptRounds:            r.integer("BCRYPT_ROUNDS", 12, 4, 31),
		APIKeyPrefix:            r.str("API_KEY_PREFIX", "cur_"),
		EmailVerificationExpire: time.Duration(r.integer("EMAIL_VERIFICATION_TOKEN_EXPIRE_HOURS", 24, 1, 24*365)) * time.Hour,
		PasswordResetExpire:     time.Duration(r.integer("PASSWORD_RESET_TOKEN_EXPIRE_HOURS", 1, 1, 24*30)) * time.Hour,
		AdminEmail:              r.str("ADMIN_EMAIL", "admin@example.com"),
		AdminUsername:           r.str("ADMIN_USERNAME", "admin"),
		AdminPassword:           r.str("ADMIN_PASSWORD", ""),
		AdminFullName:           r.str("ADMIN_FULL_NAME", "Admin User"),
		DefaultOrgName:          r.str("DEFAULT_ORG_NAME", "Default Organization"),
		DefaultOrgSlug:          r.str("DEFAULT_ORG_SLUG", "default"),
		AuditLogRetention:       time.Duration(r.integer("AUDIT_LOG_RETENTION_DAYS", 0, 0, 36500)) * 24 * time.Hour,
		TrustProxyHeaders:       r.boolean("TRUST_PROXY_HEADERS", false),
		EmailBackend:            r.oneOf("EMAIL_BACKEND", "console", "console", "smtp"),
		EmailFromAddress:        r.str("EMAIL_FROM_ADDRESS", "noreply@curatore.app"),
		EmailFromName:           r.str("EMAIL_FROM_NAME", "Curatore"),
		FrontendBaseURL:         strings.TrimRight(r.str("FRONTEND_BASE_URL", "http://localhost:8000"), "/"),
		SMTPHost:                r.str("SMTP_HOST", ""),
		SMTPPort:                r.integer("SMTP_PORT", 587, 1, 65535),
		SMTPUsername:            r.str("SMTP_USERNAME", ""),
		SMTPPassword:            r.str("SMTP_PASSWORD", ""),
		SMTPUseTLS:              r.boolean("SMTP_USE_TLS", true),
		RateLimitLoginPerMinute: r.integer("RATE_LIMIT_LOGIN_PER_MINUTE", 10, 1, 100000),

		AllowUnauthenticatedRemote: r.boolean("ALLOW_UNAUTHENTICATED_REMOTE", false),
		AllowedHosts:               r.list("ALLOWED_HOSTS", nil),
		TrustedProxies:             r.cidrs("TRUSTED_PROXIES"),
		MetricsToken:               r.str("METRICS_TOKEN", ""),

		FilesRoot:   r.str("FILES_ROOT", "./data/files"),
		MaxFileSize: int64(r.integer("MAX_FILE_SIZE", 52428800, 1, 1<<40)),

		WorkerConcurrency: r.integer("WORKER_CONCURRENCY", r.integer("CELERY_CONCURRENCY", 2, 0, 1000), 0, 1000),
		JobTimeout:        time.Duration(r.integer("JOB_TIMEOUT", r.integer("CELERY_TASK_TIME_LIMIT", 900, 1, 86400), 1, 86400)) * time.Second,
		JobMaxAttempts:    r.integer("JOB_MAX_ATTEMPTS", 4, 1, 100),
	}
	if c.DatabaseURL != "" {
		u, err := ParseDatabaseURL(c.DatabaseURL)
		if err != nil {
			r.fail("DATABASE_URL", err.Error())
		}
		c.Database = u
	}
	ex, err := extract.ConfigFromEnv(src.get)
	if err != nil {
		r.fail("EXTRACTION_*", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	c.Extraction = ex
	st, err := storage.ConfigFromEnv(src.get)
	if err != nil {
		r.fail("STORAGE_*", strings.ReplaceAll(err.Error(), "\n", "; "))
	}
	c.Storage = st
	c.WebhookAllowPrivate = r.boolean("WEBHOOK_ALLOW_PRIVATE", false)
	c.Env = src
	c.Connections = readConnections(&r)
	c.validate(&r)
	if len(r.errs) > 0 {
		return nil, &Error{Problems: r.errs}
	}
	return c, nil
}

// DefaultDatabaseURL is the embedded default: a SQLite file under ./data.
const DefaultDatabaseURL = "sqlite:///./data/curatore.db"

// publishedDefaultSecret is the reference system's default JWT secret; anyone
// can forge tokens with it, so Curatore refuses it.
const publishedDefaultSecret = "your-secret-key-change-in-production"

func (c *Config) validate(r *reader) {
	if c.EnableAuth {
		switch {
		case c.JWTSecretKey == "" && c.Database.Engine != SQLite:
			// SQLite keeps a generated key beside the database (data/jwt.key);
			// replicas sharing PostgreSQL need one key given to all of them.
			r.fail("JWT_SECRET_KEY", "required with PostgreSQL (at least 32 random bytes, e.g. `openssl rand -hex 32`)")
		case c.JWTSecretKey == "":
		case weakSecret(c.JWTSecretKey):
			r.fail("JWT_SECRET_KEY", "is a published or placeholder secret; set a random one of at least 32 bytes (or unset it to use a generated key file)")
		case len(c.JWTSecretKey) < 32:
			r.fail("JWT_SECRET_KEY", "must be at least 32 bytes long")
		}
	}
	if c.EmailBackend == "smtp" && c.SMTPHost == "" {
		r.fail("SMTP_HOST", "required when EMAIL_BACKEND=smtp")
	}
	if c.DefaultOrgSlug == "" {
		r.fail("DEFAULT_ORG_SLUG", "must not be empty")
	}
	if c.MetricsToken != "" && len(c.MetricsToken) < MinMetricsTokenLen {
		// The reason never repeats the value: configuration errors are logged.
		r.fail("METRICS_TOKEN", fmt.Sprintf("must be at least %d characters long (e.g. `openssl rand -hex 32`)", MinMetricsTokenLen))
	}
}

// MinMetricsTokenLen is the shortest METRICS_TOKEN accepted.
const MinMetricsTokenLen = 16

// weakSecret reports secrets copied from examples: the reference system's
// default and obvious placeholders, however long.
func weakSecret(s string) bool {
	l := strings.ToLower(s)
	if s == publishedDefaultSecret {
		return true
	}
	for _, w := range []string{"change-me", "changeme", "change_me", "your-secret", "secret-key", "example", "placeholder"} {
		if strings.Contains(l, w) {
			return true
		}
	}
	return strings.Count(s, s[:1]) == len(s) // one character repeated
}

// JWTKeyFile is where the generated signing key of an embedded (SQLite)
// installation lives: beside the database file.
func (c *Config) JWTKeyFile() string {
	if c.Database.Engine != SQLite || c.Database.Path == "" {
		return ""
	}
	return filepath.Join(filepath.Dir(c.Database.Path), "jwt.key")
}

// Error lists every configuration problem found, one per variable.
type Error struct {
	Problems []Problem
}

// Problem is one invalid variable.
type Problem struct {
	Name   string
	Reason string
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("invalid configuration:")
	for _, p := range e.Problems {
		fmt.Fprintf(&b, "\n  %s: %s", p.Name, p.Reason)
	}
	return b.String()
}

// Is lets callers match any configuration error with errors.Is(err, ErrInvalid).
func (e *Error) Is(target error) bool { return target == ErrInvalid }

// ErrInvalid matches every *Error.
var ErrInvalid = errors.New("invalid configuration")
