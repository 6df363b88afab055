package connection

import (
	"strings"
	"testing"
)

func TestValidateFillsDefaultsAndNormalizes(t *testing.T) {
	v, errs := validate(LLM{}.Fields(), map[string]any{"model": " gpt ", "timeout": 30.0, "base_url": "http://h:1/v1/", "temperature": 1})
	if len(errs) != 0 {
		t.Fatal(errs)
	}
	if v.String("model") != "gpt" || v.Int("timeout") != 30 || v.String("base_url") != "http://h:1/v1" ||
		!v.Bool("verify_ssl") || v.Int("max_retries") != 3 || v.Int("context_window") != 8192 {
		t.Fatalf("values = %v", v)
	}
	if temp, ok := v.Float("temperature"); !ok || temp != 1 {
		t.Fatalf("temperature = %v", v["temperature"])
	}
	if _, set := v["max_output_tokens"]; set {
		t.Fatal("an optional field without default was filled")
	}
}

func TestValidateReportsEveryProblem(t *testing.T) {
	_, errs := validate(LLM{}.Fields(), map[string]any{"timeout": 1.5, "max_retries": 11, "verify_ssl": "no", "extra": 1})
	got := map[string]bool{}
	for _, e := range errs {
		got[e.Field] = true
	}
	for _, f := range []string{"config.model", "config.timeout", "config.max_retries", "config.verify_ssl", "config.extra"} {
		if !got[f] {
			t.Errorf("no error for %s in %v", f, errs)
		}
	}
}

// TestValidateRefusesCredentialsInURLsAndHugeStrings: a URL with a user
// name or password would be shown and audited as a public field, and a
// string field without its own limit is bounded all the same.
func TestValidateRefusesCredentialsInURLsAndHugeStrings(t *testing.T) {
	cases := map[string]map[string]any{
		"config.base_url": {"model": "m", "base_url": "https://user:sk-secret@gateway.example/v1"},
		"config.scope":    {"tenant_id": "t", "client_id": "c", "client_secret": "s", "scope": strings.Repeat("x", DefaultMaxLength+1)},
	}
	for field, in := range cases {
		fields := LLM{}.Fields()
		if _, ok := in["tenant_id"]; ok {
			fields = SharePoint{}.Fields()
		}
		_, errs := validate(fields, in)
		if len(errs) != 1 || errs[0].Field != field {
			t.Errorf("%s: errors = %v", field, errs)
		}
	}
	if _, errs := validate(LLM{}.Fields(), map[string]any{"model": "m", "base_url": "https://gateway.example/v1"}); len(errs) != 0 {
		t.Fatal(errs)
	}
}

func TestMergeConfigKeepsMaskedAndClearsNull(t *testing.T) {
	stored := map[string]string{"api_key": "sk-stored"}
	out := mergeConfig(LLM{}, map[string]any{"model": "m", "timeout": 60.0}, stored,
		map[string]any{"api_key": Masked, "api_key_set": true, "timeout": nil, "model": "n"})
	if out["api_key"] != "sk-stored" || out["model"] != "n" || out["timeout"] != nil || out["api_key_set"] != nil {
		t.Fatalf("merged = %v", out)
	}
	if out := mergeConfig(LLM{}, nil, stored, map[string]any{"api_key": nil}); out["api_key"] != nil {
		t.Fatalf("null did not clear: %v", out)
	}
	if out := mergeConfig(LLM{}, nil, stored, map[string]any{}); out["api_key"] != "sk-stored" {
		t.Fatalf("omitted did not keep: %v", out)
	}
}

func TestSchemaMarksSecretsWriteOnly(t *testing.T) {
	for _, typ := range Types() {
		s := Schema(typ.Fields())
		props := s["properties"].(map[string]any)
		for _, f := range typ.Fields() {
			p := props[f.Name].(map[string]any)
			if (p["writeOnly"] == true) != f.Secret {
				t.Errorf("%s.%s writeOnly = %v", typ.Name(), f.Name, p["writeOnly"])
			}
		}
		if _, errs := validate(typ.Fields(), typ.Example()); len(errs) != 0 {
			t.Errorf("%s example is invalid: %v", typ.Name(), errs)
		}
	}
}
