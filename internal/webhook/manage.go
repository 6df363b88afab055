package webhook

import (
	"context"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// List returns the organization's endpoints, oldest first.
func (s *Service) List(ctx context.Context, sc auth.Scope) ([]Endpoint, error) {
	if err := requireAdmin(sc); err != nil {
		return nil, err
	}
	return listEndpoints(ctx, s.DB, sc.OrgID, false)
}

// Get returns one endpoint of the organization (another's is NotFound).
func (s *Service) Get(ctx context.Context, sc auth.Scope, id string) (Endpoint, error) {
	if err := requireAdmin(sc); err != nil {
		return Endpoint{}, err
	}
	return getEndpoint(ctx, s.DB, sc.OrgID, id)
}

// Update changes the fields in.
func (s *Service) Update(ctx context.Context, sc auth.Scope, id string, in UpdateInput) (Endpoint, error) {
	if err := requireAdmin(sc); err != nil {
		return Endpoint{}, err
	}
	var e Endpoint
	ent := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "webhook.update", EntityType: "webhook", EntityID: id}
	err := audit.Do(ctx, s.DB, ent, func(q db.Querier, ent *audit.Entry) error {
		var err error
		if e, err = getEndpoint(ctx, q, sc.OrgID, id); err != nil {
			return err
		}
		changes, err := s.apply(&e, in)
		if err != nil {
			return err
		}
		ent.Details = changes
		e.UpdatedAt = s.now()
		return updateEndpoint(ctx, q, e)
	})
	return e, err
}

// apply validates in and applies it to e, returning the changes for the
// audit row.
func (s *Service) apply(e *Endpoint, in UpdateInput) (map[string]any, error) {
	var f apperr.Fields
	changes := map[string]any{}
	if in.URL != nil {
		u := s.checkURL(&f, *in.URL)
		changes["url"] = map[string]any{"from": redactURL(e.URL), "to": redactURL(u)}
		e.URL = u
	}
	if in.Description != nil {
		d := strings.TrimSpace(*in.Description)
		if len(d) > maxDescriptionLength {
			f.Add("description", "must be at most 500 characters")
		}
		changes["description"] = map[string]any{"from": e.Description, "to": d}
		e.Description = d
	}
	if in.Events != nil {
		ev := checkEvents(&f, *in.Events)
		changes["events"] = map[string]any{"from": e.Events, "to": ev}
		e.Events = ev
	}
	if in.IsActive != nil {
		changes["is_active"] = map[string]any{"from": e.IsActive, "to": *in.IsActive}
		e.IsActive = *in.IsActive
	}
	return changes, f.Err()
}

// Delete removes an endpoint and its delivery log; queued deliveries to it
// find nothing to send and end.
func (s *Service) Delete(ctx context.Context, sc auth.Scope, id string) error {
	if err := requireAdmin(sc); err != nil {
		return err
	}
	ent := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "webhook.delete", EntityType: "webhook", EntityID: id}
	return audit.Do(ctx, s.DB, ent, func(q db.Querier, ent *audit.Entry) error {
		e, err := getEndpoint(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		ent.Details = map[string]any{"url": redactURL(e.URL)}
		return deleteEndpoint(ctx, q, sc.OrgID, id)
	})
}

// RotateSecret replaces an endpoint's signing secret and returns the new
// one, shown this once. Deliveries signed from now on use it.
func (s *Service) RotateSecret(ctx context.Context, sc auth.Scope, id string) (string, error) {
	if err := requireAdmin(sc); err != nil {
		return "", err
	}
	secret := newSecret()
	keyID, sealedSecret, err := s.Sealer.Seal([]byte(secret), aad(sc.OrgID, id))
	if err != nil {
		return "", err
	}
	ent := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "webhook.rotate_secret", EntityType: "webhook", EntityID: id}
	err = audit.Do(ctx, s.DB, ent, func(q db.Querier, _ *audit.Entry) error {
		if _, err := getEndpoint(ctx, q, sc.OrgID, id); err != nil {
			return err
		}
		return updateSecret(ctx, q, sc.OrgID, id, sealed{KeyID: keyID, Sealed: sealedSecret}, s.now())
	})
	if err != nil {
		return "", err
	}
	return secret, nil
}

// Deliveries returns an endpoint's delivery log, newest first, and the
// total matching.
func (s *Service) Deliveries(ctx context.Context, sc auth.Scope, id string, f DeliveryFilter) ([]Delivery, int, error) {
	if err := requireAdmin(sc); err != nil {
		return nil, 0, err
	}
	if f.Status != "" && f.Status != StatusPending && f.Status != StatusRetrying && f.Status != StatusSucceeded && f.Status != StatusFailed {
		return nil, 0, apperr.Field("status", "must be pending, retrying, succeeded or failed")
	}
	if _, err := getEndpoint(ctx, s.DB, sc.OrgID, id); err != nil {
		return nil, 0, err
	}
	return listDeliveries(ctx, s.DB, sc.OrgID, id, f)
}

// secret opens an endpoint's signing secret.
func (s *Service) secret(ctx context.Context, q db.Querier, orgID, id string) (string, error) {
	sl, err := getSecret(ctx, q, orgID, id)
	if err != nil {
		return "", err
	}
	plain, err := s.Sealer.Open(sl.KeyID, sl.Sealed, aad(orgID, id))
	if err != nil {
		return "", err
	}
	return string(plain), nil
}
