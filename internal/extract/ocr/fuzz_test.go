package ocr

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/curatore/curatore/internal/extract/format"
)

// FuzzPages feeds arbitrary bytes to the Go side of image handling: type
// sniffing, size checks, TIFF frame splitting, decoding and re-encoding.
func FuzzPages(f *testing.F) {
	for _, name := range []string{"tesseract_phototest.tif", "textract_standardized_text_png.png"} {
		if data, err := os.ReadFile(filepath.Join(corpus, name)); err == nil {
			f.Add(data)
		}
	}
	f.Add([]byte("II*\x00\x08\x00\x00\x00\x00\x00"))
	f.Add([]byte("GIF89a\x01\x00\x01\x00"))
	old := maxPixels
	maxPixels = 1 << 18 // keep each run fast; the bound itself is what is tested
	f.Cleanup(func() { maxPixels = old })
	f.Fuzz(func(t *testing.T, data []byte) {
		watchdog := time.AfterFunc(20*time.Second, func() { panic("FuzzPages: input took over 20 s") })
		defer watchdog.Stop()
		pages, err := pagesOf(data, 8)
		if err != nil {
			return
		}
		for i := range pages {
			if _, err := pages[i].bytes(); err != nil {
				continue
			}
			_, _ = pages[i].rotated(90)
			pages[i].turn = 90
			_ = pages[i].size()
			_, _ = pages[i].scaled(1.5)
		}
		_, _ = countPages(data, 8)
	})
}

func BenchmarkRotate(b *testing.B) {
	g := gray(newTestImage(2000, 2800))
	b.SetBytes(int64(len(g.Pix)))
	for b.Loop() {
		rotate(g, 90)
	}
}

func BenchmarkImage(b *testing.B) {
	needTesseract(b)
	data := corpusFile(b, "tesseract_phototest.tif")
	b.SetBytes(int64(len(data)))
	for b.Loop() {
		if _, err := Image(context.Background(), data, format.Options{}); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "pages/s")
}
