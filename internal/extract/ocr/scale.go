package ocr

import (
	"bytes"
	"image"

	"golang.org/x/image/draw"
)

// Tesseract reads best when a word box is about 30–40 pixels high (capital
// letters of 20 pixels or more). Screenshots and small scans have less.
const (
	smallPrint   = 16 // median word height below which a page is enlarged
	targetHeight = 32 // the word height enlargement aims at
	maxFactor    = 4
)

// enlargement returns by how much to scale a page read as r, or 1 for
// none: small print is scaled towards targetHeight; a small image in which
// almost nothing was found is tried at double size. The result stays
// within maxPixels.
func enlargement(r reading, size image.Point) float64 {
	var f float64
	switch {
	case r.words >= 3 && r.height > 0 && r.height < smallPrint:
		f = min(float64(targetHeight)/float64(r.height), maxFactor)
	case r.words < 3 && max(size.X, size.Y) > 0 && max(size.X, size.Y) < 1500:
		f = 2
	default:
		return 1
	}
	for f > 1 && float64(size.X)*f*float64(size.Y)*f > float64(maxPixels) {
		f /= 1.5
	}
	if f < 1.2 {
		return 1
	}
	return f
}

// size is the page's size in pixels (as turned), or zero when unknown.
func (p *page) size() image.Point {
	if p.img == nil {
		src := p.raw
		if p.tiff != nil {
			src = withFirstIFD(p.tiff, p.ifd)
		}
		cfg, _, err := image.DecodeConfig(bytes.NewReader(src))
		if err != nil {
			return image.Point{}
		}
		if p.turn == 90 || p.turn == 270 {
			return image.Point{cfg.Height, cfg.Width}
		}
		return image.Point{cfg.Width, cfg.Height}
	}
	b := p.img.Bounds().Size()
	if p.turn == 90 || p.turn == 270 {
		return image.Point{b.Y, b.X}
	}
	return b
}

// scaled returns the page (as turned) enlarged by factor, as PNG, or nil
// when the page cannot be decoded in Go.
func (p *page) scaled(factor float64) ([]byte, error) {
	if err := p.decode(); err != nil {
		return nil, nil
	}
	g := gray(p.img)
	if p.turn != 0 {
		g = rotate(g, p.turn)
	}
	b := g.Bounds()
	out := image.NewGray(image.Rect(0, 0, int(float64(b.Dx())*factor), int(float64(b.Dy())*factor)))
	draw.CatmullRom.Scale(out, out.Bounds(), g, b, draw.Src, nil)
	return encodePNG(out)
}
