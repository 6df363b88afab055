package connection

import (
	"fmt"
	"math"
	"net/url"
	"slices"
	"strings"

	"github.com/curatore/curatore/internal/apperr"
)

// Kind is a field's JSON type.
type Kind string

// The kinds a field can have.
const (
	String  Kind = "string"
	Integer Kind = "integer"
	Number  Kind = "number"
	Boolean Kind = "boolean"
)

// Field describes one configuration field; a type's fields are its schema.
type Field struct {
	Name        string
	Title       string
	Description string
	Kind        Kind
	Required    bool
	Secret      bool // sealed at rest, masked in responses (writeOnly)
	Default     any
	Format      string // "uri": an http(s) URL
	Enum        []string
	Min, Max    *float64
	MaxLength   int // 0 means DefaultMaxLength
}

// DefaultMaxLength bounds a string field that names no MaxLength (URLs,
// scopes), so a configuration stays small.
const DefaultMaxLength = 2048

// maxLength is the longest value f accepts.
func (f Field) maxLength() int {
	if f.MaxLength > 0 {
		return f.MaxLength
	}
	return DefaultMaxLength
}

func rng(lo, hi float64) (*float64, *float64) { return &lo, &hi }

// Schema renders fields as a JSON Schema (draft 2020-12) object.
func Schema(fields []Field) map[string]any {
	props := map[string]any{}
	required := []string{}
	for _, f := range fields {
		p := map[string]any{"type": string(f.Kind), "title": f.Title}
		if f.Description != "" {
			p["description"] = f.Description
		}
		if f.Default != nil {
			p["default"] = f.Default
		}
		if f.Format != "" {
			p["format"] = f.Format
		}
		if len(f.Enum) > 0 {
			p["enum"] = f.Enum
		}
		if f.Min != nil {
			p["minimum"] = *f.Min
		}
		if f.Max != nil {
			p["maximum"] = *f.Max
		}
		if f.Kind == String {
			p["maxLength"] = f.maxLength()
		}
		if f.Secret {
			p["writeOnly"] = true
			p["x-secret"] = true
		}
		props[f.Name] = p
		if f.Required {
			required = append(required, f.Name)
		}
	}
	return map[string]any{"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
		"properties": props, "required": required, "additionalProperties": false}
}

// Values is a validated configuration: every field present in the input
// or defaulted, with its JSON type (integers as int64).
type Values map[string]any

// String returns a string field ("" when absent).
func (v Values) String(name string) string { s, _ := v[name].(string); return s }

// Int returns an integer field (0 when absent).
func (v Values) Int(name string) int64 { n, _ := v[name].(int64); return n }

// Float returns a number field and whether it is set.
func (v Values) Float(name string) (float64, bool) {
	switch n := v[name].(type) {
	case float64:
		return n, true
	case int64:
		return float64(n), true
	}
	return 0, false
}

// Bool returns a boolean field (false when absent).
func (v Values) Bool(name string) bool { b, _ := v[name].(bool); return b }

// validate checks in against fields: kinds, required, enums, ranges,
// formats; fills defaults; refuses unknown keys. Field errors are named
// "config.<field>".
func validate(fields []Field, in map[string]any) (Values, apperr.Fields) {
	var errs apperr.Fields
	out := Values{}
	known := map[string]bool{}
	for _, f := range fields {
		known[f.Name] = true
		raw, present := in[f.Name]
		if s, isStr := raw.(string); present && isStr && strings.TrimSpace(s) == "" && f.Kind == String {
			present = false // an empty string is an unset field
		}
		if !present || raw == nil {
			if f.Default != nil {
				out[f.Name] = normalizeDefault(f.Default)
			} else if f.Required {
				errs.Add("config."+f.Name, "is required")
			}
			continue
		}
		val, reason := check(f, raw)
		if reason != "" {
			errs.Add("config."+f.Name, reason)
			continue
		}
		out[f.Name] = val
	}
	for k := range in {
		if !known[k] {
			errs.Add("config."+k, "is not a field of this connection type")
		}
	}
	return out, errs
}

func normalizeDefault(v any) any {
	if n, ok := v.(int); ok {
		return int64(n)
	}
	return v
}

// check validates one present value and returns it normalized, or a reason.
func check(f Field, raw any) (any, string) {
	switch f.Kind {
	case String:
		s, ok := raw.(string)
		if !ok {
			return nil, "must be a string"
		}
		s = strings.TrimSpace(s)
		if len(s) > f.maxLength() {
			return nil, fmt.Sprintf("must be at most %d characters", f.maxLength())
		}
		if len(f.Enum) > 0 && !slices.Contains(f.Enum, s) {
			return nil, "must be one of " + strings.Join(f.Enum, ", ")
		}
		if f.Format == "uri" {
			return checkURI(s)
		}
		return s, ""
	case Boolean:
		b, ok := raw.(bool)
		if !ok {
			return nil, "must be true or false"
		}
		return b, ""
	case Integer, Number:
		return checkNumber(f, raw)
	}
	return nil, "has an unknown type"
}

// checkURI accepts an http(s) URL without credentials: a user name or
// password in a URL would be shown and audited like any public field, so
// secrets go in the type's secret fields.
func checkURI(s string) (any, string) {
	u, err := url.Parse(s)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, "must be an http(s) URL"
	}
	if u.User != nil {
		return nil, "must not contain a user name or password (use the secret fields)"
	}
	return strings.TrimRight(s, "/"), ""
}

func checkNumber(f Field, raw any) (any, string) {
	n, ok := raw.(float64)
	if !ok {
		if i, isInt := raw.(int64); isInt {
			n, ok = float64(i), true
		} else if i, isInt := raw.(int); isInt {
			n, ok = float64(i), true
		}
	}
	if !ok || math.IsNaN(n) || math.IsInf(n, 0) {
		return nil, "must be a number"
	}
	if f.Kind == Integer && n != math.Trunc(n) {
		return nil, "must be a whole number"
	}
	if (f.Min != nil && n < *f.Min) || (f.Max != nil && n > *f.Max) {
		return nil, fmt.Sprintf("must be between %g and %g", deref(f.Min, math.Inf(-1)), deref(f.Max, math.Inf(1)))
	}
	if f.Kind == Integer {
		return int64(n), ""
	}
	return n, ""
}

func deref(p *float64, def float64) float64 {
	if p == nil {
		return def
	}
	return *p
}
