package orgexport

import (
	"context"
	"fmt"
	"net/url"
	"slices"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/webhook"
)

// WebhookStore is what export and import need from the webhooks package.
type WebhookStore interface {
	List(ctx context.Context, orgID string) ([]Webhook, error)
	// Create registers an endpoint (URL checked, new secret sealed, audited).
	Create(ctx context.Context, sc auth.Scope, w Webhook) error
}

// WebhookServiceStore is the WebhookStore of the webhook service.
func WebhookServiceStore(svc *webhook.Service) WebhookStore { return webhookStore{svc: svc} }

type webhookStore struct{ svc *webhook.Service }

func (s webhookStore) List(ctx context.Context, orgID string) ([]Webhook, error) {
	list, err := s.svc.List(ctx, adminOf(orgID))
	if err != nil {
		return nil, err
	}
	out := make([]Webhook, 0, len(list))
	for _, e := range list {
		out = append(out, Webhook{URL: e.URL, Description: e.Description, Events: e.Events, IsActive: e.IsActive})
	}
	return out, nil
}

func (s webhookStore) Create(ctx context.Context, sc auth.Scope, w Webhook) error {
	active := w.IsActive
	_, _, err := s.svc.Create(ctx, sc, webhook.CreateInput{URL: w.URL, Description: w.Description, Events: w.Events, IsActive: &active})
	return err
}

// exportWebhooks adds the endpoints; a URL with credentials or a query is
// sealed (with a passphrase) or left out.
func exportWebhooks(ctx context.Context, orgID string, o ExportOptions, doc *Document) error {
	list, err := o.Webhooks.List(ctx, orgID)
	if err != nil {
		return err
	}
	for _, w := range list {
		if plain := redactedURL(w.URL); plain != w.URL {
			if doc.Sealing == nil && len(o.Passphrase) > 0 {
				doc.Sealing = newSealing()
			}
			if doc.Sealing != nil {
				a, err := doc.Sealing.aead(o.Passphrase)
				if err != nil {
					return err
				}
				if w.SealedURL, err = sealValue(a, hookAAD(plain), w.URL); err != nil {
					return err
				}
			} else {
				w.URLRedacted = true
			}
			w.URL = plain
		}
		doc.Webhooks = append(doc.Webhooks, w)
	}
	return nil
}

func hookAAD(plainURL string) []byte { return []byte("curatore-export/webhook/" + plainURL) }

// openWebhookURLs restores sealed webhook URLs with the passphrase.
func openWebhookURLs(doc *Document, passphrase []byte) error {
	if doc.Sealing == nil || len(passphrase) == 0 {
		return nil
	}
	a, err := doc.Sealing.aead(passphrase)
	if err != nil {
		return err
	}
	for i, w := range doc.Webhooks {
		if w.SealedURL == "" {
			continue
		}
		var full string
		if err := openValue(a, hookAAD(w.URL), w.SealedURL, &full); err != nil {
			return fmt.Errorf("webhook %s: %w", w.URL, err)
		}
		doc.Webhooks[i].URL, doc.Webhooks[i].SealedURL = full, ""
	}
	return nil
}

// mergeWebhooks registers the endpoints the organization does not have
// (by URL); an imported endpoint gets a new signing secret.
func mergeWebhooks(ctx context.Context, orgID string, doc *Document, o ImportOptions, rep *Report) error {
	existing := map[string]Webhook{}
	if orgID != "" {
		list, err := o.Webhooks.List(ctx, orgID)
		if err != nil {
			return err
		}
		for _, w := range list {
			existing[w.URL] = w
		}
	}
	for _, w := range doc.Webhooks {
		cur, exists := existing[w.URL]
		name := redactedURL(w.URL)
		switch {
		case w.URLRedacted || w.SealedURL != "":
			rep.add("webhook", name, Skip, "its URL's credentials or query are not in the export (export with --include-secrets, import with --passphrase-file)")
		case exists && cur.Description == w.Description && cur.IsActive == w.IsActive && sameEvents(cur.Events, w.Events):
			rep.add("webhook", name, Unchanged, "")
		case exists:
			rep.add("webhook", name, Conflict, "exists here with other events, description or state; left as it is")
		case o.DryRun:
			rep.add("webhook", name, Create, "")
		default:
			if err := o.Webhooks.Create(ctx, adminOf(orgID), w); err != nil {
				rep.add("webhook", name, Skip, "refused: "+errText(err))
				continue
			}
			existing[w.URL] = w
			rep.add("webhook", name, Create, "new signing secret: rotate it (POST /api/v1/webhooks/{id}/rotate-secret) and give it to the receiver")
		}
	}
	return nil
}

func sameEvents(a, b []string) bool {
	x, y := slices.Clone(a), slices.Clone(b)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(x, y)
}

// redactedURL is a webhook URL fit for a printed report: credentials and
// the query (which may carry a token) are left out.
func redactedURL(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "(unparsable URL)"
	}
	u.User = nil
	if u.RawQuery != "" {
		u.RawQuery = "redacted"
	}
	return u.String()
}
