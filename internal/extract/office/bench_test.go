package office

import (
	"context"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

// benchFormat converts every sample of a format per iteration and reports
// MB/s and pages (pages, slides or sheets) per second.
func benchFormat(b *testing.B, ext string) {
	var files [][]byte
	size := 0
	for _, name := range samples(b, ext) {
		data := readSample(b, name)
		files = append(files, data)
		size += len(data)
	}
	b.SetBytes(int64(size))
	b.ReportAllocs()
	pages := 0
	for b.Loop() {
		for _, data := range files {
			out, err := Convert(context.Background(), data, ext, format.Options{})
			if err != nil {
				b.Fatal(err)
			}
			pages += out.PageCount
		}
	}
	b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
	b.ReportMetric(float64(len(files)*b.N)/b.Elapsed().Seconds(), "docs/s")
}

func BenchmarkDOCX(b *testing.B) { benchFormat(b, ".docx") }
func BenchmarkPPTX(b *testing.B) { benchFormat(b, ".pptx") }
func BenchmarkXLSX(b *testing.B) { benchFormat(b, ".xlsx") }

// BenchmarkCSV converts a generated 10,000-row CSV.
func BenchmarkCSV(b *testing.B) {
	var data []byte
	for i := range 10000 {
		data = append(data, []byte(itoa(i)+",name "+itoa(i)+",\"a, quoted\",3.14\n")...)
	}
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Convert(context.Background(), data, ".csv", format.Options{}); err != nil {
			b.Fatal(err)
		}
	}
}
