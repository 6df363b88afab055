package connection

import (
	"context"
	"fmt"

	"github.com/curatore/curatore/internal/audit"
	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/secret"
)

// RotateSecrets re-seals, under the keyring's current key, every
// connection secret sealed under another key, each in its own transaction
// with an audit row. It returns how many were re-sealed; a secret that no
// configured key opens stops the rotation with an error naming its key id.
func RotateSecrets(ctx context.Context, d *db.DB, keys *secret.Keyring) (int, error) {
	type stale struct{ id, orgID, blob, keyID string }
	rows, err := d.Query(ctx, `SELECT id, org_id, secrets, COALESCE(secrets_key_id, '') FROM connections
		WHERE secrets IS NOT NULL AND (secrets_key_id IS NULL OR secrets_key_id <> ?) ORDER BY id`, keys.CurrentID())
	if err != nil {
		return 0, err
	}
	var todo []stale
	for rows.Next() {
		var s stale
		if err := rows.Scan(&s.id, &s.orgID, &s.blob, &s.keyID); err != nil {
			rows.Close()
			return 0, err
		}
		todo = append(todo, s)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return 0, err
	}
	for i, s := range todo {
		c := Connection{ID: s.id, OrgID: s.orgID}
		plain, err := keys.Open(s.keyID, s.blob, aad(c))
		if err != nil {
			return i, fmt.Errorf("connection %s: %w", s.id, err)
		}
		newID, blob, err := keys.Seal(plain, aad(c))
		if err != nil {
			return i, err
		}
		entry := audit.Entry{OrgID: s.orgID, Action: "connection.secrets_rotate", EntityType: "connection", EntityID: s.id,
			Details: map[string]any{"from_key_id": s.keyID, "to_key_id": newID}}
		err = audit.Do(ctx, d, entry, func(q db.Querier, _ *audit.Entry) error {
			_, err := q.Exec(ctx, `UPDATE connections SET secrets = ?, secrets_key_id = ? WHERE org_id = ? AND id = ? AND secrets_key_id = ?`,
				blob, newID, s.orgID, s.id, s.keyID)
			return err
		})
		if err != nil {
			return i, err
		}
	}
	return len(todo), nil
}
