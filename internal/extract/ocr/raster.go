package ocr

import (
	"image"
)

// gray converts img to 8-bit grey, compositing transparency over white (a
// transparent background would otherwise turn black and hide the text).
func gray(img image.Image) *image.Gray {
	switch m := img.(type) {
	case *image.Gray:
		if m.Rect.Min == (image.Point{}) {
			return m
		}
	case *image.YCbCr:
		// The luma plane already is the grey image.
		b := m.Rect
		g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
		for y := 0; y < b.Dy(); y++ {
			row := m.Y[m.YOffset(b.Min.X, b.Min.Y+y):]
			copy(g.Pix[y*g.Stride:y*g.Stride+b.Dx()], row[:b.Dx()])
		}
		return g
	}
	b := img.Bounds()
	g := image.NewGray(image.Rect(0, 0, b.Dx(), b.Dy()))
	for y := 0; y < b.Dy(); y++ {
		for x := 0; x < b.Dx(); x++ {
			r, gg, bb, a := img.At(b.Min.X+x, b.Min.Y+y).RGBA()
			white := 0xffff - a // premultiplied: add the white showing through
			lum := (19595*(r+white) + 38470*(gg+white) + 7471*(bb+white) + 1<<15) >> 24
			g.Pix[y*g.Stride+x] = uint8(lum)
		}
	}
	return g
}

// rotate turns g clockwise by deg (90, 180 or 270) degrees.
func rotate(g *image.Gray, deg int) *image.Gray {
	b := g.Bounds()
	w, h := b.Dx(), b.Dy()
	var out *image.Gray
	if deg == 180 {
		out = image.NewGray(image.Rect(0, 0, w, h))
	} else {
		out = image.NewGray(image.Rect(0, 0, h, w))
	}
	for y := 0; y < h; y++ {
		src := g.Pix[y*g.Stride:]
		for x := 0; x < w; x++ {
			v := src[x]
			switch deg {
			case 90: // (x, y) → (h-1-y, x)
				out.Pix[x*out.Stride+h-1-y] = v
			case 180: // (x, y) → (w-1-x, h-1-y)
				out.Pix[(h-1-y)*out.Stride+w-1-x] = v
			case 270: // (x, y) → (y, w-1-x)
				out.Pix[(w-1-x)*out.Stride+y] = v
			default:
				return g
			}
		}
	}
	return out
}
