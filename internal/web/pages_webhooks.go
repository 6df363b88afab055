package web

import (
	"net/http"

	"github.com/curatore/curatore/internal/webhook"
)

// WebhooksData is the webhooks page: the endpoints, a new or rotated
// signing secret (shown in that one response), and one endpoint's
// delivery log.
type WebhooksData struct {
	Endpoints  []webhook.Endpoint
	Events     []string
	Secret     string // a signing secret just created or rotated
	SecretFor  string
	Selected   *webhook.Endpoint
	Deliveries []webhook.Delivery
	Total      int
	RowError   map[string]string
}

func (u *UI) webhookRoutes() {
	if u.deps.Webhooks == nil {
		return
	}
	u.page("GET /webhooks", admin, u.webhooksPage)
	u.page("POST /webhooks", admin, u.createWebhook)
	u.page("POST /webhooks/{id}/ping", admin, u.pingWebhook)
	u.page("POST /webhooks/{id}/rotate", admin, u.rotateWebhook)
	u.page("POST /webhooks/{id}/active", admin, u.toggleWebhook)
	u.page("POST /webhooks/{id}/delete", admin, u.deleteWebhook)
}

func (u *UI) webhooksPage(w http.ResponseWriter, r *http.Request, v *View) error {
	return u.renderWebhooks(w, r, v, &WebhooksData{}, r.URL.Query().Get("log"))
}

// renderWebhooks lists the endpoints and, when logID is set, that
// endpoint's latest deliveries.
func (u *UI) renderWebhooks(w http.ResponseWriter, r *http.Request, v *View, d *WebhooksData, logID string) error {
	eps, err := u.deps.Webhooks.List(r.Context(), v.Scope)
	if err != nil {
		return err
	}
	d.Endpoints, d.Events = eps, webhook.Events
	if logID != "" {
		ep, err := u.deps.Webhooks.Get(r.Context(), v.Scope, logID)
		if err != nil {
			return err
		}
		d.Selected = &ep
		if d.Deliveries, d.Total, err = u.deps.Webhooks.Deliveries(r.Context(), v.Scope, logID, webhook.DeliveryFilter{Limit: 50}); err != nil {
			return err
		}
	}
	v.Title, v.Section, v.Data = "Webhooks", "webhooks", d
	u.render(w, r, "webhooks", v)
	return nil
}

func (u *UI) createWebhook(w http.ResponseWriter, r *http.Request, v *View) error {
	_ = r.ParseForm()
	ep, secret, err := u.deps.Webhooks.Create(r.Context(), v.Scope, webhook.CreateInput{URL: r.PostFormValue("url"),
		Description: r.PostFormValue("description"), Events: r.PostForm["events"]})
	if err != nil {
		v.Form = formValues(r, "url", "description")
		if v.SetError(err) == http.StatusInternalServerError {
			return err
		}
		return u.renderWebhooks(w, r, v, &WebhooksData{}, "")
	}
	v.Status = http.StatusCreated
	return u.renderWebhooks(w, r, v, &WebhooksData{Secret: secret, SecretFor: ep.URL}, "")
}

func (u *UI) pingWebhook(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	if _, err := u.deps.Webhooks.Ping(r.Context(), v.Scope, id); err != nil {
		return u.webhookRowFailed(w, r, v, id, err)
	}
	return u.redirect(w, r, "/webhooks?log="+id, "A ping is on its way; its delivery is listed below.")
}

func (u *UI) rotateWebhook(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	secret, err := u.deps.Webhooks.RotateSecret(r.Context(), v.Scope, id)
	if err != nil {
		return u.webhookRowFailed(w, r, v, id, err)
	}
	ep, _ := u.deps.Webhooks.Get(r.Context(), v.Scope, id)
	return u.renderWebhooks(w, r, v, &WebhooksData{Secret: secret, SecretFor: ep.URL}, "")
}

func (u *UI) toggleWebhook(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	active := r.PostFormValue("active") == "true"
	if _, err := u.deps.Webhooks.Update(r.Context(), v.Scope, id, webhook.UpdateInput{IsActive: &active}); err != nil {
		return u.webhookRowFailed(w, r, v, id, err)
	}
	msg := "The endpoint is paused."
	if active {
		msg = "The endpoint receives events again."
	}
	return u.redirect(w, r, "/webhooks", msg)
}

func (u *UI) deleteWebhook(w http.ResponseWriter, r *http.Request, v *View) error {
	id := r.PathValue("id")
	if err := u.deps.Webhooks.Delete(r.Context(), v.Scope, id); err != nil {
		return u.webhookRowFailed(w, r, v, id, err)
	}
	return u.redirect(w, r, "/webhooks", "The endpoint is deleted.")
}

// webhookRowFailed shows the error beside the endpoint's row.
func (u *UI) webhookRowFailed(w http.ResponseWriter, r *http.Request, v *View, id string, err error) error {
	if v.SetError(err) == http.StatusInternalServerError {
		return err
	}
	msg := v.Error
	v.Error = ""
	return u.renderWebhooks(w, r, v, &WebhooksData{RowError: map[string]string{id: msg}}, "")
}
