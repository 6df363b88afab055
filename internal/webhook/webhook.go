// Package webhook lets an organization's admins register HTTPS endpoints
// that Curatore calls when something happens (a job completes or fails, a
// document becomes RAG-ready, a batch completes, a source syncs).
//
// Each event is written as a delivery row and a queued job in the same
// transaction as the change that caused it (Emit), so an event is sent if
// and only if its change committed. A delivery is a signed JSON POST
// (Curatore-Signature: t=<unix>,v1=<hex HMAC-SHA256 over "<t>.<body>">),
// retried with backoff for about a day; every attempt updates the delivery
// log. Endpoints on loopback or private networks are refused when the
// connection is dialled, unless WEBHOOK_ALLOW_PRIVATE=true.
package webhook

import (
	"encoding/json"
	"time"
)

// The events an endpoint can subscribe to.
const (
	EventJobCompleted      = "job.completed"
	EventJobFailed         = "job.failed"
	EventDocumentRAGReady  = "document.rag_ready"
	EventBatchCompleted    = "batch.completed"
	EventSourceSynced      = "source.synced"
	EventPing              = "ping" // sent by POST /webhooks/{id}/ping only
	maxDescriptionLength   = 500
	maxURLLength           = 2048
	maxStoredResponseBytes = 1024
)

// Events lists the events endpoints subscribe to, in a stable order.
var Events = []string{EventJobCompleted, EventJobFailed, EventDocumentRAGReady, EventBatchCompleted, EventSourceSynced}

// Endpoint is a registered webhook (its secret stays sealed in the store).
type Endpoint struct {
	ID          string
	OrgID       string
	URL         string
	Description string
	Events      []string
	IsActive    bool
	CreatedBy   string
	CreatedAt   time.Time
	UpdatedAt   time.Time
}

// Subscribed reports whether the endpoint wants event.
func (e Endpoint) Subscribed(event string) bool {
	for _, ev := range e.Events {
		if ev == event {
			return true
		}
	}
	return false
}

// The delivery statuses.
const (
	StatusPending   = "pending"   // queued, not attempted yet
	StatusRetrying  = "retrying"  // failed at least once, will be retried
	StatusSucceeded = "succeeded" // a 2xx answer
	StatusFailed    = "failed"    // every attempt failed
)

// Delivery is one event sent (or being sent) to one endpoint.
type Delivery struct {
	ID             string
	OrgID          string
	WebhookID      string
	Event          string
	Payload        json.RawMessage // the exact body POSTed
	Status         string
	Attempts       int
	ResponseStatus *int
	ResponseBody   *string
	Error          *string
	DurationMS     *int64
	CreatedAt      time.Time
	LastAttemptAt  *time.Time
	NextAttemptAt  *time.Time
	DeliveredAt    *time.Time
}

// Body is the JSON document POSTed for every event.
type Body struct {
	ID             string    `json:"id"` // the delivery id: receivers de-duplicate on it
	Event          string    `json:"event"`
	CreatedAt      time.Time `json:"created_at"`
	OrganizationID string    `json:"organization_id"`
	Data           any       `json:"data"`
}
