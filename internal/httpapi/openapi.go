package httpapi

import (
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// openAPI builds the OpenAPI 3.1 document from the route table, with JSON
// Schemas reflected from the request and response types.
func (s *Server) openAPI() map[string]any {
	g := &schemaGen{defs: map[string]any{}}
	paths := map[string]map[string]any{}
	for _, rt := range s.routes {
		if !strings.HasPrefix(rt.Path, "/api/") && rt.Path != "/healthz" && rt.Path != "/readyz" && rt.Path != "/metrics" {
			continue
		}
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = g.operation(rt)
	}
	g.defs["Problem"] = g.schema(reflect.TypeOf(Problem{}))
	return map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Curatore API",
			"version":     s.deps.Version,
			"description": "Document curation for RAG: extraction, quality scoring, optimisation and export, for many organizations on one server.",
		},
		"paths": paths,
		"components": map[string]any{
			"schemas": g.defs,
			"securitySchemes": map[string]any{
				"bearer": map[string]any{"type": "http", "scheme": "bearer", "description": "A JWT access token, or an API key (cur_…)"},
				"apiKey": map[string]any{"type": "apiKey", "in": "header", "name": "X-API-Key"},
			},
		},
	}
}

var pathParam = regexp.MustCompile(`\{([a-zA-Z_]+)(\.\.\.)?\}`)

func (g *schemaGen) operation(rt Route) map[string]any {
	status := rt.Status
	if status == 0 {
		status = 200
	}
	op := map[string]any{
		"summary":     rt.Summary,
		"tags":        []string{rt.Tag},
		"operationId": operationID(rt),
		"x-access":    rt.Access.String(),
	}
	var params []any
	for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
		params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]any{"type": "string"}})
	}
	if len(params) > 0 {
		op["parameters"] = params
	}
	if rt.Body != nil {
		op["requestBody"] = map[string]any{"required": true, "content": map[string]any{
			"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Body))}}}
	}
	ok := map[string]any{"description": statusText(status)}
	if rt.Resp != nil {
		ok["content"] = map[string]any{"application/json": map[string]any{"schema": g.schema(reflect.TypeOf(rt.Resp))}}
	}
	problem := map[string]any{"description": "Error", "content": map[string]any{
		"application/problem+json": map[string]any{"schema": map[string]any{"$ref": "#/components/schemas/Problem"}}}}
	op["responses"] = map[string]any{strconv.Itoa(status): ok, "default": problem}
	if rt.Access != Public {
		op["security"] = []any{map[string]any{"bearer": []string{}}, map[string]any{"apiKey": []string{}}}
	}
	return op
}

func operationID(rt Route) string {
	p := pathParam.ReplaceAllString(strings.TrimPrefix(rt.Path, "/api/v1/"), "by_$1")
	p = strings.NewReplacer("/", "_", "-", "_").Replace(p)
	return strings.ToLower(rt.Method) + "_" + strings.Trim(p, "_")
}

func statusText(code int) string {
	switch code {
	case 200:
		return "OK"
	case 201:
		return "Created"
	case 204:
		return "No Content"
	}
	return strconv.Itoa(code)
}

// schemaGen reflects Go types into JSON Schemas; named structs become
// shared component schemas.
type schemaGen struct {
	defs map[string]any
}

var timeType = reflect.TypeOf(time.Time{})

func (g *schemaGen) schema(t reflect.Type) map[string]any {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	switch {
	case t == timeType:
		return map[string]any{"type": "string", "format": "date-time"}
	case t.Kind() == reflect.Struct:
		name := t.Name()
		if name == "" {
			return g.object(t)
		}
		if _, ok := g.defs[name]; !ok {
			g.defs[name] = map[string]any{} // placeholder breaks recursion
			g.defs[name] = g.object(t)
		}
		return map[string]any{"$ref": "#/components/schemas/" + name}
	case t.Kind() == reflect.Slice || t.Kind() == reflect.Array:
		if t.Elem().Kind() == reflect.Uint8 {
			return map[string]any{"type": "string", "contentEncoding": "base64"}
		}
		return map[string]any{"type": "array", "items": g.schema(t.Elem())}
	case t.Kind() == reflect.Map:
		return map[string]any{"type": "object", "additionalProperties": g.schema(t.Elem())}
	case t.Kind() == reflect.Interface:
		return map[string]any{}
	}
	return map[string]any{"type": jsonType(t.Kind())}
}

func (g *schemaGen) object(t reflect.Type) map[string]any {
	props := map[string]any{}
	var required []string
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		if !f.IsExported() {
			continue
		}
		name, opts, _ := strings.Cut(f.Tag.Get("json"), ",")
		if name == "-" {
			continue
		}
		if name == "" {
			name = f.Name
		}
		// A pointer is optional in a request and may be null in both
		// directions (without omitempty a response sends nil as null).
		s := g.schema(f.Type)
		omitted, ptr := strings.Contains(opts, "omitempty"), f.Type.Kind() == reflect.Pointer
		if ptr && !omitted {
			s = nullable(s)
		}
		if d := f.Tag.Get("doc"); d != "" {
			s = map[string]any{"allOf": []any{s}, "description": d}
		}
		props[name] = s
		if !omitted && !ptr {
			required = append(required, name)
		}
	}
	sort.Strings(required)
	out := map[string]any{"type": "object", "properties": props}
	if len(required) > 0 {
		out["required"] = required
	}
	return out
}

// nullable lets a schema also match null.
func nullable(s map[string]any) map[string]any {
	if t, ok := s["type"].(string); ok {
		out := map[string]any{}
		for k, v := range s {
			out[k] = v
		}
		out["type"] = []any{t, "null"}
		return out
	}
	return map[string]any{"anyOf": []any{s, map[string]any{"type": "null"}}}
}

func jsonType(k reflect.Kind) string {
	switch k {
	case reflect.Bool:
		return "boolean"
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return "integer"
	case reflect.Float32, reflect.Float64:
		return "number"
	}
	return "string"
}
