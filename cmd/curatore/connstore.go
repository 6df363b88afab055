package main

import (
	"fmt"
	"io"

	"github.com/curatore/curatore/internal/app"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/orgexport"
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
