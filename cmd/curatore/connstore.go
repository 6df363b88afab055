package main

import (
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/orgexport"
)

// connectionStore gives export, import and import-env access to the
// organization's connections; nil until the connections service is wired.
func connectionStore(cfg *config.Config, d *db.DB) orgexport.ConnectionStore {
	return nil
}
