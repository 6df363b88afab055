// Package web is Curatore's browser interface: server-rendered html/template
// pages with embedded static assets (go:embed), a little JavaScript for
// progressive enhancement, a cookie session on the same session store as the
// API, CSRF tokens on every form and state-changing fetch, and a
// Content-Security-Policy without inline scripts or styles.
//
// Pages call the domain services directly (auth, org, audit, health …),
// never the REST API over HTTP. The API's server mounts the UI for every
// path outside /api/, /docs, /openapi.json, /healthz, /readyz and /metrics.
package web

import (
	"crypto/hmac"
	"crypto/sha256"
	"net/http"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/config"
	"github.com/curatore/curatore/internal/connection"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/document"
	"github.com/curatore/curatore/internal/health"
	"github.com/curatore/curatore/internal/job"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/source"
	"github.com/curatore/curatore/internal/webhook"
)

// Deps are what the UI needs from the application.
type Deps struct {
	Config   *config.Config
	DB       *db.DB
	Auth     *auth.Service
	Orgs     *org.Service
	Health   *health.Registry
	Settings *setting.Service
	// Documents and Jobs serve the documents, processing and batch pages
	// (left out when nil).
	Documents   *document.Service
	Jobs        *job.Service
	Connections *connection.Service
	Webhooks    *webhook.Service
	// Sources serves the SharePoint sources, inventory and import pages
	// (left out when nil).
	Sources *source.Service
	Version string
}

// UI is the web interface: its pages, assets and the handler serving them.
type UI struct {
	deps     Deps
	pages    *pageSet
	assets   *assetSet
	csrfKey  []byte
	sessions *sessionKeeper
	mux      *http.ServeMux
}

// New builds the UI. It panics if an embedded template does not parse (a
// build-time defect the unit tests catch).
func New(d Deps) *UI {
	assets := mustLoadAssets()
	u := &UI{deps: d, pages: mustParsePages(assets), assets: assets, sessions: newSessionKeeper()}
	u.csrfKey = deriveKey(d.Config.JWTSecretKey, "curatore web csrf")
	u.mux = http.NewServeMux()
	u.routes()
	return u
}

// deriveKey makes a purpose-specific key from the server secret, or a random
// per-process key when there is none (ENABLE_AUTH=false without a secret).
func deriveKey(secret, purpose string) []byte {
	if secret == "" {
		secret = auth.RandomToken(32)
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte(purpose))
	return m.Sum(nil)
}

// Handler returns the UI's HTTP handler.
func (u *UI) Handler() http.Handler { return u.mux }

// routes mounts every page. Access says who may open it; state-changing
// requests (POST) are CSRF-checked before any handler runs.
func (u *UI) routes() {
	u.mux.Handle("GET /static/{name}", http.HandlerFunc(u.serveAsset))
	u.page("GET /{$}", signedIn, u.home)
	u.authRoutes()
	u.documentRoutes()
	u.sourceRoutes()
	u.adminRoutes()
	u.page("/", public, u.notFound)
}

// access is who may open a page.
type access int

const (
	public   access = iota // anyone
	signedIn               // any role
	writer                 // member or org_admin
	admin                  // org_admin
	sysAdmin               // a system administrator
)

// allows reports whether a scope passes the access level.
func (a access) allows(sc auth.Scope) bool {
	switch a {
	case writer:
		return sc.CanWrite()
	case admin:
		return sc.IsAdmin()
	case sysAdmin:
		return sc.SystemAdmin
	}
	return true
}
