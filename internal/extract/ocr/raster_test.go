package ocr

import (
	"image"
	"image/color"
	"testing"
)

func newTestImage(w, h int) image.Image {
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y += 7 {
		for x := 0; x < w; x += 3 {
			img.Set(x, y, color.NRGBA{A: 255})
		}
	}
	return img
}

func TestGrayTransparency(t *testing.T) {
	img := image.NewNRGBA(image.Rect(0, 0, 2, 1))
	img.Set(0, 0, color.NRGBA{}) // fully transparent: white paper
	img.Set(1, 0, color.NRGBA{A: 255})
	g := gray(img)
	if g.Pix[0] != 255 || g.Pix[1] != 0 {
		t.Errorf("gray = %v, want [255 0]", g.Pix)
	}
}
