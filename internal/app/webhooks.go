package app

import (
	"context"
	"log/slog"
	"time"

	"github.com/riverqueue/river"

	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/netguard"
	"github.com/curatore/curatore/internal/webhook"
)

// webhookWorkers is how many deliveries one process sends at once.
const webhookWorkers = 4

// buildWebhooks makes the webhook service: secrets sealed with the
// connections' keyring, deliveries through the outbound guard
// (WEBHOOK_ALLOW_PRIVATE), and the River worker that sends them, in its
// own queue.
func (a *App) buildWebhooks() job.Extra {
	policy := netguard.Policy{AllowPrivate: a.Config.WebhookAllowPrivate}
	a.Webhooks = &webhook.Service{DB: a.DB, Sealer: a.Connections.Keys, Client: webhook.NewClient(policy), CheckAddr: policy.Check}
	return job.Extra{
		Register:   func(w *river.Workers) { river.AddWorker(w, &webhook.Worker{Service: a.Webhooks}) },
		Queue:      webhook.Queue,
		MaxWorkers: webhookWorkers,
	}
}

// pruneWebhooks drops finished deliveries older than
// webhook.DeliveryRetention from the delivery logs.
func (a *App) pruneWebhooks(ctx context.Context) {
	n, err := webhook.Prune(ctx, a.DB, time.Now().UTC())
	if err != nil {
		if ctx.Err() == nil {
			slog.Error("webhooks: pruning old deliveries failed", "err", err)
		}
		return
	}
	if n > 0 {
		slog.Info("webhooks: pruned old deliveries", "rows", n)
	}
}
