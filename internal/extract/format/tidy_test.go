package format

import (
	"strings"
	"testing"
)

func TestTidyMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# T  \n\n\n\ntext\n", "# T\n\ntext\n"},
		{"a\n```go\nx := 1\n\n\n\ny  \n```\n\n\nb", "a\n\n```go\nx := 1\n\n\n\ny  \n```\n\nb\n"},
		{"```\nunclosed\n\n\n", "```\nunclosed\n"},
		{"<pre>\n```\n\n  \n/* code */\n\n  x\n\n```\nafter", "<pre>\n\n```\n/* code */\n\n  x\n```\n\nafter\n"},
	}
	for _, tt := range tests {
		if got := TidyMarkdown(tt.in); got != tt.want {
			t.Errorf("TidyMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestTidyMappedKeepsPageStarts(t *testing.T) {
	raw := "\n\n# One  \n\n\n\ntext one\n\n\n## Two\nline   \n\n\n\n- item\n"
	starts := []int{0, strings.Index(raw, "\n\n\n## Two"), strings.Index(raw, "- item"), len(raw)}
	out, mapped := TidyMapped(raw, starts)
	if out != Tidy(raw) {
		t.Fatalf("TidyMapped text %q differs from Tidy %q", out, Tidy(raw))
	}
	want := []string{"# One", "## Two", "- item", ""}
	for i, m := range mapped {
		if got := out[m:]; !strings.HasPrefix(got, want[i]) || (want[i] == "" && m != len(out)) {
			t.Errorf("offset %d maps to %d (%q), want the start of %q", starts[i], m, got, want[i])
		}
	}
}

func TestTextChars(t *testing.T) {
	if n := TextChars(" a b\tc\n é "); n != 4 {
		t.Errorf("TextChars = %d, want 4", n)
	}
}
