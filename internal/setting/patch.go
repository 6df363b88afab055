package setting

import (
	"maps"
	"slices"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
)

// Change is one setting a patch sets (Value) or removes (Remove).
type Change struct {
	Key    string
	Value  any
	Remove bool
}

// ParsePatch reads a settings patch for layer l. The patch is nested as the
// settings are shown ({"quality_thresholds": {"clarity": 8}}); dotted keys
// ({"quality_thresholds.clarity": 8}) work too. A null removes a setting, or
// every setting of a group ({"quality_thresholds": null}); a null also
// removes a key that is not a setting (stored before writes were checked).
// Unknown keys with a value,
// settings l may not set, and invalid values are refused with one field
// error each, named by the setting's key.
func ParsePatch(l Layer, patch map[string]any) ([]Change, error) {
	var f apperr.Fields
	var out []Change
	var walk func(prefix string, m map[string]any)
	walk = func(prefix string, m map[string]any) {
		for _, k := range slices.Sorted(maps.Keys(m)) {
			key, v := join(prefix, k), m[k]
			d, known := Lookup(key)
			switch {
			case known:
				out = appendChange(&f, out, l, d, v)
			case v == nil && isGroup(key):
				for _, d := range catalogue {
					if strings.HasPrefix(d.Key, key+".") && d.Settable(l) {
						out = append(out, Change{Key: d.Key, Remove: true})
					}
				}
			case isGroup(key):
				sub, ok := v.(map[string]any)
				if !ok {
					f.Add(key, "must be an object of settings")
					continue
				}
				walk(key, sub)
			case isObject(v):
				walk(key, v.(map[string]any)) // may hold nulls removing old keys
			case v == nil:
				// Not a setting (a value stored before the catalogue checked
				// writes): removing it is allowed, setting it is not.
				out = append(out, Change{Key: key, Remove: true})
			default:
				f.Add(key, "is not a known setting")
			}
		}
	}
	walk("", patch)
	if err := f.Err(); err != nil {
		return nil, err
	}
	return out, nil
}

func isObject(v any) bool {
	_, ok := v.(map[string]any)
	return ok
}

func appendChange(f *apperr.Fields, out []Change, l Layer, d Def, v any) []Change {
	if !d.Settable(l) {
		f.Add(d.Key, "cannot be set at the "+string(l)+" level")
		return out
	}
	if v == nil {
		return append(out, Change{Key: d.Key, Remove: true})
	}
	c, reason := d.Check(v)
	if reason != "" {
		f.Add(d.Key, reason)
		return out
	}
	return append(out, Change{Key: d.Key, Value: c})
}

func join(prefix, k string) string {
	if prefix == "" {
		return k
	}
	return prefix + "." + k
}

// Flatten returns the catalogue settings found in a nested settings map,
// keyed by dotted key, in their canonical types. Unknown keys and values
// that no longer fit their setting are left out.
func Flatten(nested map[string]any) map[string]any {
	out := map[string]any{}
	for _, d := range catalogue {
		v, ok := getPath(nested, d.Key)
		if !ok {
			continue
		}
		if c, ok := d.canonical(v); ok {
			out[d.Key] = c
		}
	}
	return out
}

// getPath finds a dotted key in a nested map (or stored flat under the
// dotted key itself).
func getPath(m map[string]any, key string) (any, bool) {
	if v, ok := m[key]; ok {
		return v, true
	}
	head, rest, found := strings.Cut(key, ".")
	if !found {
		return nil, false
	}
	sub, ok := m[head].(map[string]any)
	if !ok {
		return nil, false
	}
	return getPath(sub, rest)
}

// setPath stores v under a dotted key in a nested map, creating groups.
func setPath(m map[string]any, key string, v any) {
	delete(m, key) // a flat copy of the key would shadow the nested one
	head, rest, found := strings.Cut(key, ".")
	if !found {
		m[key] = v
		return
	}
	sub, ok := m[head].(map[string]any)
	if !ok {
		sub = map[string]any{}
		m[head] = sub
	}
	setPath(sub, rest, v)
}

// deletePath removes a dotted key from a nested map, and groups left empty.
func deletePath(m map[string]any, key string) {
	delete(m, key)
	head, rest, found := strings.Cut(key, ".")
	if !found {
		return
	}
	sub, ok := m[head].(map[string]any)
	if !ok {
		return
	}
	deletePath(sub, rest)
	if len(sub) == 0 {
		delete(m, head)
	}
}

// nest turns flat dotted settings into the nested shape the API shows.
func nest(flat map[string]any) map[string]any {
	out := map[string]any{}
	for k, v := range flat {
		setPath(out, k, v)
	}
	return out
}

// deepCopy copies a nested settings map so a change never aliases the
// stored one.
func deepCopy(m map[string]any) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		if sub, ok := v.(map[string]any); ok {
			v = deepCopy(sub)
		}
		out[k] = v
	}
	return out
}
