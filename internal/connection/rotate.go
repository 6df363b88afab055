package connection

import (
	"context"

	"github.com/curatore/curatore/internal/db"
	"github.com/curatore/curatore/internal/secret"
)

// SealedSecrets is where connection secrets are sealed: bound to the
// connection's organization and id.
var SealedSecrets = secret.Column{Kind: "connection", Table: "connections", Sealed: "secrets", KeyID: "secrets_key_id",
	AAD:    func(orgID, id string) []byte { return aad(Connection{ID: id, OrgID: orgID}) },
	Action: "connection.secrets_rotate", EntityType: "connection"}

// RotateSecrets re-seals, under the keyring's current key, every
// connection secret sealed under another key (see secret.Rotate): each in
// its own transaction with an audit row, only if the row still holds what
// was read.
func RotateSecrets(ctx context.Context, d *db.DB, keys *secret.Keyring) (secret.Rotated, error) {
	return secret.Rotate(ctx, d, keys, SealedSecrets)
}
