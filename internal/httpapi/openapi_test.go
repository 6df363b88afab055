package httpapi

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"
)

// TestSchemaNullAndRequired checks how struct fields become schema
// properties: a pointer is optional and, without omitempty, may be null; a
// field with omitempty is optional; any other field is required.
func TestSchemaNullAndRequired(t *testing.T) {
	type inner struct {
		N int `json:"n"`
	}
	type sample struct {
		Plain    string     `json:"plain"`
		Optional string     `json:"optional,omitempty"`
		MaybeStr *string    `json:"maybe_str"`
		MaybeAt  *time.Time `json:"maybe_at"`
		MaybeObj *inner     `json:"maybe_obj"`
		OmitPtr  *int       `json:"omit_ptr,omitempty"`
	}
	g := &schemaGen{defs: map[string]any{}}
	got := g.object(reflect.TypeOf(sample{}))
	b, _ := json.Marshal(got)
	var m map[string]any
	json.Unmarshal(b, &m)
	props := m["properties"].(map[string]any)
	want := map[string]string{
		"plain":     `{"type":"string"}`,
		"optional":  `{"type":"string"}`,
		"maybe_str": `{"type":["string","null"]}`,
		"maybe_at":  `{"format":"date-time","type":["string","null"]}`,
		"maybe_obj": `{"anyOf":[{"$ref":"#/components/schemas/inner"},{"type":"null"}]}`,
		"omit_ptr":  `{"type":"integer"}`,
	}
	for name, w := range want {
		if g, _ := json.Marshal(props[name]); string(g) != w {
			t.Errorf("%s: %s, want %s", name, g, w)
		}
	}
	req, _ := json.Marshal(m["required"])
	if string(req) != `["plain"]` {
		t.Errorf("required %s", req)
	}
}
