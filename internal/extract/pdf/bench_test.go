package pdf

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// samplePDFs returns the sample corpus PDFs with text layers.
func samplePDFs(tb testing.TB) map[string][]byte {
	tb.Helper()
	paths, _ := filepath.Glob(filepath.Join(corpusDir, "pdf", "*.pdf"))
	out := map[string][]byte{}
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			tb.Fatal(err)
		}
		out[filepath.Base(p)] = data
	}
	if len(out) == 0 {
		tb.Skip("sample corpus not found")
	}
	return out
}

// corpusDir is the shared extraction corpus (see score.py).
var corpusDir = envOr("CURATORE_CORPUS", "/work/shared/testdata/extraction")

func envOr(k, def string) string {
	if v := os.Getenv(k); v != "" {
		return v
	}
	return def
}

// BenchmarkConvert converts every sample PDF once per iteration and
// reports MB/s and pages/s.
func BenchmarkConvert(b *testing.B) {
	docs := samplePDFs(b)
	if extra := os.Getenv("BENCH_PDF"); extra != "" {
		data, err := os.ReadFile(extra)
		if err != nil {
			b.Fatal(err)
		}
		docs = map[string][]byte{filepath.Base(extra): data}
	}
	var size int64
	for _, d := range docs {
		size += int64(len(d))
	}
	if _, err := pool(); err != nil {
		b.Fatal(err)
	}
	b.SetBytes(size)
	b.ResetTimer()
	pages := 0
	for b.Loop() {
		for _, d := range docs {
			out, err := Convert(context.Background(), d, format.Options{})
			if err != nil {
				b.Fatal(err)
			}
			pages += out.PageCount
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
}

// BenchmarkStartup measures what a new process pays before its first PDF:
// compiling the PDFium module (from the on-disk cache after the first run)
// and starting one instance. Run it with -cpuprofile to see where the time
// goes (README, "Speed, measured").
func BenchmarkStartup(b *testing.B) {
	for b.Loop() {
		p, err := newPool(1)
		if err != nil {
			b.Fatal(err)
		}
		p.Close()
	}
}
