package auth

import (
	"context"
	"database/sql"
	"errors"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
)

// APIKey is a stored key (never the key itself: only its digest is kept).
type APIKey struct {
	ID         string
	OrgID      string
	UserID     string
	Name       string
	Prefix     string
	Scopes     []string
	IsActive   bool
	LastUsedAt *time.Time
	ExpiresAt  *time.Time
	CreatedAt  time.Time
	UpdatedAt  time.Time
}

// NewKeyInput describes a key to create.
type NewKeyInput struct {
	Name        string
	ExpiresDays *int
	Scopes      []string
}

// KeyFilter narrows a key listing.
type KeyFilter struct {
	IsActive    *bool
	Skip, Limit int
}

const keyColumns = `id, org_id, user_id, name, prefix, scopes, is_active, last_used_at, expires_at, created_at, updated_at`

func scanKey(row db.Scanner) (APIKey, error) {
	var k APIKey
	var scopes db.JSON[[]string]
	err := row.Scan(&k.ID, &k.OrgID, &k.UserID, &k.Name, &k.Prefix, &scopes, &k.IsActive,
		db.NullTime{T: &k.LastUsedAt}, db.NullTime{T: &k.ExpiresAt}, &k.CreatedAt, &k.UpdatedAt)
	if errors.Is(err, sql.ErrNoRows) {
		return APIKey{}, apperr.NotFoundf("API key")
	}
	k.Scopes = scopes.V
	if k.Scopes == nil {
		k.Scopes = []string{}
	}
	k.CreatedAt, k.UpdatedAt = k.CreatedAt.UTC(), k.UpdatedAt.UTC()
	return k, err
}

// CreateKey makes a key for the caller in the active organization and
// returns it with the full key, which is shown this once.
func (s *Service) CreateKey(ctx context.Context, sc Scope, in NewKeyInput) (APIKey, string, error) {
	var f apperr.Fields
	in.Name = strings.TrimSpace(in.Name)
	if in.Name == "" || len(in.Name) > 255 {
		f.Add("name", "must be 1 to 255 characters")
	}
	if in.ExpiresDays != nil && (*in.ExpiresDays < 1 || *in.ExpiresDays > 365) {
		f.Add("expires_days", "must be between 1 and 365")
	}
	if err := f.Err(); err != nil {
		return APIKey{}, "", err
	}
	if sc.Method != MethodJWT || sc.UserID == "" {
		// A key cannot mint keys (a leaked key would otherwise outlive its
		// revocation), nor can the anonymous principal.
		return APIKey{}, "", apperr.New(apperr.Forbidden, "session_required", "creating an API key needs a signed-in session, not an API key")
	}
	scopes, err := keyScopes(sc.Role, in.Scopes)
	if err != nil {
		return APIKey{}, "", err
	}
	in.Scopes = scopes
	now := s.now()
	key, display, digest := NewAPIKey(s.cfg.APIKeyPrefix)
	k := APIKey{ID: db.NewID(), OrgID: sc.OrgID, UserID: sc.UserID, Name: in.Name, Prefix: display,
		Scopes: in.Scopes, IsActive: true, CreatedAt: now, UpdatedAt: now}
	if k.Scopes == nil {
		k.Scopes = []string{}
	}
	if in.ExpiresDays != nil {
		exp := now.Add(time.Duration(*in.ExpiresDays) * 24 * time.Hour)
		k.ExpiresAt = &exp
	}
	e := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "api_key.create", EntityType: "api_key", EntityID: k.ID,
		Details: map[string]any{"name": k.Name, "prefix": k.Prefix, "expires_at": k.ExpiresAt, "scopes": k.Scopes}}
	err = audit.Do(ctx, s.db, e, func(q db.Querier, _ *audit.Entry) error {
		_, err := q.Exec(ctx, `INSERT INTO api_keys (id, org_id, user_id, name, key_hash, prefix, scopes, is_active,
			expires_at, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			k.ID, k.OrgID, k.UserID, k.Name, digest, k.Prefix, db.JSON[[]string]{V: k.Scopes}, true, k.ExpiresAt, now, now)
		return err
	})
	if err != nil {
		return APIKey{}, "", err
	}
	return k, key, nil
}

// keyScopes validates requested scopes against the set and the creator's
// role; none requested means everything the role allows.
func keyScopes(role Role, requested []string) ([]string, error) {
	allowed := []string{ScopeRead}
	switch role {
	case RoleAdmin:
		allowed = []string{ScopeRead, ScopeWrite, ScopeAdmin}
	case RoleMember:
		allowed = []string{ScopeRead, ScopeWrite}
	}
	if len(requested) == 0 {
		return allowed, nil
	}
	var out []string
	for _, s := range requested {
		switch {
		case s != ScopeRead && s != ScopeWrite && s != ScopeAdmin:
			return nil, apperr.Field("scopes", "unknown scope "+strconv.Quote(s)+"; use read, write or admin")
		case !slices.Contains(allowed, s):
			return nil, apperr.Field("scopes", "your role does not allow the "+s+" scope")
		case !slices.Contains(out, s):
			out = append(out, s)
		}
	}
	return out, nil
}

// visible restricts key queries: an org admin sees every key of the
// organization, anyone else only their own.
func visible(sc Scope) (string, []any) {
	if sc.IsAdmin() {
		return `org_id = ?`, []any{sc.OrgID}
	}
	return `org_id = ? AND user_id = ?`, []any{sc.OrgID, sc.UserID}
}

// ListKeys returns the keys the caller may see, newest first, and their total.
func (s *Service) ListKeys(ctx context.Context, sc Scope, f KeyFilter) ([]APIKey, int, error) {
	where, args := visible(sc)
	if f.IsActive != nil {
		where += ` AND is_active = ?`
		args = append(args, *f.IsActive)
	}
	var total int
	if err := s.db.QueryRow(ctx, `SELECT COUNT(*) FROM api_keys WHERE `+where, args...).Scan(&total); err != nil {
		return nil, 0, err
	}
	rows, err := s.db.Query(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE `+where+
		` ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`, append(args, f.Limit, f.Skip)...)
	if err != nil {
		return nil, 0, err
	}
	keys, err := db.Collect(rows, scanKey)
	return keys, total, err
}

// Key returns one key the caller may see (another org's key is NotFound).
func (s *Service) Key(ctx context.Context, q db.Querier, sc Scope, id string) (APIKey, error) {
	where, args := visible(sc)
	return scanKey(q.QueryRow(ctx, `SELECT `+keyColumns+` FROM api_keys WHERE `+where+` AND id = ?`, append(args, id)...))
}

// RenameKey changes a key's name.
func (s *Service) RenameKey(ctx context.Context, sc Scope, id, name string) (APIKey, error) {
	name = strings.TrimSpace(name)
	if name == "" || len(name) > 255 {
		return APIKey{}, apperr.Field("name", "must be 1 to 255 characters")
	}
	var k APIKey
	e := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "api_key.update", EntityType: "api_key", EntityID: id}
	err := audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		var err error
		if k, err = s.Key(ctx, q, sc, id); err != nil {
			return err
		}
		e.Details = map[string]any{"name": map[string]any{"from": k.Name, "to": name}}
		k.Name, k.UpdatedAt = name, s.now()
		_, err = q.Exec(ctx, `UPDATE api_keys SET name = ?, updated_at = ? WHERE org_id = ? AND id = ?`, name, k.UpdatedAt, sc.OrgID, id)
		return err
	})
	return k, err
}

// RevokeKey deactivates a key for good.
func (s *Service) RevokeKey(ctx context.Context, sc Scope, id string) error {
	e := audit.Entry{OrgID: sc.OrgID, UserID: sc.UserID, Action: "api_key.revoke", EntityType: "api_key", EntityID: id}
	return audit.Do(ctx, s.db, e, func(q db.Querier, e *audit.Entry) error {
		k, err := s.Key(ctx, q, sc, id)
		if err != nil {
			return err
		}
		if !k.IsActive {
			return apperr.New(apperr.Conflict, "already_revoked", "API key is already revoked")
		}
		e.Details = map[string]any{"name": k.Name, "prefix": k.Prefix, "owner_user_id": k.UserID}
		_, err = q.Exec(ctx, `UPDATE api_keys SET is_active = ?, updated_at = ? WHERE org_id = ? AND id = ?`, false, s.now(), sc.OrgID, id)
		return err
	})
}
