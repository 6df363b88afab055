package sanitize

import (
	"testing"
	"unicode/utf8"
)

func TestStringAndTruncate(t *testing.T) {
	if got := String("a\x00b\xffc"); got != "ab\uFFFDc" {
		t.Errorf("String = %q", got)
	}
	// "é" is two bytes: cutting at 2 must not split it.
	if got := Truncate("aé", 2); got != "a" || !utf8.ValidString(got) {
		t.Errorf("Truncate = %q", got)
	}
	if got := Truncate("日本語", 7); got != "日本" {
		t.Errorf("Truncate = %q", got)
	}
}

func TestValueWalksStructsMapsAndSlices(t *testing.T) {
	name := "p\x00q"
	v := struct {
		A string
		B *string
		C map[string]any
		D []string
	}{A: "x\xfe", B: &name, C: map[string]any{"k\x00": "v\x00", "n": map[string]any{"z": []any{"\xff"}}}, D: []string{"\x00"}}
	Value(&v)
	if v.A != "x\uFFFD" || *v.B != "pq" || v.C["k"] != "v" || v.D[0] != "" {
		t.Fatalf("%+v", v)
	}
	if got := v.C["n"].(map[string]any)["z"].([]any)[0]; got != "\uFFFD" {
		t.Fatalf("nested %q", got)
	}
}
