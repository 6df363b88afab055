package connection

import (
	"encoding/json"
	"maps"
	"reflect"
)

// PublicConfig is the configuration as responses show it: every secret
// field masked (Masked when set, null when not) with "<field>_set" beside.
func PublicConfig(c Connection) map[string]any {
	out := maps.Clone(c.Config)
	if out == nil {
		out = map[string]any{}
	}
	t, ok := Lookup(c.Type)
	if !ok {
		return out
	}
	for _, n := range secretFields(t) {
		set := c.secrets[n] != ""
		out[n+"_set"] = set
		if set {
			out[n] = Masked
		} else {
			out[n] = nil
		}
	}
	return out
}

// equalJSON compares two configurations as JSON would.
func equalJSON(a, b map[string]any) bool {
	ja, _ := json.Marshal(a)
	jb, _ := json.Marshal(b)
	var x, y any
	_ = json.Unmarshal(ja, &x)
	_ = json.Unmarshal(jb, &y)
	return reflect.DeepEqual(x, y)
}
