package office

import (
	"context"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// TestPageMap checks that slides and sheets are in the page map with the
// characters of their text runs or cells, that each start is where that
// slide's marker or sheet's heading is in the final Markdown, and that
// progress counts them.
func TestPageMap(t *testing.T) {
	tests := []struct {
		file  string
		heads []string // what each page's Markdown starts with
	}{
		{"docling_powerpoint_sample.pptx", []string{"<!-- slide 1 -->", "<!-- slide 2 -->", "<!-- slide 3 -->"}},
		{"docling_xlsx_01.xlsx", []string{"## Sheet1", "## Sheet2", "## Sheet3"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var calls [][2]int
			out, err := Convert(context.Background(), readSample(t, tt.file), tt.file[strings.LastIndex(tt.file, "."):],
				format.Options{Progress: func(d, n int) { calls = append(calls, [2]int{d, n}) }})
			if err != nil {
				t.Fatal(err)
			}
			if len(out.Pages) != len(tt.heads) || len(out.Pages) != out.PageCount {
				t.Fatalf("pages %+v (PageCount %d), want %d", out.Pages, out.PageCount, len(tt.heads))
			}
			for i, p := range out.Pages {
				if p.Number != i+1 || p.Chars <= 0 || !strings.HasPrefix(out.Markdown[p.Start:], tt.heads[i]) {
					t.Errorf("page %d: %+v starts at %q", i+1, p, out.Markdown[p.Start:min(len(out.Markdown), p.Start+25)])
				}
			}
			if n := len(calls); n < len(tt.heads) || calls[n-1][0] != calls[n-1][1] {
				t.Errorf("progress %v", calls)
			}
		})
	}
}

// TestSourceChars checks that a DOCX reports the size of its text runs and
// that it is close to what the Markdown shows.
func TestSourceChars(t *testing.T) {
	out := convertOK(t, readSample(t, "docling_word_sample.docx"), ".docx")
	shown := format.TextChars(out.Markdown)
	if out.SourceChars <= 0 || out.SourceChars > shown || out.SourceChars < shown/2 {
		t.Errorf("SourceChars %d for %d characters of Markdown", out.SourceChars, shown)
	}
}

// TestDeclared checks the structure counted from the source's markup.
func TestDeclared(t *testing.T) {
	for _, tt := range []struct {
		file string
		want format.Structure
	}{
		{"docling_unit_test_headers.docx", format.Structure{Headings: 8}},
		{"docling_word_sample.docx", format.Structure{Headings: 3, ListItems: 9, Tables: 1}},
		{"docling_word_tables.docx", format.Structure{Headings: 1, Tables: 7}},
		{"docling_powerpoint_sample.pptx", format.Structure{Headings: 2, Tables: 1}},
	} {
		out := convertOK(t, readSample(t, tt.file), tt.file[strings.LastIndex(tt.file, "."):])
		if out.Declared == nil || *out.Declared != tt.want {
			t.Errorf("%s: declared %+v, want %+v", tt.file, out.Declared, tt.want)
		}
	}
}
