// Package connection holds an organization's connections to outside
// systems — LLM endpoints, SharePoint tenants, extraction services — and
// the resolvers the rest of Curatore uses to reach them: the organization's
// default active connection, else the environment's configuration, else
// "not configured".
//
// Each kind of connection is a Type: a JSON Schema built from its Fields
// (required, secret, defaults, formats, ranges), validation beyond the
// schema, and a live test. A new type is one file implementing Type plus
// one line in the registry (registry.go). Secret fields are sealed with
// AES-256-GCM (package secret) in their own column and never leave the
// service unmasked.
package connection

import (
	"time"
)

// Connection is one configured endpoint of an organization.
type Connection struct {
	ID          string
	OrgID       string
	Name        string
	Description string
	Type        string
	// Config holds the non-secret fields. Secret values live in secrets,
	// filled by the service when it opens the sealed column.
	Config       map[string]any
	IsActive     bool
	IsDefault    bool
	LastTestedAt *time.Time
	TestStatus   string // "healthy", "unhealthy", "" (never tested)
	TestResult   *TestResult
	Scope        string
	CreatedBy    string
	CreatedAt    time.Time
	UpdatedAt    time.Time

	secrets map[string]string
}

// SecretSet reports whether the secret field has a stored value.
func (c *Connection) SecretSet(field string) bool { return c.secrets[field] != "" }

// Secret returns a secret field's value, for code that calls the
// endpoint; it never goes into a response, a log or an audit row.
func (c *Connection) Secret(field string) string { return c.secrets[field] }

// Source is how a resolved value names its origin: "connection:<id>".
func (c *Connection) Source() string { return "connection:" + c.ID }

// TestResult is the outcome of a live test, stored on the connection.
type TestResult struct {
	Success   bool           `json:"success"`
	Status    string         `json:"status"` // "healthy" or "unhealthy"
	Message   string         `json:"message"`
	Details   map[string]any `json:"details"`
	Error     string         `json:"error,omitempty"`
	LatencyMS int64          `json:"latency_ms"`
	TestedAt  time.Time      `json:"tested_at"`
}

// The test statuses.
const (
	StatusHealthy   = "healthy"
	StatusUnhealthy = "unhealthy"
)

// Masked is the value that stands for a stored secret in every response;
// sent back in an update, it keeps the stored value.
const Masked = "********"

// ok builds a successful result.
func ok(message string, details map[string]any) TestResult {
	return TestResult{Success: true, Status: StatusHealthy, Message: message, Details: details}
}

// failed builds an unsuccessful result; errText is the short cause.
func failed(message, errText string, details map[string]any) TestResult {
	return TestResult{Status: StatusUnhealthy, Message: message, Error: errText, Details: details}
}
