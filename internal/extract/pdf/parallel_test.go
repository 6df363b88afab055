package pdf

import (
	"bytes"
	"context"
	"fmt"
	"reflect"
	"runtime"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// TestParallelPagesSameResult converts a long document with helper
// instances and without, and expects the same output and a progress
// report per page, in order.
func TestParallelPagesSameResult(t *testing.T) {
	data := distinctPages(40)
	convert := func(parallel bool) (format.Output, [][2]int) {
		defer func(old bool) { parallelPages = old }(parallelPages)
		parallelPages = parallel
		var progress [][2]int
		out, err := Convert(context.Background(), data, format.Options{
			Progress: func(done, total int) { progress = append(progress, [2]int{done, total}) }})
		if err != nil {
			t.Fatal(err)
		}
		return out, progress
	}
	seq, _ := convert(false)
	par, progress := convert(true)
	if par.Markdown != seq.Markdown || !reflect.DeepEqual(par.Pages, seq.Pages) || !reflect.DeepEqual(par.Warnings, seq.Warnings) {
		t.Errorf("parallel result differs:\n%s\n---\n%s", par.Markdown, seq.Markdown)
	}
	for i, p := range progress {
		if p != [2]int{i + 1, 40} {
			t.Fatalf("progress %v, want 1..40 of 40", progress)
		}
	}
	for i := 1; i <= 40; i++ {
		if !strings.Contains(par.Markdown, fmt.Sprintf("Section %d ", i)) {
			t.Errorf("page %d missing", i)
		}
	}
}

// TestHelperCount checks that a long document gets a helper per spare
// core, a short one none.
func TestHelperCount(t *testing.T) {
	if n := helperCount(minParallelPages - 1); n != 0 {
		t.Errorf("%d helpers for a short document", n)
	}
	if n, want := helperCount(100), min(runtime.GOMAXPROCS(0), maxWorkers)-1; n != want {
		t.Errorf("%d helpers for a long document, want %d", n, want)
	}
}

// TestHelperCannotOpen checks that a helper that cannot open the document
// leaves its pages to the others instead of failing the conversion.
func TestHelperCannotOpen(t *testing.T) {
	inst, err := instance(waitFor(context.Background()))
	if err != nil {
		t.Fatal(err)
	}
	pr := newPageReader(context.Background(), 3, format.Options{})
	if err := readWithInstance(pr, inst, []byte("%PDF-1.4 broken")); err != nil {
		t.Errorf("helper error %v", err)
	}
	if pr.next.Load() != 0 {
		t.Errorf("the helper took %d pages", pr.next.Load())
	}
}

// distinctPages writes a PDF of n pages, each with its own heading,
// paragraph and page number.
func distinctPages(n int) []byte {
	topics := []string{"apples", "bridges", "copper", "deserts", "engines", "forests", "glaciers"}
	var contents []string
	for i := 1; i <= n; i++ {
		topic := topics[i%len(topics)]
		contents = append(contents, fmt.Sprintf(
			"BT /F1 16 Tf 72 600 Td (Section %d on %s) Tj ET "+
				"BT /F1 11 Tf 72 570 Td (Body text of page %d says something about %s.) Tj ET "+
				"BT /F1 11 Tf 72 556 Td (A second line continues the paragraph of page %d.) Tj ET "+
				"BT /F1 9 Tf 300 40 Td (%d) Tj ET", i, topic, i, topic, i, i))
	}
	return pdfWithContents(contents)
}

// pdfWithContents writes a valid PDF with one page per content stream
// (font /F1 is Helvetica, /F2 Courier, /F3 Symbol).
func pdfWithContents(contents []string) []byte {
	var b bytes.Buffer
	var offsets []int
	obj := func(body string) {
		offsets = append(offsets, b.Len())
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", len(offsets), body)
	}
	n := len(contents)
	b.WriteString("%PDF-1.4\n")
	kids := make([]string, n)
	for i := range kids {
		kids[i] = fmt.Sprintf("%d 0 R", 6+2*i)
	}
	obj("<< /Type /Catalog /Pages 2 0 R >>")
	obj(fmt.Sprintf("<< /Type /Pages /Kids [%s] /Count %d >>", strings.Join(kids, " "), n))
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Courier >>")
	obj("<< /Type /Font /Subtype /Type1 /BaseFont /Symbol >>")
	for i, c := range contents {
		obj(fmt.Sprintf("<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Resources << /Font << /F1 3 0 R /F2 4 0 R /F3 5 0 R >> >> /Contents %d 0 R >>", 7+2*i))
		obj(fmt.Sprintf("<< /Length %d >>\nstream\n%s\nendstream", len(c), c))
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(offsets)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(offsets)+1, xref)
	return b.Bytes()
}

// TestWarm starts the engine ahead of the first conversion.
func TestWarm(t *testing.T) {
	if err := Warm(); err != nil {
		t.Fatal(err)
	}
	if _, err := pool(); err != nil {
		t.Fatal(err)
	}
}
