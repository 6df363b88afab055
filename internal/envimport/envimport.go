// Package envimport turns the reference system's environment configuration
// into rows of one organization: OPENAI_* becomes an llm connection,
// MS_* a sharepoint connection, EXTRACTION_SERVICE_* and DOCLING_*
// extraction connections (in EXTRACTION_PRIORITY order), and the variables
// that override settings (DEFAULT_*_THRESHOLD, OCR_*, EXTRACTION_*) the
// organization's settings. It builds an organization document from the
// environment and merges it like an import, so a second run changes
// nothing and values that already differ are reported, never overwritten.
package envimport

import (
	"context"
	"errors"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/orgexport"
	"github.com/curatore/curatore/internal/setting"
)

// The names of the connections made from the environment.
const (
	NameLLM        = "OpenAI (from ENV)"
	NameSharePoint = "SharePoint (from ENV)"
	NameService    = "Extraction service (from ENV)"
	NameDocling    = "Docling (from ENV)"
)

// Options tune Run.
type Options struct {
	Slug        string // the organization; default DEFAULT_ORG_SLUG
	DryRun      bool
	Connections orgexport.ConnectionStore // nil: connections are skipped
}

// Run imports cfg's environment into the organization (created when it
// does not exist yet) and reports every item.
func Run(ctx context.Context, d *db.DB, cfg *config.Config, o Options) (*orgexport.Report, error) {
	if o.Slug == "" {
		o.Slug = cfg.DefaultOrgSlug
	}
	doc := &orgexport.Document{Format: orgexport.FormatName, Version: orgexport.Version,
		Settings: map[string]any{}, Users: []orgexport.User{}, Memberships: []orgexport.Membership{}}
	have, err := organization(ctx, d, cfg, o, doc)
	if err != nil {
		return nil, err
	}
	if err := settings(cfg, doc); err != nil {
		return nil, err
	}
	secrets := connections(cfg, doc, have)
	return orgexport.Import(ctx, d, doc, orgexport.ImportOptions{DryRun: o.DryRun, Secrets: secrets, Connections: o.Connections})
}

// organization fills in the organization (as it is, when it exists) and
// returns the connection types it already has.
func organization(ctx context.Context, d *db.DB, cfg *config.Config, o Options, doc *orgexport.Document) (map[string]bool, error) {
	have := map[string]bool{}
	og, err := org.BySlug(ctx, d, o.Slug)
	switch {
	case errors.Is(err, apperr.NotFound):
		name := o.Slug
		if o.Slug == cfg.DefaultOrgSlug {
			name = cfg.DefaultOrgName
		}
		doc.Organization = orgexport.Organization{Name: name, DisplayName: name, Slug: o.Slug, IsActive: true}
		return have, nil
	case err != nil:
		return nil, err
	}
	doc.Organization = orgexport.Organization{Name: og.Name, DisplayName: og.DisplayName, Slug: og.Slug, IsActive: og.IsActive}
	if o.Connections != nil {
		list, err := o.Connections.Existing(ctx, og.ID)
		if err != nil {
			return nil, err
		}
		for _, c := range list {
			have[c.Type] = true
		}
	}
	return have, nil
}

// settings takes every variable that overrides a setting an organization
// may hold.
func settings(cfg *config.Config, doc *orgexport.Document) error {
	var errs []error
	for _, d := range setting.Catalogue() {
		if d.Env == "" || !d.Settable(setting.Org) || cfg.Env == nil {
			continue
		}
		raw, ok := cfg.Env(d.Env)
		if !ok || strings.TrimSpace(raw) == "" {
			continue
		}
		v, err := d.ParseEnv(raw)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		doc.Settings[d.Key] = v
	}
	return errors.Join(errs...)
}

// connections adds a connection per configured endpoint and returns their
// secrets by "type/name". The first of a type is the default when the
// organization has none of that type.
func connections(cfg *config.Config, doc *orgexport.Document, have map[string]bool) map[string]map[string]string {
	secrets := map[string]map[string]string{}
	add := func(typ, name string, conf map[string]any, sec map[string]string) {
		c := orgexport.Connection{Name: name, Type: typ, Config: conf, IsActive: true, IsDefault: !have[typ]}
		have[typ] = true
		for k, v := range sec {
			if v == "" {
				delete(sec, k)
				continue
			}
			c.SecretNames = append(c.SecretNames, k)
		}
		secrets[typ+"/"+name] = sec
		doc.Connections = append(doc.Connections, c)
	}
	if ai := cfg.Connections.OpenAI; ai.Configured() {
		add("llm", NameLLM, map[string]any{"base_url": ai.BaseURL, "model": ai.Model, "timeout": seconds(ai.Timeout),
			"verify_ssl": ai.VerifySSL, "max_retries": ai.MaxRetries, "context_window": ai.ContextWindow},
			map[string]string{"api_key": ai.APIKey})
	}
	if sp := cfg.Connections.SharePoint; sp.Configured() {
		add("sharepoint", NameSharePoint, map[string]any{"tenant_id": sp.TenantID, "client_id": sp.ClientID,
			"graph_base_url": sp.GraphBaseURL, "token_url": sp.TokenURL, "scope": sp.Scope},
			map[string]string{"client_secret": sp.ClientSecret})
	}
	for _, e := range extractionOrder(cfg, doc) {
		add("extraction", e.name, e.config, e.secrets)
	}
	return secrets
}

type endpoint struct {
	name    string
	config  map[string]any
	secrets map[string]string
}

// extractionOrder lists the configured extraction services, the one
// EXTRACTION_PRIORITY names first.
func extractionOrder(cfg *config.Config, doc *orgexport.Document) []endpoint {
	x := cfg.Extraction
	var service, docling []endpoint
	if x.ServiceURL != "" {
		service = append(service, endpoint{NameService, map[string]any{"engine": "curatore-extraction", "service_url": x.ServiceURL,
			"timeout": seconds(x.ServiceTimeout), "verify_ssl": envBool(cfg, "EXTRACTION_SERVICE_VERIFY_SSL", true)},
			map[string]string{"api_key": x.ServiceAPIKey}})
	}
	if x.DoclingURL != "" {
		docling = append(docling, endpoint{NameDocling, map[string]any{"engine": "docling", "service_url": x.DoclingURL,
			"timeout": seconds(x.DoclingTimeout), "verify_ssl": x.DoclingVerifySSL}, map[string]string{}})
	}
	if doc.Settings["extraction.priority"] == "docling" {
		return append(docling, service...)
	}
	return append(service, docling...)
}

func seconds(d time.Duration) int64 { return int64(math.Ceil(d.Seconds())) }

func envBool(cfg *config.Config, name string, def bool) bool {
	if cfg.Env == nil {
		return def
	}
	raw, ok := cfg.Env(name)
	if !ok {
		return def
	}
	b, err := strconv.ParseBool(strings.ToLower(strings.TrimSpace(raw)))
	if err != nil {
		return def
	}
	return b
}
