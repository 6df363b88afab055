package org

import (
	"reflect"
	"testing"
)

func TestMergeSettings(t *testing.T) {
	stored := map[string]any{
		"quality_thresholds": map[string]any{"conversion": 70.0, "clarity": 7.0},
		"auto_optimize":      true,
		"obsolete":           "x",
	}
	patch := map[string]any{
		"quality_thresholds": map[string]any{"clarity": 8.0, "relevance": nil},
		"obsolete":           nil,
		"new":                map[string]any{"a": 1.0, "gone": nil},
	}
	got := MergeSettings(stored, patch)
	want := map[string]any{
		"quality_thresholds": map[string]any{"conversion": 70.0, "clarity": 8.0},
		"auto_optimize":      true,
		"new":                map[string]any{"a": 1.0},
	}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("got %v\nwant %v", got, want)
	}
	if _, ok := stored["new"]; ok || stored["obsolete"] != "x" {
		t.Fatal("MergeSettings modified its input")
	}
}

func TestSlugs(t *testing.T) {
	for in, want := range map[string]string{"Acme Corp.": "acme-corp", "  Über  Data 42 ": "ber-data-42", "--x--": "x"} {
		if got := Slugify(in); got != want {
			t.Errorf("Slugify(%q) = %q, want %q", in, got, want)
		}
	}
	for slug, ok := range map[string]bool{"acme": true, "a-b-9": true, "a": false, "-a": false, "a--b": false, "A": false, "a_b": false} {
		if (ValidSlug(slug) == "") != ok {
			t.Errorf("ValidSlug(%q) = %q", slug, ValidSlug(slug))
		}
	}
}
