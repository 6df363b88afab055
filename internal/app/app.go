// Package app wires Curatore together: it opens the database, applies
// migrations, builds the stores, services and HTTP server, and runs them
// until the context ends.
package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/email"
	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/httpapi"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/metrics"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/pipeline"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/source"
	"github.com/curatore/curatore/internal/storage"
	"github.com/curatore/curatore/internal/web"
	"github.com/curatore/curatore/internal/webhook"
)

// Version is the release version, set at build time with
// -ldflags "-X github.com/curatore/curatore/internal/app.Version=…".
var Version = "0.1.0-dev"

// App is a running Curatore: its configuration, database and API.
type App struct {
	Config *config.Config
	DB     *db.DB
	Health *health.Registry
	API    *httpapi.Server
	Auth   *auth.Service
	Orgs   *org.Service
	Mail   email.Sender
	// Storage is the blob store (STORAGE_BACKEND: local files or S3).
	Storage storage.Store
	// Settings resolves effective settings; Resolver is what background jobs use.
	Settings *setting.Service
	Resolver *setting.Resolver
	// Web is the browser UI, mounted by the API for every non-API path.
	Web *web.UI

	// Connections, the resolvers the workers use, and their health.
	Connections        *connection.Service
	ConnectionResolver *connection.Resolver
	ConnectionHealth   *connection.Health
	// Processing: the job queue, the documents and what jobs run with.
	Jobs      *job.Service
	Documents *document.Service
	// Webhooks manages endpoints and sends deliveries.
	Webhooks *webhook.Service
	Runner   pipeline.Runner
	LLM      job.LLMResolver
	// Sources: SharePoint inventories, imports and synced sources.
	Sources *source.Service
	// Metrics are the Prometheus collectors, built when METRICS_TOKEN is
	// set (nil otherwise: nothing is recorded, /metrics is 404).
	Metrics  *metrics.Metrics
	stopOnce sync.Once
}

// Option adjusts how New builds the application (tests replace the mailer).
type Option func(*App)

// WithMailer sends email through m instead of the configured backend.
func WithMailer(m email.Sender) Option { return func(a *App) { a.Mail = m } }

// New opens the database, applies pending migrations (unless AUTO_MIGRATE
// is false) and builds the API.
func New(ctx context.Context, cfg *config.Config, opts ...Option) (*App, error) {
	d, err := db.Open(ctx, cfg.Database, db.Options{
		PoolSize: cfg.DBPoolSize, MaxOverflow: cfg.DBMaxOverflow, Recycle: cfg.DBPoolRecycle,
	})
	if err != nil {
		return nil, err
	}
	slog.Info("database opened", "engine", d.Engine(), "url", cfg.Database.Redacted())
	if cfg.AutoMigrate {
		applied, err := d.Migrate(ctx)
		if err != nil {
			d.Close()
			return nil, fmt.Errorf("apply migrations: %w", err)
		}
		for _, m := range applied {
			slog.Info("migration applied", "file", m.Name)
		}
	}
	version, err := d.Version(ctx)
	if err != nil {
		d.Close()
		return nil, fmt.Errorf("read migration version: %w", err)
	}
	if latest := db.LatestVersion(d.Engine()); version < latest {
		slog.Warn("database schema is behind; run `curatore migrate up`", "version", version, "latest", latest)
	} else {
		slog.Info("database schema ready", "migration_version", version)
	}
	a := &App{Config: cfg, DB: d, Health: health.NewRegistry()}
	for _, o := range opts {
		o(a)
	}
	a.Health.Register("database", health.Database(d))
	if a.Storage == nil {
		if a.Storage, err = storage.Open(cfg.Storage); err != nil {
			d.Close()
			return nil, err
		}
	}
	a.Health.Register("storage", health.Storage(a.Storage))
	if err := a.build(ctx); err != nil {
		d.Close()
		return nil, err
	}
	return a, nil
}

// build creates the services and the API on top of the open database.
func (a *App) build(ctx context.Context) error {
	if a.Mail == nil {
		a.Mail = email.New(a.Config)
	}
	if err := LoadJWTKey(a.Config); err != nil {
		return err
	}
	svc, err := auth.NewService(auth.Options{Config: a.Config, DB: a.DB, Mail: a.Mail, CreateOrg: createOrg})
	if err != nil {
		return fmt.Errorf("auth service: %w", err)
	}
	a.Auth = svc
	if a.Config.EnableAuth {
		slog.Info("authentication enabled")
		if a.Config.EmailBackend == "console" {
			slog.Warn("EMAIL_BACKEND=console: emails are logged without their links' tokens; use `curatore admin reset-link EMAIL` or set EMAIL_BACKEND=smtp")
		}
		if err := a.announceSetup(ctx); err != nil {
			return fmt.Errorf("setup link: %w", err)
		}
	} else {
		if _, err := EnsureDefaultOrg(ctx, a.DB, a.Config); err != nil {
			return fmt.Errorf("default organization: %w", err)
		}
		slog.Warn("AUTHENTICATION DISABLED (ENABLE_AUTH=false): requests without credentials act as an admin of the default organization "+
			"(never a system administrator; no API keys, no membership changes)", "default_org_slug", a.Config.DefaultOrgSlug)
	}
	a.Orgs = &org.Service{DB: a.DB, Mail: a.Mail, Config: a.Config}
	if a.Resolver, err = setting.NewResolver(a.DB, a.Config.Env); err != nil {
		return err
	}
	a.Settings = &setting.Service{DB: a.DB, Resolver: a.Resolver}
	if a.Config.MetricsToken != "" {
		a.Metrics = metrics.New(func(ctx context.Context) (map[string]int, error) { return job.QueueDepth(ctx, a.DB) })
	}
	if err := a.buildConnections(); err != nil {
		return err
	}
	if err := a.buildProcessing(ctx); err != nil {
		return err
	}
	a.buildSources()
	a.Web = web.New(web.Deps{Config: a.Config, DB: a.DB, Auth: svc, Orgs: a.Orgs, Health: a.Health,
		Settings: a.Settings, Documents: a.Documents, Jobs: a.Jobs, Connections: a.Connections, Webhooks: a.Webhooks, Version: Version,
		Sources: a.Sources})
	a.API = httpapi.New(httpapi.Deps{Config: a.Config, DB: a.DB, Health: a.Health, AuthService: svc, Orgs: a.Orgs,
		Settings: a.Settings, Version: Version, Connections: a.Connections, ConnectionHealth: a.ConnectionHealth,
		Documents: a.Documents, Jobs: a.Jobs, Webhooks: a.Webhooks, Sources: a.Sources, Metrics: a.Metrics, UI: a.Web.Handler()})
	return nil
}

// Close waits for background work (emails being sent), then releases the
// database.
func (a *App) Close() error {
	if a.Jobs != nil {
		a.StopWorkers(30 * time.Second)
	}
	if a.Auth != nil {
		a.Auth.Wait() // emails still being sent need the database
	}
	return a.DB.Close()
}

// Serve runs the HTTP server on ln until ctx is cancelled, then shuts down
// gracefully: the listener closes, in-flight requests get up to grace to
// finish.
func (a *App) Serve(ctx context.Context, ln net.Listener, grace time.Duration) error {
	srv := &http.Server{
		Handler:           a.API.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       5 * time.Minute, // uploads
		WriteTimeout:      5 * time.Minute,
		IdleTimeout:       2 * time.Minute,
		ErrorLog:          slog.NewLogLogger(slog.Default().Handler(), slog.LevelWarn),
	}
	if err := a.StartWorkers(ctx); err != nil {
		return err
	}
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	go a.maintain(ctx)
	slog.Info("listening", "addr", ln.Addr().String(), "docs", "http://"+ln.Addr().String()+"/docs")
	select {
	case err := <-errc:
		return err
	case <-ctx.Done():
	}
	slog.Info("shutting down: waiting for in-flight requests")
	sctx, cancel := context.WithTimeout(context.Background(), grace)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shutdown: %w", err)
	}
	a.StopWorkers(grace)
	if err := <-errc; err != nil && !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return nil
}

// NewLogger returns the process logger: JSON by default, text for people.
func NewLogger(w io.Writer, cfg *config.Config) *slog.Logger {
	level := slog.LevelInfo
	if cfg.Debug {
		level = slog.LevelDebug
	}
	opts := &slog.HandlerOptions{Level: level}
	if cfg.LogFormat == "text" {
		return slog.New(slog.NewTextHandler(w, opts))
	}
	return slog.New(slog.NewJSONHandler(w, opts))
}
