package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"os/signal"
	"syscall"
	"time"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
)

func init() {
	register("serve", "run the API and web UI server", runServe)
}

func runServe(args []string, stdout, stderr io.Writer) int {
	fs := flag.NewFlagSet("serve", flag.ContinueOnError)
	fs.SetOutput(stderr)
	addr := fs.String("addr", "", "listen address (default $CURATORE_ADDR or 127.0.0.1:8000)")
	fs.Usage = func() {
		fmt.Fprint(stderr, `Usage: curatore serve [--addr HOST:PORT]

Starts the HTTP server: the REST API under /api/v1, API docs at /docs and
/openapi.json, health at /api/v1/system/health, /healthz and /readyz.
With no configuration it uses the embedded SQLite database ./data/curatore.db
(created on first run) and applies pending migrations (AUTO_MIGRATE=false to
skip). SIGINT/SIGTERM stop it gracefully: in-flight requests finish first.

Flags:
`)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return 2
	}
	cfg, code := loadConfig(stderr)
	if cfg == nil {
		return code
	}
	if *addr != "" {
		cfg.Addr = *addr
	}
	slog.SetDefault(app.NewLogger(stderr, cfg))
	if err := app.CheckListenAddr(cfg, cfg.Addr); err != nil {
		slog.Error("start-up refused", "err", err)
		return 1
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	// Listen first: the links the server logs (the setup link) name the
	// address it really listens on unless FRONTEND_BASE_URL is set.
	ln, err := net.Listen("tcp", cfg.Addr)
	if err != nil {
		slog.Error("cannot listen", "addr", cfg.Addr, "err", err)
		return 1
	}
	app.FollowListenAddr(cfg, ln.Addr())
	a, err := app.New(ctx, cfg)
	if err != nil {
		ln.Close()
		slog.Error("start-up failed", "err", err)
		return 1
	}
	defer a.Close()
	go warmPDFEngine()
	if err := a.Serve(ctx, ln, 30*time.Second); err != nil {
		slog.Error("server stopped", "err", err)
		return 1
	}
	slog.Info("stopped cleanly")
	return 0
}

// openDatabase loads the configuration and opens the database for a
// command-line tool. On failure it prints why and returns the exit code.
func openDatabase(stderr io.Writer) (*config.Config, *db.DB, int) {
	cfg, code := loadConfig(stderr)
	if cfg == nil {
		return nil, nil, code
	}
	d, err := db.Open(context.Background(), cfg.Database, db.Options{PoolSize: 2})
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, nil, 1
	}
	return cfg, d, 0
}

// loadConfig loads and validates the configuration, printing every problem.
func loadConfig(stderr io.Writer) (*config.Config, int) {
	cfg, err := config.Load()
	if err != nil {
		fmt.Fprintln(stderr, err)
		return nil, 2
	}
	return cfg, 0
}
