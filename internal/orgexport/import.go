package orgexport

import (
	"context"
	"errors"
	"fmt"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/setting"
)

// The actions an import reports for each item.
const (
	Create    = "create"
	Unchanged = "unchanged"
	Conflict  = "conflict" // exists here with other values; left as it is
	Skip      = "skip"
)

// Action is what the import did (or would do) with one item.
type Action struct {
	Kind   string // organization, user, membership, setting, connection
	Name   string
	Action string
	Detail string
}

// Report lists every item of the document and what happened to it.
type Report struct {
	DryRun  bool
	Actions []Action
}

func (r *Report) add(kind, name, action, detail string) {
	r.Actions = append(r.Actions, Action{Kind: kind, Name: name, Action: action, Detail: detail})
}

// Count returns how many items got action.
func (r *Report) Count(action string) int {
	n := 0
	for _, a := range r.Actions {
		if a.Action == action {
			n++
		}
	}
	return n
}

// ImportOptions tune Import.
type ImportOptions struct {
	DryRun     bool
	Passphrase []byte // opens sealed connection secrets
	// Secrets are connection secrets in the clear, by "type/name" (import-env).
	Secrets     map[string]map[string]string
	Connections ConnectionStore // nil: connections are skipped
	Webhooks    WebhookStore    // nil: webhooks are skipped
}

var errDryRun = errors.New("dry run")

// Import merges doc into this deployment: the organization by slug, users
// by email, memberships by (organization, email), settings by key and
// connections by (type, name). What does not exist is created; what exists
// with the same values is left; what exists with other values is reported
// as a conflict and left as it is. The organization, users, memberships
// and settings are written in one audited transaction; each connection and
// webhook endpoint (by URL) is created through its service (validated,
// sealed, audited).
func Import(ctx context.Context, d *db.DB, doc *Document, o ImportOptions) (*Report, error) {
	if err := check(doc); err != nil {
		return nil, err
	}
	secrets, err := openSecrets(doc, o.Passphrase)
	if err != nil {
		return nil, err
	}
	own := *doc // sealed URLs are opened in a copy, not in the caller's document
	own.Webhooks = append([]Webhook(nil), doc.Webhooks...)
	doc = &own
	if err := openWebhookURLs(doc, o.Passphrase); err != nil {
		return nil, err
	}
	for k, v := range o.Secrets {
		secrets[k] = v
	}
	rep := &Report{DryRun: o.DryRun}
	var orgID string
	apply := func(q db.Querier, e *audit.Entry) error {
		var err error
		if orgID, err = mergeOrg(ctx, q, doc, rep); err != nil {
			return err
		}
		users, err := mergeUsers(ctx, q, doc, rep)
		if err != nil {
			return err
		}
		if err := mergeMemberships(ctx, q, orgID, doc, users, rep); err != nil {
			return err
		}
		details, err := mergeSettings(ctx, q, orgID, doc, rep)
		e.OrgID, e.EntityID = orgID, orgID
		e.Details = map[string]any{"slug": doc.Organization.Slug, "created": rep.Count(Create),
			"conflicts": rep.Count(Conflict), "settings": details["changes"]}
		return err
	}
	if o.DryRun {
		err = d.InTx(ctx, func(q db.Querier) error {
			if err := apply(q, &audit.Entry{}); err != nil {
				return err
			}
			return errDryRun // everything above is rolled back
		})
		if !errors.Is(err, errDryRun) {
			return rep, err
		}
	} else {
		entry := audit.Entry{Action: "organization.import", EntityType: "organization"}
		if err := audit.Do(ctx, d, entry, apply); err != nil {
			return rep, err
		}
	}
	if o.Connections == nil {
		for _, c := range doc.Connections {
			rep.add("connection", c.Type+"/"+c.Name, Skip, "connections are not available here")
		}
	} else if err := mergeConnections(ctx, orgID, doc, secrets, o, rep); err != nil {
		return rep, err
	}
	if o.Webhooks == nil {
		for _, w := range doc.Webhooks {
			rep.add("webhook", redactedURL(w.URL), Skip, "webhooks are not available here")
		}
		return rep, nil
	}
	return rep, mergeWebhooks(ctx, orgID, doc, o, rep)
}

// check refuses a document that is not ours or not well formed.
func check(doc *Document) error {
	if doc.Format != FormatName {
		return fmt.Errorf("not a Curatore organization export (format %q)", doc.Format)
	}
	if doc.Version != Version {
		return fmt.Errorf("export version %d; this binary reads version %d", doc.Version, Version)
	}
	var f apperr.Fields
	if r := org.ValidSlug(doc.Organization.Slug); r != "" {
		f.Add("organization.slug", r)
	}
	if doc.Organization.Name == "" {
		f.Add("organization.name", "must not be empty")
	}
	for i, m := range doc.Memberships {
		if !auth.Role(m.Role).Valid() {
			f.Add(fmt.Sprintf("memberships[%d].role", i), "must be org_admin, member or viewer")
		}
	}
	if _, err := setting.ParsePatch(setting.Org, doc.Settings); err != nil {
		if e, ok := apperr.As(err); ok {
			for _, fe := range e.Fields {
				f.Add("settings."+fe.Field, fe.Reason)
			}
		}
	}
	return f.Err()
}

// openSecrets opens every sealed secret up front, so a wrong passphrase
// stops the import before anything is written.
func openSecrets(doc *Document, passphrase []byte) (map[string]map[string]string, error) {
	out := map[string]map[string]string{}
	if doc.Sealing == nil || len(passphrase) == 0 {
		return out, nil
	}
	a, err := doc.Sealing.aead(passphrase)
	if err != nil {
		return nil, err
	}
	for _, c := range doc.Connections {
		if c.Sealed == "" {
			continue
		}
		s, err := open(a, c)
		if err != nil {
			return nil, err
		}
		out[c.Type+"/"+c.Name] = s
	}
	return out, nil
}
