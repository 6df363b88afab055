// Package orgexport writes one organization as a versioned JSON document —
// the organization, its settings, connections (secrets omitted, or sealed
// under a key derived from a passphrase), users and memberships without
// password hashes, webhook endpoints (without their signing secrets) — and
// imports such a document into this or another
// deployment, merging by slug, email and name and reporting conflicts
// instead of overwriting.
package orgexport

import "time"

// FormatName and Version identify the document; Import refuses others.
const (
	FormatName = "curatore-organization"
	Version    = 1
)

// Document is one exported organization.
type Document struct {
	Format          string         `json:"format"`
	Version         int            `json:"version"`
	ExportedAt      time.Time      `json:"exported_at"`
	CuratoreVersion string         `json:"curatore_version,omitempty"`
	Organization    Organization   `json:"organization"`
	Settings        map[string]any `json:"settings"` // the organization's layer, flat by key
	Users           []User         `json:"users"`
	Memberships     []Membership   `json:"memberships"`
	Connections     []Connection   `json:"connections"`
	Webhooks        []Webhook      `json:"webhooks"`
	// Sealing is how connection secrets were sealed; nil when omitted.
	Sealing *Sealing `json:"secrets_sealing,omitempty"`
}

// Organization is the exported organization (settings apart).
type Organization struct {
	Name        string `json:"name"`
	DisplayName string `json:"display_name"`
	Slug        string `json:"slug"`
	IsActive    bool   `json:"is_active"`
}

// User is a member, without any password hash: imported users set their
// password through the reset flow.
type User struct {
	Email         string `json:"email"`
	Username      string `json:"username"`
	FullName      string `json:"full_name,omitempty"`
	IsActive      bool   `json:"is_active"`
	IsVerified    bool   `json:"is_verified"`
	IsSystemAdmin bool   `json:"is_system_admin,omitempty"` // informative; never imported
}

// Membership is a user's role in the organization.
type Membership struct {
	Email    string `json:"email"`
	Role     string `json:"role"`
	IsActive bool   `json:"is_active"`
}

// Connection is one connection: its non-secret configuration, and its
// secrets sealed (or only their names, when secrets were omitted).
type Connection struct {
	Name        string         `json:"name"`
	Description string         `json:"description,omitempty"`
	Type        string         `json:"connection_type"`
	Config      map[string]any `json:"config"`
	IsActive    bool           `json:"is_active"`
	IsDefault   bool           `json:"is_default"`
	SecretNames []string       `json:"secret_fields,omitempty"`
	Sealed      string         `json:"sealed_secrets,omitempty"` // base64(nonce ‖ AES-256-GCM ciphertext)
}

// Webhook is one webhook endpoint. Its signing secret is never exported:
// an imported endpoint gets a new one.
//
// A URL carrying credentials or a query (which may hold a token) is
// exported without them: sealed like connection secrets when a passphrase
// is given, else left out (URLRedacted), and such an endpoint is not
// imported.
type Webhook struct {
	URL         string   `json:"url"`
	URLRedacted bool     `json:"url_redacted,omitempty"`
	SealedURL   string   `json:"sealed_url,omitempty"`
	Description string   `json:"description,omitempty"`
	Events      []string `json:"events"`
	IsActive    bool     `json:"is_active"`
}
