package setting

import (
	"context"
	"reflect"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
)

// Service holds the rules for reading and changing settings. Every method
// takes the caller's scope first; the organization and user come from it.
type Service struct {
	DB       *db.DB
	Resolver *Resolver
}

// Readable reports whether the caller may read setting d: public settings
// by everyone, the others by org and system administrators.
func Readable(sc auth.Scope, d Def) bool { return d.Public || sc.IsAdmin() || sc.SystemAdmin }

// Effective returns every setting the caller may read, as it applies to the
// caller (their organization and user), with its source.
func (s *Service) Effective(ctx context.Context, sc auth.Scope) ([]Value, error) {
	vals, err := s.Resolver.Effective(ctx, sc.OrgID, sc.UserID)
	if err != nil {
		return nil, err
	}
	out := []Value{}
	for _, v := range vals.All() {
		if d, _ := Lookup(v.Key); Readable(sc, d) {
			out = append(out, v)
		}
	}
	return out, nil
}

// Values resolves the caller's settings (for handlers that need a few).
func (s *Service) Values(ctx context.Context, sc auth.Scope) (Values, error) {
	return s.Resolver.Effective(ctx, sc.OrgID, sc.UserID)
}

func requireSystemAdmin(sc auth.Scope) error {
	if !sc.SystemAdmin {
		return apperr.New(apperr.Forbidden, "system_admin_required", "this action needs a system administrator")
	}
	return nil
}

// System returns the system layer, nested (system administrators).
func (s *Service) System(ctx context.Context, sc auth.Scope) (map[string]any, error) {
	if err := requireSystemAdmin(sc); err != nil {
		return nil, err
	}
	flat, err := loadSystem(ctx, s.DB)
	if err != nil {
		return nil, err
	}
	return nest(flat), nil
}

// UpdateSystem applies a patch to the system layer (system administrators).
func (s *Service) UpdateSystem(ctx context.Context, sc auth.Scope, patch map[string]any) (map[string]any, error) {
	if err := requireSystemAdmin(sc); err != nil {
		return nil, err
	}
	changes, err := ParsePatch(System, patch)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	entry := audit.Entry{UserID: sc.UserID, Action: "settings.system_update", EntityType: "system_settings"}
	err = audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		before, err := loadSystem(ctx, q)
		if err != nil {
			return err
		}
		after := applyFlat(before, changes)
		if err := checkTogether(after); err != nil {
			return err
		}
		e.Details = diffDetails(before, after)
		out = nest(after)
		return applySystem(ctx, q, changes)
	})
	return out, err
}

// Org returns the caller's organization's settings as stored (nested);
// settings the caller may not read are left out.
func (s *Service) Org(ctx context.Context, sc auth.Scope) (map[string]any, error) {
	nested, err := orgOwner.load(ctx, s.DB, sc.OrgID)
	if err != nil {
		return nil, err
	}
	return visible(sc, nested), nil
}

// UpdateOrg deep-merges a patch into the caller's organization settings
// (org administrators): null removes a setting, which then falls back to
// the system layer. The patch is checked against the catalogue first.
func (s *Service) UpdateOrg(ctx context.Context, sc auth.Scope, patch map[string]any) (map[string]any, error) {
	if !sc.IsAdmin() {
		return nil, apperr.New(apperr.Forbidden, "admin_required", "this action needs the org_admin role")
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "organization.settings_update",
		EntityType: "organization", EntityID: sc.OrgID}
	return s.updateNested(ctx, Org, orgOwner, sc.OrgID, entry, patch)
}

// ValidateOrg checks settings given for a new organization.
func ValidateOrg(settings map[string]any) error {
	changes, err := ParsePatch(Org, settings)
	if err != nil {
		return err
	}
	return checkTogether(applyFlat(nil, changes))
}

// User returns the caller's own settings (nested).
func (s *Service) User(ctx context.Context, sc auth.Scope) (map[string]any, error) {
	if sc.UserID == "" {
		return nil, apperr.NotFoundf("user")
	}
	return userOwner.load(ctx, s.DB, sc.UserID)
}

// UpdateUser deep-merges a patch into the caller's own settings.
func (s *Service) UpdateUser(ctx context.Context, sc auth.Scope, patch map[string]any) (map[string]any, error) {
	if sc.UserID == "" {
		return nil, apperr.NotFoundf("user")
	}
	entry := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "user.settings_update",
		EntityType: "user", EntityID: sc.UserID}
	return s.updateNested(ctx, User, userOwner, sc.UserID, entry, patch)
}

// updateNested applies a checked patch to a row's nested settings document,
// audited with every setting's old and new value.
func (s *Service) updateNested(ctx context.Context, l Layer, o owner, id string, entry audit.Entry, patch map[string]any) (map[string]any, error) {
	changes, err := ParsePatch(l, patch)
	if err != nil {
		return nil, err
	}
	var out map[string]any
	err = audit.Do(ctx, s.DB, entry, func(q db.Querier, e *audit.Entry) error {
		var err error
		out, e.Details, err = applyNested(ctx, q, o, id, changes)
		return err
	})
	return out, err
}

// applyNested applies checked changes to a row's settings with q and
// returns the new document and the audit details.
func applyNested(ctx context.Context, q db.Querier, o owner, id string, changes []Change) (map[string]any, map[string]any, error) {
	nested, err := o.load(ctx, q, id)
	if err != nil {
		return nil, nil, err
	}
	before := Flatten(nested)
	after := applyFlat(before, changes)
	if err := checkTogether(after); err != nil {
		return nil, nil, err
	}
	details := diffDetails(before, after)
	for _, c := range changes {
		if _, known := Lookup(c.Key); !known {
			if old, ok := getPath(nested, c.Key); ok {
				details["changes"] = append(details["changes"].([]any), map[string]any{"setting": c.Key, "from": old, "to": nil})
			}
		}
	}
	next := deepCopy(nested)
	for _, c := range changes {
		if c.Remove {
			deletePath(next, c.Key)
		} else {
			setPath(next, c.Key, c.Value)
		}
	}
	return next, details, o.save(ctx, q, id, next)
}

// PatchOrg checks patch against the catalogue and applies it to
// organization orgID's settings with q, inside the caller's transaction
// (which records the audit row). It returns the audit details: each
// setting's old and new value.
func PatchOrg(ctx context.Context, q db.Querier, orgID string, patch map[string]any) (map[string]any, error) {
	changes, err := ParsePatch(Org, patch)
	if err != nil {
		return nil, err
	}
	_, details, err := applyNested(ctx, q, orgOwner, orgID, changes)
	return details, err
}

// OrgValues returns the catalogue settings stored on organization orgID,
// flat by key.
func OrgValues(ctx context.Context, q db.Querier, orgID string) (map[string]any, error) {
	nested, err := orgOwner.load(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	return Flatten(nested), nil
}

// applyFlat returns flat settings with changes applied.
func applyFlat(flat map[string]any, changes []Change) map[string]any {
	out := make(map[string]any, len(flat)+len(changes))
	for k, v := range flat {
		out[k] = v
	}
	for _, c := range changes {
		if c.Remove {
			delete(out, c.Key)
		} else {
			out[c.Key] = c.Value
		}
	}
	return out
}

// checkTogether applies the rules between settings of one layer.
func checkTogether(flat map[string]any) error {
	size, okSize := flat["chunking.size"].(int64)
	overlap, okOverlap := flat["chunking.overlap"].(int64)
	if okSize && okOverlap && overlap > size/2 {
		return apperr.Field("chunking.overlap", "must be at most half of chunking.size")
	}
	return nil
}

// diffDetails lists what changed for the audit row: each setting with its
// old and new value (null when absent). Secret settings do not exist, so
// values are kept as they are.
func diffDetails(before, after map[string]any) map[string]any {
	changes := []any{}
	for _, d := range catalogue {
		b, inB := before[d.Key]
		a, inA := after[d.Key]
		if inA == inB && reflect.DeepEqual(a, b) {
			continue
		}
		changes = append(changes, map[string]any{"setting": d.Key, "from": b, "to": a})
	}
	return map[string]any{"changes": changes}
}

// visible removes the catalogue settings sc may not read.
func visible(sc auth.Scope, nested map[string]any) map[string]any {
	out := deepCopy(nested)
	for _, d := range catalogue {
		if !Readable(sc, d) {
			deletePath(out, d.Key)
		}
	}
	return out
}
