package setting

import "strings"

// Schema returns the catalogue as a JSON Schema (draft 2020-12) in the
// nested shape the settings endpoints accept, for building forms. Each
// property carries its default, range or enum, and the extensions x-key
// (dotted key), x-env (overriding variable), x-layers (who may set it),
// x-public (readable by non-admins) and x-unit.
func Schema() map[string]any {
	root := objectSchema()
	root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
	root["title"] = "Curatore settings"
	for _, d := range catalogue {
		parent := root
		parts := strings.Split(d.Key, ".")
		for _, p := range parts[:len(parts)-1] {
			props := parent["properties"].(map[string]any)
			child, ok := props[p].(map[string]any)
			if !ok {
				child = objectSchema()
				props[p] = child
			}
			parent = child
		}
		parent["properties"].(map[string]any)[parts[len(parts)-1]] = propertySchema(d)
	}
	return root
}

func objectSchema() map[string]any {
	return map[string]any{"type": "object", "additionalProperties": false, "properties": map[string]any{}}
}

func propertySchema(d Def) map[string]any {
	layers := make([]string, len(d.Layers))
	for i, l := range d.Layers {
		layers[i] = string(l)
	}
	p := map[string]any{
		"type": string(d.Kind), "description": d.Description, "default": d.Default,
		"x-key": d.Key, "x-layers": layers, "x-public": d.Public,
	}
	if d.Bounded || d.AtLeast {
		p["minimum"] = d.Min
	}
	if d.Bounded {
		p["maximum"] = d.Max
	}
	if len(d.Enum) > 0 {
		p["enum"] = d.Enum
	}
	if d.Pattern == "ocr_languages" {
		p["pattern"] = ocrLanguages.String()
	}
	if d.Env != "" {
		p["x-env"] = d.Env
	}
	if d.Unit != "" {
		p["x-unit"] = d.Unit
	}
	return p
}
