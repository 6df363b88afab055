package httpapi

import (
	"encoding/json"
	"net/http"
	"time"

	"github.com/curatore/curatore/internal/webhook"
)

// WebhookResponse is an endpoint as listed (never its secret).
type WebhookResponse struct {
	ID          string    `json:"id"`
	URL         string    `json:"url"`
	Description string    `json:"description"`
	Events      []string  `json:"events"`
	IsActive    bool      `json:"is_active"`
	CreatedBy   *string   `json:"created_by"`
	CreatedAt   time.Time `json:"created_at"`
	UpdatedAt   time.Time `json:"updated_at"`
}

// WebhookList is the organization's endpoints and the events available.
type WebhookList struct {
	Webhooks        []WebhookResponse `json:"webhooks"`
	Total           int               `json:"total"`
	AvailableEvents []string          `json:"available_events"`
}

// CreatedWebhook is returned once, at creation (and on rotation): Secret
// is never shown again.
type CreatedWebhook struct {
	WebhookResponse
	Secret string `json:"secret"`
}

// RotatedSecret carries a new signing secret, shown this once.
type RotatedSecret struct {
	ID     string `json:"id"`
	Secret string `json:"secret"`
}

// CreateWebhookRequest registers an endpoint.
type CreateWebhookRequest struct {
	URL         string   `json:"url"`
	Description string   `json:"description,omitempty"`
	Events      []string `json:"events"`
	IsActive    *bool    `json:"is_active,omitempty"`
}

// UpdateWebhookRequest changes the fields given.
type UpdateWebhookRequest struct {
	URL         *string   `json:"url,omitempty"`
	Description *string   `json:"description,omitempty"`
	Events      *[]string `json:"events,omitempty"`
	IsActive    *bool     `json:"is_active,omitempty"`
}

// DeliveryResponse is one entry of an endpoint's delivery log.
type DeliveryResponse struct {
	ID             string          `json:"id"`
	WebhookID      string          `json:"webhook_id"`
	Event          string          `json:"event"`
	Status         string          `json:"status"`
	Attempts       int             `json:"attempts"`
	ResponseStatus *int            `json:"response_status"`
	ResponseBody   *string         `json:"response_body"`
	Error          *string         `json:"error"`
	DurationMS     *int64          `json:"duration_ms"`
	Payload        json.RawMessage `json:"payload"`
	CreatedAt      time.Time       `json:"created_at"`
	LastAttemptAt  *time.Time      `json:"last_attempt_at"`
	NextAttemptAt  *time.Time      `json:"next_attempt_at"`
	DeliveredAt    *time.Time      `json:"delivered_at"`
}

// DeliveryList is a page of an endpoint's deliveries, newest first.
type DeliveryList struct {
	Deliveries []DeliveryResponse `json:"deliveries"`
	Total      int                `json:"total"`
}

func (s *Server) webhookRoutes() []Route {
	if s.deps.Webhooks == nil {
		return nil
	}
	return []Route{
		{Method: "GET", Path: "/api/v1/webhooks", Tag: "webhooks", Access: Admin,
			Summary: "List the organization's webhook endpoints", Resp: WebhookList{}, Handle: s.listWebhooks},
		{Method: "POST", Path: "/api/v1/webhooks", Tag: "webhooks", Access: Admin, Status: http.StatusCreated,
			Summary: "Register a webhook endpoint; its signing secret is returned this once",
			Body:    CreateWebhookRequest{}, Resp: CreatedWebhook{}, Handle: s.createWebhook},
		{Method: "GET", Path: "/api/v1/webhooks/{id}", Tag: "webhooks", Access: Admin,
			Summary: "Get a webhook endpoint", Resp: WebhookResponse{}, Handle: s.getWebhook},
		{Method: "PATCH", Path: "/api/v1/webhooks/{id}", Tag: "webhooks", Access: Admin,
			Summary: "Change a webhook endpoint's URL, events, description or active flag",
			Body:    UpdateWebhookRequest{}, Resp: WebhookResponse{}, Handle: s.updateWebhook},
		{Method: "DELETE", Path: "/api/v1/webhooks/{id}", Tag: "webhooks", Access: Admin, Status: http.StatusNoContent,
			Summary: "Delete a webhook endpoint and its delivery log", Handle: s.deleteWebhook},
		{Method: "POST", Path: "/api/v1/webhooks/{id}/rotate-secret", Tag: "webhooks", Access: Admin,
			Summary: "Replace the signing secret; the new one is returned this once", Resp: RotatedSecret{}, Handle: s.rotateWebhookSecret},
		{Method: "GET", Path: "/api/v1/webhooks/{id}/deliveries", Tag: "webhooks", Access: Admin,
			Summary: "The endpoint's delivery log, newest first (status, skip, limit)", Resp: DeliveryList{}, Handle: s.listDeliveries},
		{Method: "POST", Path: "/api/v1/webhooks/{id}/ping", Tag: "webhooks", Access: Admin,
			Summary: "Send a signed ping event now and return its delivery", Resp: DeliveryResponse{}, Handle: s.pingWebhook},
	}
}

func webhookResponse(e webhook.Endpoint) WebhookResponse {
	out := WebhookResponse{ID: e.ID, URL: e.URL, Description: e.Description, Events: e.Events, IsActive: e.IsActive,
		CreatedAt: e.CreatedAt, UpdatedAt: e.UpdatedAt}
	if e.CreatedBy != "" {
		out.CreatedBy = &e.CreatedBy
	}
	return out
}

func deliveryResponse(d webhook.Delivery) DeliveryResponse {
	return DeliveryResponse{ID: d.ID, WebhookID: d.WebhookID, Event: d.Event, Status: d.Status, Attempts: d.Attempts,
		ResponseStatus: d.ResponseStatus, ResponseBody: d.ResponseBody, Error: d.Error, DurationMS: d.DurationMS,
		Payload: d.Payload, CreatedAt: d.CreatedAt, LastAttemptAt: d.LastAttemptAt, NextAttemptAt: d.NextAttemptAt,
		DeliveredAt: d.DeliveredAt}
}

func (s *Server) listWebhooks(w http.ResponseWriter, r *http.Request) error {
	list, err := s.deps.Webhooks.List(r.Context(), callerScope(r))
	if err != nil {
		return err
	}
	out := WebhookList{Webhooks: make([]WebhookResponse, 0, len(list)), Total: len(list), AvailableEvents: webhook.Events}
	for _, e := range list {
		out.Webhooks = append(out.Webhooks, webhookResponse(e))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) createWebhook(w http.ResponseWriter, r *http.Request) error {
	var in CreateWebhookRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, secret, err := s.deps.Webhooks.Create(r.Context(), callerScope(r), webhook.CreateInput{URL: in.URL,
		Description: in.Description, Events: in.Events, IsActive: in.IsActive})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, CreatedWebhook{WebhookResponse: webhookResponse(e), Secret: secret})
	return nil
}

func (s *Server) getWebhook(w http.ResponseWriter, r *http.Request) error {
	e, err := s.deps.Webhooks.Get(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, webhookResponse(e))
	return nil
}

func (s *Server) updateWebhook(w http.ResponseWriter, r *http.Request) error {
	var in UpdateWebhookRequest
	if err := DecodeJSON(w, r, &in); err != nil {
		return err
	}
	e, err := s.deps.Webhooks.Update(r.Context(), callerScope(r), r.PathValue("id"), webhook.UpdateInput{URL: in.URL,
		Description: in.Description, Events: in.Events, IsActive: in.IsActive})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, webhookResponse(e))
	return nil
}

func (s *Server) deleteWebhook(w http.ResponseWriter, r *http.Request) error {
	if err := s.deps.Webhooks.Delete(r.Context(), callerScope(r), r.PathValue("id")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

func (s *Server) rotateWebhookSecret(w http.ResponseWriter, r *http.Request) error {
	id := r.PathValue("id")
	secret, err := s.deps.Webhooks.RotateSecret(r.Context(), callerScope(r), id)
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, RotatedSecret{ID: id, Secret: secret})
	return nil
}

func (s *Server) listDeliveries(w http.ResponseWriter, r *http.Request) error {
	p := params(r)
	skip, limit := p.page()
	f := webhook.DeliveryFilter{Status: p.str("status"), Skip: skip, Limit: limit}
	if err := p.err(); err != nil {
		return err
	}
	list, total, err := s.deps.Webhooks.Deliveries(r.Context(), callerScope(r), r.PathValue("id"), f)
	if err != nil {
		return err
	}
	out := DeliveryList{Deliveries: make([]DeliveryResponse, 0, len(list)), Total: total}
	for _, d := range list {
		out.Deliveries = append(out.Deliveries, deliveryResponse(d))
	}
	writeJSON(w, http.StatusOK, out)
	return nil
}

func (s *Server) pingWebhook(w http.ResponseWriter, r *http.Request) error {
	d, err := s.deps.Webhooks.Ping(r.Context(), callerScope(r), r.PathValue("id"))
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusOK, deliveryResponse(d))
	return nil
}
