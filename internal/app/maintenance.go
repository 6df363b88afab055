package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/curatore/curatore/internal/audit"
)

// maintenanceEvery is how often periodic housekeeping runs.
const maintenanceEvery = time.Hour

// maintain runs housekeeping at start and then every hour until ctx ends:
// pruning audit rows older than the audit.retention_days setting, and ended sessions
// and spent email tokens, and webhook deliveries past their retention.
func (a *App) maintain(ctx context.Context) {
	t := time.NewTicker(maintenanceEvery)
	defer t.Stop()
	go a.flushFailures(ctx)
	for {
		a.pruneAudit(ctx)
		a.pruneAuth(ctx)
		a.pruneWebhooks(ctx)
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// pruneAudit applies the audit.retention_days setting (system layer, or
// AUDIT_LOG_RETENTION_DAYS over it).
func (a *App) pruneAudit(ctx context.Context) {
	if a.Resolver == nil {
		return
	}
	vals, err := a.Resolver.Effective(ctx, "", "")
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("audit retention: reading the setting failed", "err", err)
		}
		return
	}
	retention := vals.AuditRetention()
	if retention <= 0 {
		return
	}
	n, err := audit.Prune(ctx, a.DB, retention)
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("audit retention: prune failed", "err", err)
		}
		return
	}
	if n > 0 {
		slog.Info("audit retention: pruned old rows", "rows", n, "retention_days", int(retention.Hours()/24))
	}
}

func (a *App) pruneAuth(ctx context.Context) {
	if a.Auth == nil {
		return
	}
	n, err := a.Auth.PruneExpired(ctx)
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("auth: pruning ended sessions failed", "err", err)
		}
		return
	}
	if n > 0 {
		slog.Info("auth: pruned ended sessions and spent tokens", "rows", n)
	}
}

// flushFailures writes, every minute, the attempt counts of coalesced
// failure audit rows (bad reset tokens, wrong current passwords).
func (a *App) flushFailures(ctx context.Context) {
	if a.Auth == nil {
		return
	}
	t := time.NewTicker(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			a.Auth.FlushFailures(ctx)
		}
	}
}
