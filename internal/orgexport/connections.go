package orgexport

import (
	"context"
	"sort"

	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/connection"
)

// maxConnections bounds one organization's listing.
const maxConnections = 1000

// ServiceStore is the ConnectionStore of the connections service:
// validation, sealing and audit are the service's.
func ServiceStore(svc *connection.Service) ConnectionStore { return serviceStore{svc: svc} }

type serviceStore struct{ svc *connection.Service }

// adminOf is the scope the tools act with inside one organization: an
// administrator of it without a user (their audit rows name the tool in
// the user agent).
func adminOf(orgID string) auth.Scope { return auth.Scope{OrgID: orgID, Role: auth.RoleAdmin} }

func (s serviceStore) Existing(ctx context.Context, orgID string) ([]ConnectionData, error) {
	return s.Export(ctx, orgID)
}

// Export lists the organization's connections, secrets opened.
func (s serviceStore) Export(ctx context.Context, orgID string) ([]ConnectionData, error) {
	list, _, err := s.svc.List(ctx, adminOf(orgID), connection.Filter{Limit: maxConnections})
	if err != nil {
		return nil, err
	}
	out := make([]ConnectionData, 0, len(list))
	for _, c := range list {
		d := ConnectionData{Connection: Connection{Name: c.Name, Description: c.Description, Type: c.Type,
			Config: c.Config, IsActive: c.IsActive, IsDefault: c.IsDefault}, Secrets: map[string]string{}}
		if t, ok := connection.Lookup(c.Type); ok {
			for _, f := range t.Fields() {
				if f.Secret && c.SecretSet(f.Name) {
					d.Secrets[f.Name] = c.Secret(f.Name)
				}
			}
		}
		out = append(out, d)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Type+"/"+out[i].Name < out[j].Type+"/"+out[j].Name })
	return out, nil
}

// Create adds a connection without a live test (imports make no outbound
// calls); an exported inactive connection stays inactive.
func (s serviceStore) Create(ctx context.Context, sc auth.Scope, c ConnectionData) error {
	cfg := make(map[string]any, len(c.Config)+len(c.Secrets))
	for k, v := range c.Config {
		cfg[k] = v
	}
	for k, v := range c.Secrets {
		cfg[k] = v
	}
	noTest := false
	made, err := s.svc.Create(ctx, sc, connection.CreateInput{Name: c.Name, Description: c.Description, Type: c.Type,
		Config: cfg, IsDefault: c.IsDefault, TestOnSave: &noTest})
	if err != nil || c.IsActive {
		return err
	}
	off := false
	_, err = s.svc.Update(ctx, sc, made.ID, connection.UpdateInput{IsActive: &off, TestOnSave: &noTest})
	return err
}
