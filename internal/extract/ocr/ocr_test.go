package ocr

import (
	"context"
	"errors"
	"image"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/curatore/curatore/internal/extract/format"
)

const corpus = "../../../../shared/testdata/extraction/image"

func corpusFile(t testing.TB, name string) []byte {
	t.Helper()
	dir := os.Getenv("CURATORE_EXTRACTION_CORPUS")
	if dir == "" {
		dir = corpus
	} else {
		dir = filepath.Join(dir, "image")
	}
	data, err := os.ReadFile(filepath.Join(dir, name))
	if err != nil {
		t.Skipf("sample corpus not found: %v", err)
	}
	return data
}

func needTesseract(t testing.TB) {
	t.Helper()
	if err := Available(Options{}); err != nil {
		t.Skipf("tesseract not available: %v", err)
	}
}

var wordRe = regexp.MustCompile(`[\pL\pN]+`)

// recall is the share of expected words found in got (bag of words).
func recall(got, want string) float64 {
	have := map[string]int{}
	for _, w := range wordRe.FindAllString(strings.ToLower(got), -1) {
		have[w]++
	}
	exp := wordRe.FindAllString(strings.ToLower(want), -1)
	hit := 0
	for _, w := range exp {
		if have[w] > 0 {
			have[w]--
			hit++
		}
	}
	if len(exp) == 0 {
		return 1
	}
	return float64(hit) / float64(len(exp))
}

func TestParseOSD(t *testing.T) {
	tests := []struct {
		name, out string
		want      int
	}{
		{"upright", "Page number: 0\nOrientation in degrees: 0\nRotate: 0\nOrientation confidence: 10.86\n", 0},
		{"turned", "Orientation in degrees: 270\nRotate: 90\nOrientation confidence: 7.2\n", 90},
		{"upside down", "Rotate: 180\nOrientation confidence: 3.5\n", 180},
		{"low confidence", "Rotate: 180\nOrientation confidence: 0.4\n", 0},
		{"garbage", "Too few characters. Skipping this page\n", 0},
		{"odd angle", "Rotate: 45\nOrientation confidence: 9\n", 0},
	}
	for _, tt := range tests {
		if got := parseOSD(tt.out); got != tt.want {
			t.Errorf("%s: parseOSD = %d, want %d", tt.name, got, tt.want)
		}
	}
}

func TestParseTSV(t *testing.T) {
	tsv := "level\tpage_num\tblock_num\tpar_num\tline_num\tword_num\tleft\ttop\twidth\theight\tconf\ttext\n" +
		"1\t1\t0\t0\t0\t0\t0\t0\t10\t10\t-1\t\n" +
		"5\t1\t1\t1\t1\t1\t0\t0\t1\t1\t90\tHello\n" +
		"5\t1\t1\t1\t2\t1\t0\t0\t1\t1\t80\tworld\n" +
		"5\t1\t2\t1\t1\t1\t0\t0\t1\t1\t70\tNext\n" +
		"5\t1\t2\t1\t1\t2\t0\t0\t1\t1\t-1\t \n"
	r := parseTSV(tsv)
	if r.text != "Hello world\n\nNext" || r.words != 3 || r.conf != 80 {
		t.Errorf("parseTSV = %+v", r)
	}
	if r := parseTSV(""); r.text != "" || r.words != 0 || r.conf != 0 {
		t.Errorf("empty parseTSV = %+v", r)
	}
}

func TestRotate(t *testing.T) {
	g := image.NewGray(image.Rect(0, 0, 3, 2))
	for i := range g.Pix {
		g.Pix[i] = uint8(i + 1)
	}
	r90 := rotate(g, 90)
	if r90.Bounds().Dx() != 2 || r90.Bounds().Dy() != 3 {
		t.Fatalf("rotate 90 size = %v", r90.Bounds())
	}
	// Top-left of the source goes to the top-right after a clockwise turn.
	if got := r90.GrayAt(1, 0).Y; got != 1 {
		t.Errorf("rotate 90: top-right = %d, want 1", got)
	}
	back := rotate(rotate(rotate(r90, 90), 90), 90)
	for i := range g.Pix {
		if back.Pix[i] != g.Pix[i] {
			t.Fatalf("four quarter turns changed pixel %d: %d != %d", i, back.Pix[i], g.Pix[i])
		}
	}
	if r180 := rotate(g, 180); r180.GrayAt(0, 0).Y != 6 {
		t.Errorf("rotate 180: top-left = %d, want 6", r180.GrayAt(0, 0).Y)
	}
}

func TestErrors(t *testing.T) {
	ctx := context.Background()
	tests := []struct {
		name string
		data []byte
		opts Options
		code format.Code
	}{
		{"no tesseract", []byte("\x89PNG\r\n\x1a\n"), Options{TesseractPath: "/nonexistent/tesseract"}, format.CodeOCRUnavailable},
		{"not an image", []byte("hello"), Options{}, format.CodeUnsupported},
		{"truncated png", []byte("\x89PNG\r\n\x1a\nxx"), Options{}, format.CodeCorrupt},
		{"truncated webp", []byte("RIFF\x10\x00\x00\x00WEBPVP8 "), Options{}, format.CodeCorrupt},
	}
	for _, tt := range tests {
		if tt.opts.TesseractPath == "" {
			needTesseract(t)
		}
		_, err := Recognize(ctx, tt.data, tt.opts)
		var fe *format.Error
		if !errors.As(err, &fe) || fe.Code != tt.code {
			t.Errorf("%s: err = %v, want code %s", tt.name, err, tt.code)
		}
	}
}

func TestRecognizeSamples(t *testing.T) {
	needTesseract(t)
	files := []string{"tesseract_phototest.tif", "textract_standardized_text_png.png", "docling_webp-test.webp"}
	for _, name := range files {
		data := corpusFile(t, name)
		want := string(corpusFile(t, strings.TrimSuffix(name, filepath.Ext(name))+".expected.md"))
		out, err := Image(context.Background(), data, format.Options{})
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if !out.OCRUsed || out.Method != "ocr" || out.PageCount != 1 {
			t.Errorf("%s: output metadata = %+v", name, out)
		}
		if len(out.Pages) != 1 || !out.Pages[0].OCR || out.Pages[0].Start != 0 || out.Pages[0].OCRConfidence < 50 {
			t.Errorf("%s: page map %+v, want one OCR page with its confidence", name, out.Pages)
		}
		if r := recall(out.Markdown, want); r < 0.9 {
			t.Errorf("%s: word recall %.2f < 0.9\n%s", name, r, out.Markdown)
		}
	}
}

func TestRecognizeRotated(t *testing.T) {
	needTesseract(t)
	data := corpusFile(t, "tesseract_phototest.tif")
	want := string(corpusFile(t, "tesseract_phototest.expected.md"))
	p := page{raw: data}
	for _, deg := range []int{90, 180, 270} {
		turned, err := p.rotated(deg)
		if err != nil {
			t.Fatal(err)
		}
		text, err := Recognize(context.Background(), turned, Options{})
		if err != nil {
			t.Fatalf("rotated %d: %v", deg, err)
		}
		if r := recall(text, want); r < 0.9 {
			t.Errorf("rotated %d: word recall %.2f < 0.9\n%s", deg, r, text)
		}
	}
}

func TestRecognizeTimeout(t *testing.T) {
	needTesseract(t)
	data := corpusFile(t, "tesseract_phototest.tif")
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := Recognize(ctx, data, Options{})
	if format.CodeOf(err) != format.CodeTimeout {
		t.Errorf("cancelled context: err = %v, want timeout", err)
	}
}
