package pdf

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// FuzzConvert feeds arbitrary bytes to Convert: it must return (an error
// with a code, or Markdown) and never panic or hang. Seeds are the sample
// corpus, the fixtures and a few hand-made edge cases.
func FuzzConvert(f *testing.F) {
	for _, d := range samplePDFs(f) {
		f.Add(d)
	}
	fixtures, _ := filepath.Glob("testdata/*.pdf")
	for _, p := range fixtures {
		if d, err := os.ReadFile(p); err == nil {
			f.Add(d)
		}
	}
	f.Add(minimalPDF(3, "Fuzz seed text"))
	f.Add([]byte("%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF"))
	// Recognition is not under test; keep fuzzing in-process and fast.
	recognize = func(context.Context, []byte, format.Options) (string, float64, error) { return "ocr text", 90, nil }
	ocrAvailable = func(format.Options) error { return nil }
	f.Fuzz(func(t *testing.T, data []byte) {
		ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
		defer cancel()
		out, err := Convert(ctx, data, format.Options{MaxPages: 20})
		if err != nil {
			if format.CodeOf(err) == "" {
				t.Fatalf("uncoded error: %v", err)
			}
			return
		}
		if out.Markdown == "" {
			t.Fatal("success without Markdown")
		}
	})
}
