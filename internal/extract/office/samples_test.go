package office

import (
	"path/filepath"
	"strings"
	"testing"
)

// TestSamples checks the structure of real documents' output: headings,
// list nesting, table rows with merged cells, notes, sheets.
func TestSamples(t *testing.T) {
	tests := []struct {
		file  string
		wants []string
	}{
		{"docling_Strict.docx", []string{"Some text"}},
		{"docling_unit_test_headers.docx", []string{"# Test Document\n", "## Section 1\n", "### Section 1.1\n", "#### Section 1.2.3\n"}},
		{"docling_docx_lists.docx", []string{"- List item 1\n- List item 2\n    - List item 1.1\n",
			"1. List item a\n2. List item b\n", "        - List item 1.1.1\n", "- *First item*"}},
		{"docling_word_tables.docx", []string{
			"| Cell 1.0 | Merged Cell 1.1 1.2 | Merged Cell 1.1 1.2 |",
			"| Cell 2.0 | Merged Cell 1.1 2.1 | Cell 2.2 |",
			"|  | Cell 1.1 |"}},
		{"docling_word_sample.docx", []string{"# Swimming in the lake", "<!-- image -->",
			"| Leaves | Ash, Elm, Maple | 50 |", "1. Wear sunglasses\n2. Don’t forget to drink water"}},
		{"docling_equations.docx", []string{`$A=\pi r^{2}$`, `\frac{`}},
		{"docling_powerpoint_sample.pptx", []string{"# Test Table Slide\n", "# Second slide title\n",
			"| R1 | True | False |  | False | True | True |", "- With foo\n- Bar\n", "1. List item4\n2. List item5",
			"## Notes\n\nSome notes on the second slide."}},
		{"docling_powerpoint_with_image.pptx", []string{"# Docling\n", "<!-- image -->"}},
		{"docling_xlsx_01.xlsx", []string{"## Sheet1\n", "| first | second | third |", "| 5 | 1 | -3 |",
			"## Sheet3\n", "| first | header | header |\n|---|---|---|\n| first | second | third |"}},
		{"docling_xlsx_09_section_label_header.xlsx", []string{"Reading List\n\n| # | Genre |"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out := convertOK(t, readSample(t, tt.file), filepath.Ext(tt.file))
			mustContain(t, out.Markdown, tt.wants...)
			if out.Method != "ooxml" {
				t.Errorf("Method = %q", out.Method)
			}
		})
	}
}

// TestSamplesAll converts every sample and checks generic invariants.
func TestSamplesAll(t *testing.T) {
	for _, ext := range []string{".docx", ".pptx", ".xlsx"} {
		for _, name := range samples(t, ext) {
			data := readSample(t, name)
			out := convertOK(t, data, ext)
			if strings.Contains(out.Markdown, "\n\n\n") || !strings.HasSuffix(out.Markdown, "\n") {
				t.Errorf("%s: output not tidy", name)
			}
			if got := Sniff(data); got != ext {
				t.Errorf("Sniff(%s) = %q, want %q", name, got, ext)
			}
		}
	}
}

// TestPageCount checks slides and sheets are counted.
func TestPageCount(t *testing.T) {
	tests := []struct {
		file string
		want int
	}{
		{"docling_powerpoint_sample.pptx", 3},
		{"docling_xlsx_01.xlsx", 3}, // the hidden fourth sheet is skipped
	}
	for _, tt := range tests {
		if got := convertOK(t, readSample(t, tt.file), filepath.Ext(tt.file)).PageCount; got != tt.want {
			t.Errorf("%s: PageCount = %d, want %d", tt.file, got, tt.want)
		}
	}
}
