package pdf

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

func convertFile(t *testing.T, path string, opts format.Options) (format.Output, error) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Skipf("fixture missing: %v", err)
	}
	return Convert(context.Background(), data, opts)
}

// TestSamples checks the structure of the sample corpus conversions:
// headings, tables, code, furniture removed, no broken words.
func TestSamples(t *testing.T) {
	tests := []struct {
		file    string
		want    []string // substrings of the Markdown
		notWant []string
	}{
		{"pdf/docling_2305.03393v1-pg9.pdf",
			[]string{"## 5.1 Hyper Parameter Optimization", "| # enc-layers | # dec-layers | Language |", "| 6 | 6 | OTSL HTML | 0.965 0.969 |", "difficult financial tables"},
			[]string{"Structure Recognition 9", "dif f icult"}},
		{"pdf/docling_multi_page.pdf",
			[]string{"The Evolution of the Word Processor\n", "## ", "- IBM MT/ST", "artificial intelligence"},
			[]string{"f or "}},
		{"pdf/docling_code_and_formula.pdf",
			[]string{"## JavaScript Code Example", "```\n", "function add(a, b)"}, nil},
		{"pdf/docling_text_document_01_odt.pdf",
			[]string{"# Title", "### Heading level 2: A", "1. numbered list 1", "- bullet list 2.1"}, nil},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out, err := convertFile(t, filepath.Join(corpusDir, tt.file), format.Options{})
			if err != nil {
				t.Fatal(err)
			}
			if out.Method != "text-layer" || out.OCRUsed || out.PageCount == 0 {
				t.Errorf("method %q, OCR %v, pages %d", out.Method, out.OCRUsed, out.PageCount)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.Markdown, w) {
					t.Errorf("Markdown lacks %q", w)
				}
			}
			for _, w := range tt.notWant {
				if strings.Contains(out.Markdown, w) {
					t.Errorf("Markdown contains %q", w)
				}
			}
		})
	}
}

func TestFixtures(t *testing.T) {
	tests := []struct {
		file string
		want []string
	}{
		{"testdata/table.pdf", []string{"## Table Report", "| Name | Colour | Shape | Count |\n|---|---|---|---|\n| alpha | red | round | 12 |", "| delta | yellow | oval | 42 |\n\nAfter the table"}},
		{"testdata/ruled.pdf", []string{"| Item | Qty | Unit | Site |", "| washers | 3 | box | east |"}},
		{"testdata/twocol.pdf", []string{"## Two Column Study", "A. Author", "### 1. Section Number 1", "### 2. Section Number 2"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			out, err := convertFile(t, tt.file, format.Options{})
			if err != nil {
				t.Fatal(err)
			}
			for _, w := range tt.want {
				if !strings.Contains(out.Markdown, w) {
					t.Errorf("Markdown lacks %q:\n%s", w, out.Markdown)
				}
			}
		})
	}
}

// TestColumnOrder checks that each section of the multi-column fixtures
// comes after the title and before the next: columns are read left to
// right.
func TestColumnOrder(t *testing.T) {
	tests := []struct {
		file, title, section string
		n                    int
	}{
		{"testdata/twocol.pdf", "## Two Column Study", "Section Number %d", 3},
		{"testdata/threecol.pdf", "## Three Column Notice", "Part number %d", 6},
	}
	for _, tt := range tests {
		out, err := convertFile(t, tt.file, format.Options{})
		if err != nil {
			t.Fatal(err)
		}
		last := strings.Index(out.Markdown, tt.title)
		if last < 0 {
			t.Fatalf("%s: title missing", tt.file)
		}
		for i := 1; i <= tt.n; i++ {
			at := strings.Index(out.Markdown, fmt.Sprintf(tt.section, i))
			if at <= last {
				t.Fatalf("%s: section %d at %d, after %d: columns out of order", tt.file, i, at, last)
			}
			last = at
		}
	}
}

func TestErrors(t *testing.T) {
	sample, err := os.ReadFile("testdata/table.pdf")
	if err != nil {
		t.Fatal(err)
	}
	encrypted, err := os.ReadFile("testdata/encrypted.pdf")
	if err != nil {
		t.Fatal(err)
	}
	tests := []struct {
		name string
		data []byte
		code format.Code
	}{
		{"empty input", nil, format.CodeCorrupt},
		{"not a PDF", []byte("hello, world"), format.CodeCorrupt},
		{"header only", []byte("%PDF-1.7\n"), format.CodeCorrupt},
		{"truncated", sample[:len(sample)/3], ""}, // PDFium may recover some text
		{"garbage body", append([]byte("%PDF-1.4\n"), bytes.Repeat([]byte{0xFF, 0x00, 0x7A}, 4000)...), format.CodeCorrupt},
		{"encrypted", encrypted, format.CodeEncrypted},
		{"blank page", minimalPDF(1, ""), format.CodeEmpty},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			_, err := Convert(context.Background(), tt.data, format.Options{})
			if tt.code == "" {
				if err != nil && format.CodeOf(err) == "" {
					t.Errorf("uncoded error %v", err)
				}
				return
			}
			if got := format.CodeOf(err); got != tt.code {
				t.Errorf("code %q (%v), want %q", got, err, tt.code)
			}
		})
	}
}

func TestRotatedMarginNoteDropped(t *testing.T) {
	content := "BT /F1 10 Tf 0 1 -1 0 30 200 Tm (arXiv:2305.03393v1 [cs.CL] 5 May 2023) Tj ET " +
		"BT /F1 12 Tf 72 500 Td (Upright body text stays in the output.) Tj ET"
	out, err := Convert(context.Background(), pdfWithContent(1, content), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(out.Markdown, "Upright body text stays") || strings.Contains(out.Markdown, "arXiv") {
		t.Errorf("Markdown %q", out.Markdown)
	}
	// A page that is all rotated keeps its text.
	content = "BT /F1 12 Tf 0 1 -1 0 300 200 Tm (Landscape text set sideways on the page.) Tj ET"
	out, err = Convert(context.Background(), pdfWithContent(1, content), format.Options{})
	if err != nil || !strings.Contains(out.Markdown, "Landscape") {
		t.Errorf("rotated page: %q, %v", out.Markdown, err)
	}
}

func TestMaxPages(t *testing.T) {
	data := minimalPDF(10000, "Page text")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	out, err := Convert(ctx, data, format.Options{MaxPages: 50})
	if err != nil {
		t.Fatal(err)
	}
	if out.PageCount != 10000 || len(out.Warnings) == 0 {
		t.Errorf("page count %d, warnings %q", out.PageCount, out.Warnings)
	}
	if n := strings.Count(out.Markdown, "Page text"); n != 50 {
		t.Errorf("converted %d pages, want 50", n)
	}
}

func TestDeadline(t *testing.T) {
	data := minimalPDF(10000, "Page text")
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	_, err := Convert(ctx, data, format.Options{})
	if got := format.CodeOf(err); got != format.CodeTimeout {
		t.Errorf("code %q (%v), want timeout", got, err)
	}
}

func TestOCRUnavailable(t *testing.T) {
	defer func(f func(format.Options) error) { ocrAvailable = f }(ocrAvailable)
	ocrAvailable = func(format.Options) error {
		return format.Errorf(format.CodeOCRUnavailable, "tesseract not found")
	}
	out, err := convertFile(t, filepath.Join(corpusDir, "pdf_scanned/docling_ocr_test.pdf"), format.Options{})
	if got := format.CodeOf(err); got != format.CodeOCRUnavailable {
		t.Fatalf("code %q (%v), want ocr_unavailable", got, err)
	}
	if len(out.Warnings) == 0 || out.Markdown != "" {
		t.Errorf("warnings %q, Markdown %q", out.Warnings, out.Markdown)
	}
}

func TestOCRPerPage(t *testing.T) {
	defer func(f func(context.Context, []byte, format.Options) (string, float64, error)) { recognize = f }(recognize)
	defer func(f func(format.Options) error) { ocrAvailable = f }(ocrAvailable)
	calls := 0
	recognize = func(_ context.Context, img []byte, _ format.Options) (string, float64, error) {
		calls++
		if !bytes.HasPrefix(img, []byte("\x89PNG")) {
			return "", 0, errors.New("not a PNG")
		}
		return "Recognised words\n\nSecond paragraph", 87.5, nil
	}
	ocrAvailable = func(format.Options) error { return nil }
	out, err := convertFile(t, filepath.Join(corpusDir, "pdf_scanned/docling_ocr_test.pdf"), format.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if calls != 1 || !out.OCRUsed || out.Method != "ocr" {
		t.Errorf("calls %d, OCRUsed %v, method %q", calls, out.OCRUsed, out.Method)
	}
	if out.Markdown != "Recognised words\n\nSecond paragraph\n" {
		t.Errorf("Markdown %q", out.Markdown)
	}
	if len(out.Pages) != 1 || !out.Pages[0].OCR || out.Pages[0].OCRConfidence != 87.5 {
		t.Errorf("page map %+v, want one OCR page with confidence 87.5", out.Pages)
	}
	// What Tesseract reads with a very low confidence (a picture) is left
	// out, with a warning.
	recognize = func(context.Context, []byte, format.Options) (string, float64, error) {
		return "— eS eS Cl _ — oe,", 22.9, nil
	}
	out, err = convertFile(t, filepath.Join(corpusDir, "pdf_scanned/docling_ocr_test.pdf"), format.Options{})
	if format.CodeOf(err) != format.CodeEmpty || len(out.Warnings) == 0 || !strings.Contains(out.Warnings[0], "confidence is 23") {
		t.Errorf("low confidence: err %v, warnings %q, Markdown %q", err, out.Warnings, out.Markdown)
	}
	// A page with a text layer is not OCR'd.
	calls = 0
	if _, err := convertFile(t, "testdata/table.pdf", format.Options{}); err != nil || calls != 0 {
		t.Errorf("text page: err %v, OCR calls %d", err, calls)
	}
}

// minimalPDF writes a valid PDF of n pages, each showing text (or nothing).
func minimalPDF(n int, text string) []byte {
	content := ""
	if text != "" {
		content = fmt.Sprintf("BT /F1 12 Tf 72 400 Td (%s) Tj ET", text)
	}
	return pdfWithContent(n, content)
}

// pdfWithContent writes a valid PDF of n pages with the same content
// (font /F1 is Helvetica).
func pdfWithContent(n int, content string) []byte {
	contents := make([]string, n)
	for i := range contents {
		contents[i] = content
	}
	return pdfWithContents(contents)
}

// TestConcurrent converts the fixtures from several goroutines at once
// (the server's workers share the PDFium pool) and expects the same
// Markdown as a lone conversion.
func TestConcurrent(t *testing.T) {
	files := []string{"testdata/table.pdf", "testdata/twocol.pdf", "testdata/ruled.pdf", "testdata/threecol.pdf"}
	want := map[string]string{}
	for _, f := range files {
		out, err := convertFile(t, f, format.Options{})
		if err != nil {
			t.Fatal(err)
		}
		want[f] = out.Markdown
	}
	errs := make(chan error, 3*len(files))
	for range 3 {
		for _, f := range files {
			go func() {
				data, _ := os.ReadFile(f)
				out, err := Convert(context.Background(), data, format.Options{})
				if err == nil && out.Markdown != want[f] {
					err = fmt.Errorf("%s: different Markdown under concurrency", f)
				}
				errs <- err
			}()
		}
	}
	for range 3 * len(files) {
		if err := <-errs; err != nil {
			t.Error(err)
		}
	}
}

// TestPageMap checks that every page of a multi-page PDF is in the page
// map, in order, with its text layer's size, that each start is a line
// start in the Markdown, and that progress counts the pages.
func TestPageMap(t *testing.T) {
	var progress [][2]int
	out, err := convertFile(t, filepath.Join(corpusDir, "pdf/docling_multi_page.pdf"), format.Options{
		Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }})
	if err != nil {
		t.Fatal(err)
	}
	if len(out.Pages) != out.PageCount || out.PageCount < 2 {
		t.Fatalf("%d pages in the map, PageCount %d", len(out.Pages), out.PageCount)
	}
	last := 0
	for i, p := range out.Pages {
		if p.Number != i+1 || p.Start < last || p.Start > len(out.Markdown) || p.Chars <= 0 || p.OCR {
			t.Errorf("page %d: %+v (previous start %d)", i+1, p, last)
		}
		if p.Start > 0 && p.Start < len(out.Markdown) && out.Markdown[p.Start-1] != '\n' {
			t.Errorf("page %d starts inside a line: %q", i+1, out.Markdown[p.Start:min(len(out.Markdown), p.Start+30)])
		}
		last = p.Start
	}
	if out.Pages[0].Start != 0 || out.Pages[len(out.Pages)-1].Start == 0 {
		t.Errorf("starts %+v", out.Pages)
	}
	if n := len(progress); n != out.PageCount || progress[n-1] != [2]int{n, n} {
		t.Errorf("progress %v, want 1..%d of %d", progress, out.PageCount, out.PageCount)
	}
}
