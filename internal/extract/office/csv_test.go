package office

import (
	"testing"
)

func TestCSV(t *testing.T) {
	tests := []struct {
		name string
		data string
		want string
	}{
		{"comma", "a,b\n1,2\n", "| a | b |\n|---|---|\n| 1 | 2 |\n"},
		{"semicolon with quotes", "a;b\n\"x;y\";2\n", "| a | b |\n|---|---|\n| x;y | 2 |\n"},
		{"tab", "a\tb\tc\n1\t2\t3\n", "| a | b | c |\n|---|---|---|\n| 1 | 2 | 3 |\n"},
		{"ragged and blank rows", "a,b,c\n1\n\n2,3\n", "| a | b | c |\n|---|---|---|\n| 1 |  |  |\n| 2 | 3 |  |\n"},
		{"utf-8 bom", "\xef\xbb\xbfa,b\n", "| a | b |\n|---|---|\n"},
		{"windows-1252", "caf\xe9,\x80\n", "| café | € |\n|---|---|\n"},
		{"utf-16le", "\xff\xfea\x00,\x00b\x00\n\x00", "| a | b |\n|---|---|\n"},
		{"pipes escaped", "a|b,c\n1,2\n", "| a\\|b | c |\n|---|---|\n| 1 | 2 |\n"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := convertOK(t, []byte(tt.data), ".csv").Markdown
			if got != tt.want {
				t.Errorf("got\n%q\nwant\n%q", got, tt.want)
			}
		})
	}
}
