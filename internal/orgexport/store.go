package orgexport

import (
	"context"
	"encoding/json"
	"reflect"
	"sort"

	"github.com/curatore/curatore/internal/auth"
)

// ConnectionData is a connection with its secrets in the clear (only
// inside the process).
type ConnectionData struct {
	Connection
	Secrets map[string]string
}

// ConnectionStore is what export and import need from the connections
// package.
type ConnectionStore interface {
	// Export lists the organization's connections with their secrets.
	Export(ctx context.Context, orgID string) ([]ConnectionData, error)
	// Existing lists the organization's connections (secrets not needed).
	Existing(ctx context.Context, orgID string) ([]ConnectionData, error)
	// Create adds a connection (validated, secrets sealed, audited).
	Create(ctx context.Context, sc auth.Scope, c ConnectionData) error
}

func sortStrings(s []string) { sort.Strings(s) }

// sameConfig reports whether an existing connection already has every
// configuration value the import gives (values the service filled in with
// defaults are not compared) and, when the import carries secrets, the same
// secrets.
func sameConfig(cur ConnectionData, in Connection, secrets map[string]string) bool {
	for k, v := range in.Config {
		if !sameJSON(cur.Config[k], v) {
			return false
		}
	}
	for k, v := range secrets {
		if cur.Secrets[k] != v {
			return false
		}
	}
	return true
}

// sameJSON compares two values as JSON (numbers decoded alike).
func sameJSON(a, b any) bool {
	x, err1 := json.Marshal(a)
	y, err2 := json.Marshal(b)
	if err1 != nil || err2 != nil {
		return false
	}
	var u, v any
	json.Unmarshal(x, &u)
	json.Unmarshal(y, &v)
	return reflect.DeepEqual(u, v)
}
