package main

import (
	"fmt"
	"io"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/netguard"
	"github.com/curatore/curatore/internal/orgexport"
	"github.com/curatore/curatore/internal/webhook"
)

// connectionStore gives export, import and import-env the organization's
// connections through the connections service (validation, sealing and
// audit included), with the keyring the server uses. Without a keyring the
// tools go on without connections and say so.
func connectionStore(cfg *config.Config, d *db.DB, stderr io.Writer) orgexport.ConnectionStore {
	keys, err := app.KeyringFor(cfg)
	if err != nil {
		fmt.Fprintf(stderr, "connections skipped: %v\n", err)
		return nil
	}
	return orgexport.ServiceStore(&connection.Service{DB: d, Keys: keys})
}

// webhookStore gives export and import the organization's webhook
// endpoints through the webhook service (URL checks with the outbound
// guard, secrets sealed with the same keyring), or nil without a keyring.
func webhookStore(cfg *config.Config, d *db.DB) orgexport.WebhookStore {
	keys, err := app.KeyringFor(cfg)
	if err != nil {
		return nil
	}
	policy := netguard.Policy{AllowPrivate: cfg.WebhookAllowPrivate}
	return orgexport.WebhookServiceStore(&webhook.Service{DB: d, Sealer: keys, Client: webhook.NewClient(policy), CheckAddr: policy.Check})
}
