package format

import "testing"

func TestTidyMarkdown(t *testing.T) {
	tests := []struct{ in, want string }{
		{"# T  \n\n\n\ntext\n", "# T\n\ntext\n"},
		{"a\n```go\nx := 1\n\n\n\ny  \n```\n\n\nb", "a\n\n```go\nx := 1\n\n\n\ny  \n```\n\nb\n"},
		{"```\nunclosed\n\n\n", "```\nunclosed\n"},
	}
	for _, tt := range tests {
		if got := TidyMarkdown(tt.in); got != tt.want {
			t.Errorf("TidyMarkdown(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}
