package orgexport

import (
	"context"
	"errors"
	"fmt"
	"maps"
	"reflect"
	"slices"
	"sort"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/auth"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/org"
	"github.com/curatore/curatore/internal/setting"
	"github.com/curatore/curatore/internal/user"
)

// mergeOrg finds the organization by slug or creates it.
func mergeOrg(ctx context.Context, q db.Querier, doc *Document, rep *Report) (string, error) {
	in := doc.Organization
	o, err := org.BySlug(ctx, q, in.Slug)
	if errors.Is(err, apperr.NotFound) {
		o = org.Organization{Name: in.Name, DisplayName: in.DisplayName, Slug: in.Slug, IsActive: in.IsActive}
		if err := org.Create(ctx, q, &o); err != nil {
			return "", fmt.Errorf("create organization %s: %w", in.Slug, err)
		}
		rep.add("organization", in.Slug, Create, in.Name)
		return o.ID, nil
	}
	if err != nil {
		return "", err
	}
	if diff := differences(map[string][2]any{"name": {o.Name, in.Name}, "display_name": {o.DisplayName, in.DisplayName},
		"is_active": {o.IsActive, in.IsActive}}); diff != "" {
		rep.add("organization", in.Slug, Conflict, diff)
	} else {
		rep.add("organization", in.Slug, Unchanged, "")
	}
	return o.ID, nil
}

// mergeUsers finds or creates every user by email and returns their ids.
// New users get no usable password (they set one with password reset).
func mergeUsers(ctx context.Context, q db.Querier, doc *Document, rep *Report) (map[string]string, error) {
	ids := map[string]string{}
	for _, in := range doc.Users {
		email := user.NormalizeEmail(in.Email)
		u, err := user.ByEmail(ctx, q, email)
		if errors.Is(err, apperr.NotFound) {
			if _, taken := user.ByUsername(ctx, q, in.Username); taken == nil {
				rep.add("user", email, Conflict, "username "+in.Username+" belongs to another user; not created")
				continue
			}
			u = user.User{Email: email, Username: in.Username, FullName: in.FullName, PasswordHash: "!",
				IsActive: in.IsActive, IsVerified: in.IsVerified}
			if err := user.Create(ctx, q, &u); err != nil {
				return nil, fmt.Errorf("create user %s: %w", email, err)
			}
			rep.add("user", email, Create, "no password: set one with password reset")
			ids[email] = u.ID
			continue
		}
		if err != nil {
			return nil, err
		}
		ids[email] = u.ID
		if diff := differences(map[string][2]any{"username": {u.Username, in.Username}, "full_name": {u.FullName, in.FullName},
			"is_active": {u.IsActive, in.IsActive}, "is_verified": {u.IsVerified, in.IsVerified}}); diff != "" {
			rep.add("user", email, Conflict, diff)
		} else {
			rep.add("user", email, Unchanged, "")
		}
	}
	return ids, nil
}

func mergeMemberships(ctx context.Context, q db.Querier, orgID string, doc *Document, users map[string]string, rep *Report) error {
	for _, in := range doc.Memberships {
		email := user.NormalizeEmail(in.Email)
		uid, ok := users[email]
		if !ok {
			rep.add("membership", email, Skip, "the user was not imported")
			continue
		}
		m, err := user.MembershipOf(ctx, q, orgID, uid)
		if errors.Is(err, apperr.NotFound) {
			if err := user.AddMembership(ctx, q, &user.Membership{OrgID: orgID, UserID: uid, Role: in.Role, IsActive: in.IsActive}); err != nil {
				return fmt.Errorf("add membership of %s: %w", email, err)
			}
			rep.add("membership", email, Create, in.Role)
			continue
		}
		if err != nil {
			return err
		}
		if diff := differences(map[string][2]any{"role": {m.Role, in.Role}, "is_active": {m.IsActive, in.IsActive}}); diff != "" {
			rep.add("membership", email, Conflict, diff)
		} else {
			rep.add("membership", email, Unchanged, "")
		}
	}
	return nil
}

// mergeSettings sets the settings the organization does not have and
// returns the audit details of that change.
func mergeSettings(ctx context.Context, q db.Querier, orgID string, doc *Document, rep *Report) (map[string]any, error) {
	have, err := setting.OrgValues(ctx, q, orgID)
	if err != nil {
		return nil, err
	}
	changes, err := setting.ParsePatch(setting.Org, doc.Settings)
	if err != nil {
		return nil, err
	}
	patch := map[string]any{}
	for _, c := range changes {
		cur, exists := have[c.Key]
		switch {
		case c.Remove:
			continue
		case !exists:
			patch[c.Key] = c.Value
			rep.add("setting", c.Key, Create, fmt.Sprint(c.Value))
		case reflect.DeepEqual(cur, c.Value):
			rep.add("setting", c.Key, Unchanged, "")
		default:
			rep.add("setting", c.Key, Conflict, fmt.Sprintf("is %v here, %v in the export", cur, c.Value))
		}
	}
	if len(patch) == 0 {
		return map[string]any{}, nil
	}
	return setting.PatchOrg(ctx, q, orgID, patch)
}

// mergeConnections creates the connections the organization does not have
// (by type and name), each through the connections service.
func mergeConnections(ctx context.Context, orgID string, doc *Document, secrets map[string]map[string]string, o ImportOptions, rep *Report) error {
	existing := map[string]ConnectionData{}
	hasDefault := map[string]bool{}
	if orgID != "" {
		list, err := o.Connections.Existing(ctx, orgID)
		if err != nil {
			return err
		}
		for _, c := range list {
			existing[c.Type+"/"+c.Name] = c
			hasDefault[c.Type] = hasDefault[c.Type] || c.IsDefault
		}
	}
	sc := auth.Scope{OrgID: orgID, Role: auth.RoleAdmin}
	// Defaults first: the service makes the first connection of a type its
	// default, which must be the one the export marks.
	ordered := append([]Connection(nil), doc.Connections...)
	sort.SliceStable(ordered, func(i, j int) bool { return ordered[i].IsDefault && !ordered[j].IsDefault })
	for _, c := range ordered {
		key := c.Type + "/" + c.Name
		s, opened := secrets[key]
		cur, exists := existing[key]
		switch {
		case exists && sameConfig(cur, c, s):
			rep.add("connection", key, Unchanged, "")
		case exists:
			rep.add("connection", key, Conflict, "exists here with another configuration; left as it is")
		case len(c.SecretNames) > 0 && !opened:
			rep.add("connection", key, Skip, "its secrets are not in the export (export with --include-secrets, import with --passphrase-file)")
		case o.DryRun:
			rep.add("connection", key, Create, "")
		default:
			detail := ""
			if c.IsDefault && hasDefault[c.Type] {
				c.IsDefault, detail = false, "not made the default: the organization has one"
			}
			if err := o.Connections.Create(ctx, sc, ConnectionData{Connection: c, Secrets: s}); err != nil {
				rep.add("connection", key, Skip, "refused: "+errText(err))
				continue
			}
			hasDefault[c.Type] = true // made the default, or the service made the first of its type one
			rep.add("connection", key, Create, detail)
		}
	}
	return nil
}

// differences lists the fields whose values differ, "" when none do.
func differences(fields map[string][2]any) string {
	out := ""
	for _, n := range slices.Sorted(maps.Keys(fields)) {
		if v := fields[n]; !reflect.DeepEqual(v[0], v[1]) {
			if out != "" {
				out += "; "
			}
			out += fmt.Sprintf("%s is %v here, %v in the export", n, v[0], v[1])
		}
	}
	return out
}

func errText(err error) string {
	if e, ok := apperr.As(err); ok {
		s := e.Detail
		for _, f := range e.Fields {
			s += "; " + f.Field + ": " + f.Reason
		}
		return s
	}
	return err.Error()
}
