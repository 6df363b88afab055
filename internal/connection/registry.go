package connection

import (
	"context"

	"github.com/curatore/curatore/internal/apperr"
	"github.com/curatore/curatore/internal/netguard"
)

// Type is one kind of connection.
type Type interface {
	// Name is the connection_type value, e.g. "llm".
	Name() string
	DisplayName() string
	Description() string
	// Fields are the configuration fields; Schema renders them.
	Fields() []Field
	// Example is a valid configuration to show in the UI.
	Example() map[string]any
	// Check validates what the schema cannot (field combinations).
	Check(v Values) apperr.Fields
	// Test reaches the endpoint and reports what it found. It never
	// returns secrets in its messages.
	Test(ctx context.Context, env TestEnv, v Values) TestResult
}

// TestEnv is what a test needs from the server.
type TestEnv struct {
	Guard netguard.Policy
}

// registry lists the built-in types. A new type is one file implementing
// Type and one line here.
var registry = []Type{
	LLM{},
	SharePoint{},
	Extraction{},
}

// Types returns every registered type, in registration order.
func Types() []Type { return registry }

// Lookup returns the type named name.
func Lookup(name string) (Type, bool) {
	for _, t := range registry {
		if t.Name() == name {
			return t, true
		}
	}
	return nil, false
}

// secretFields lists the secret field names of t.
func secretFields(t Type) []string {
	var out []string
	for _, f := range t.Fields() {
		if f.Secret {
			out = append(out, f.Name)
		}
	}
	return out
}
