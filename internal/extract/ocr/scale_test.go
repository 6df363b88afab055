package ocr

import (
	"bytes"
	"context"
	"image"
	"testing"

	"golang.org/x/image/draw"
	"golang.org/x/image/tiff"
)

func TestEnlargement(t *testing.T) {
	tests := []struct {
		name string
		r    reading
		size image.Point
		want float64
	}{
		{"normal print", reading{words: 50, height: 30}, image.Pt(2000, 3000), 1},
		{"small print", reading{words: 50, height: 10}, image.Pt(800, 600), 3.2},
		{"tiny print capped", reading{words: 50, height: 4}, image.Pt(800, 600), 4},
		{"nothing found, small image", reading{words: 0}, image.Pt(300, 200), 2},
		{"nothing found, big image", reading{words: 0}, image.Pt(3000, 4000), 1},
		{"bounded by the pixel limit", reading{words: 50, height: 8}, image.Pt(4000, 5000), 4 / 1.5 / 1.5},
		{"unknown size", reading{words: 1}, image.Point{}, 1},
	}
	for _, tt := range tests {
		if got := enlargement(tt.r, tt.size); got != tt.want {
			t.Errorf("%s: enlargement = %v, want %v", tt.name, got, tt.want)
		}
	}
}

func TestRecognizeSmallPrint(t *testing.T) {
	needTesseract(t)
	src, err := tiff.Decode(bytes.NewReader(corpusFile(t, "tesseract_phototest.tif")))
	if err != nil {
		t.Fatal(err)
	}
	want := string(corpusFile(t, "tesseract_phototest.expected.md"))
	g := gray(src)
	small := image.NewGray(image.Rect(0, 0, g.Bounds().Dx()*4/10, g.Bounds().Dy()*4/10))
	draw.CatmullRom.Scale(small, small.Bounds(), g, g.Bounds(), draw.Src, nil)
	data, err := encodePNG(small)
	if err != nil {
		t.Fatal(err)
	}
	text, err := Recognize(context.Background(), data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if r := recall(text, want); r < 0.95 {
		t.Errorf("small print: word recall %.2f < 0.95\n%s", r, text)
	}
}
