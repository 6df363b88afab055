package connection

import (
	"context"
	"slices"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// Update applies a partial update, testing the new configuration when
// asked (by default: when the configuration changed and AutoTest is on).
func (s *Service) Update(ctx context.Context, sc auth.Scope, id string, in UpdateInput) (Connection, error) {
	before, c, err := s.applyUpdate(ctx, sc, id, in)
	if err != nil {
		return Connection{}, err
	}
	changedSecrets := changedSecretNames(before.secrets, c.secrets)
	configChanged := !equalJSON(before.Config, c.Config) || len(changedSecrets) > 0
	if test := in.TestOnSave; (test == nil && s.AutoTest && configChanged) || (test != nil && *test) {
		t, v, err := values(c)
		if err != nil {
			return Connection{}, err
		}
		r := s.runTest(ctx, t, v)
		c.TestResult, c.TestStatus, c.LastTestedAt = &r, r.Status, &r.TestedAt
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "connection.update", EntityType: "connection", EntityID: c.ID}
	err = audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		if err := s.applyDefault(ctx, q, &c, in.IsDefault); err != nil {
			return err
		}
		sl, err := s.seal(c)
		if err != nil {
			return err
		}
		if err := update(ctx, q, &c, sl, before.UpdatedAt); err != nil {
			return err
		}
		if c.TestResult != nil && c.TestResult != before.TestResult {
			if err := saveTest(ctx, q, c.OrgID, c.ID, *c.TestResult); err != nil {
				return err
			}
		}
		e.Details = map[string]any{"changes": changes(before, c), "sealed_fields_changed": changedSecrets}
		return nil
	})
	return c, err
}

// applyUpdate loads the connection and returns it before and after the
// update's names, flags and merged, validated configuration.
func (s *Service) applyUpdate(ctx context.Context, sc auth.Scope, id string, in UpdateInput) (Connection, Connection, error) {
	c, err := s.Get(ctx, sc, id)
	if err != nil {
		return Connection{}, Connection{}, err
	}
	t, err := lookupType(c.Type)
	if err != nil {
		return Connection{}, Connection{}, err
	}
	before := c
	if in.Name != nil {
		c.Name = *in.Name
	}
	if err := checkNames(c.Name, in.Description).Err(); err != nil {
		return Connection{}, Connection{}, err
	}
	v, err := configure(t, mergeConfig(t, c.Config, c.secrets, in.Config))
	if err != nil {
		return Connection{}, Connection{}, err
	}
	c.Name = strings.TrimSpace(c.Name)
	if in.Description != nil {
		c.Description = *in.Description
	}
	if in.IsActive != nil {
		c.IsActive = *in.IsActive
	}
	if !c.IsActive {
		// An inactive connection is never the default: the resolvers skip
		// it, and a default kept on it would stop the next connection of
		// the type from becoming the default.
		c.IsDefault = false
	}
	c.Config, c.secrets = split(t, v)
	c.UpdatedAt = db.Now()
	return before, c, nil
}

// applyDefault handles is_default on update: true takes the default from
// the others; false gives it up (the type then has none, and the resolvers
// fall back to the environment).
func (s *Service) applyDefault(ctx context.Context, q db.Querier, c *Connection, want *bool) error {
	if want == nil {
		return nil
	}
	if *want && !c.IsActive {
		return apperr.Field("is_default", "an inactive connection cannot be the default")
	}
	c.IsDefault = *want
	if *want {
		return clearDefault(ctx, q, c.OrgID, c.Type, c.ID)
	}
	return nil
}

func changedSecretNames(before, after map[string]string) []string {
	out := []string{}
	for k := range before {
		if before[k] != after[k] {
			out = append(out, k)
		}
	}
	for k := range after {
		if _, ok := before[k]; !ok {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func changes(a, b Connection) map[string]any {
	out := map[string]any{}
	if a.Name != b.Name {
		out["name"] = map[string]any{"from": a.Name, "to": b.Name}
	}
	if a.Description != b.Description {
		out["description"] = map[string]any{"from": a.Description, "to": b.Description}
	}
	if a.IsActive != b.IsActive {
		out["is_active"] = map[string]any{"from": a.IsActive, "to": b.IsActive}
	}
	if a.IsDefault != b.IsDefault {
		out["is_default"] = map[string]any{"from": a.IsDefault, "to": b.IsDefault}
	}
	if !equalJSON(a.Config, b.Config) {
		out["config"] = map[string]any{"from": a.Config, "to": b.Config}
	}
	return out
}

// Delete removes a connection. Jobs resolve their connections when they
// run, so a queued job whose connection is gone uses the organization's
// new default, else the environment, else fails as not configured.
func (s *Service) Delete(ctx context.Context, sc auth.Scope, id string) error {
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "connection.delete", EntityType: "connection", EntityID: id}
	return audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		c, _, err := byID(ctx, q, sc.OrgID, id)
		if err != nil {
			return err
		}
		e.Details = map[string]any{"name": c.Name, "connection_type": c.Type, "was_default": c.IsDefault}
		return remove(ctx, q, sc.OrgID, id)
	})
}

// SetDefault makes a connection its type's default for the organization.
func (s *Service) SetDefault(ctx context.Context, sc auth.Scope, id string) (Connection, error) {
	var c Connection
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "connection.set_default", EntityType: "connection", EntityID: id}
	err := audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		var err error
		if c, err = s.load(ctx, q, sc.OrgID, id); err != nil {
			return err
		}
		on, read := true, c.UpdatedAt
		if err := s.applyDefault(ctx, q, &c, &on); err != nil {
			return err
		}
		c.UpdatedAt = db.Now()
		sl, err := s.seal(c)
		if err != nil {
			return err
		}
		e.Details = map[string]any{"name": c.Name, "connection_type": c.Type}
		return update(ctx, q, &c, sl, read)
	})
	return c, err
}

// Test runs the connection's live test and stores the result.
func (s *Service) Test(ctx context.Context, sc auth.Scope, id string) (TestResult, error) {
	c, err := s.Get(ctx, sc, id)
	if err != nil {
		return TestResult{}, err
	}
	t, v, err := values(c)
	if err != nil {
		return TestResult{}, apperr.Wrap(apperr.Invalid, "connection_config_invalid",
			"the stored configuration is no longer valid; update the connection", err)
	}
	r := s.runTest(ctx, t, v)
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "connection.test", EntityType: "connection", EntityID: id,
		Details: map[string]any{"test_status": r.Status, "message": r.Message}}
	err = audit.Do(ctx, s.DB, entry, func(q db.Querier, _ *audit.Entry) error {
		return saveTest(ctx, q, sc.OrgID, id, r)
	})
	return r, err
}
