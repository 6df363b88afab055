package webhook

import "github.com/curatore/curatore/internal/secret"

// SealedSecrets is where signing secrets are sealed, bound to the
// endpoint's organization and id: `curatore secrets rotate` re-seals them
// under the current key (secret.Rotate). The secrets themselves do not
// change, so receivers keep verifying with the one they have.
var SealedSecrets = secret.Column{Kind: "webhook", Table: "webhooks", Sealed: "secret_sealed", KeyID: "secret_key_id",
	AAD: aad, Action: "webhook.secrets_rotate", EntityType: "webhook"}
