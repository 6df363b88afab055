package ocr

import (
	"bytes"
	"encoding/binary"
	"image"
	"image/png"

	// Decoders for every image type Recognize accepts.
	_ "image/gif"
	_ "image/jpeg"

	_ "golang.org/x/image/bmp"
	"golang.org/x/image/tiff"
	_ "golang.org/x/image/webp"

	"github.com/curatore/curatore/internal/extract/format"
)

// maxPixels bounds the canvas of one image (64 megapixels: an A4 page at
// 900 dpi). Decoding is refused beyond it so memory stays bounded.
var maxPixels int64 = 64 << 20

// ImageType names the image format of data by its magic bytes: "png",
// "jpeg", "gif", "tiff", "bmp", "webp", or "" when it is none of them.
func ImageType(data []byte) string {
	switch {
	case bytes.HasPrefix(data, []byte("\x89PNG\r\n\x1a\n")):
		return "png"
	case bytes.HasPrefix(data, []byte{0xff, 0xd8, 0xff}):
		return "jpeg"
	case bytes.HasPrefix(data, []byte("GIF87a")), bytes.HasPrefix(data, []byte("GIF89a")):
		return "gif"
	case bytes.HasPrefix(data, []byte("II*\x00")), bytes.HasPrefix(data, []byte("MM\x00*")):
		return "tiff"
	case isBMP(data):
		return "bmp"
	case len(data) >= 12 && string(data[:4]) == "RIFF" && string(data[8:12]) == "WEBP":
		return "webp"
	}
	return ""
}

// isBMP checks the "BM" signature and a known DIB header size, so that
// text starting with "BM" is not taken for a bitmap.
func isBMP(data []byte) bool {
	if len(data) < 26 || !bytes.HasPrefix(data, []byte("BM")) {
		return false
	}
	switch binary.LittleEndian.Uint32(data[14:18]) {
	case 12, 40, 52, 56, 64, 108, 124:
		return true
	}
	return false
}

// page is one image to recognise: either bytes Tesseract reads as they are,
// or a decoded picture.
type page struct {
	raw  []byte      // bytes Tesseract reads natively; nil when only img is known
	img  image.Image // decoded picture; decoded from raw (or tiff) on demand
	tiff []byte      // a multi-frame TIFF this page is the frame at ifd of
	ifd  uint32
	turn int // clockwise degrees the page was found to need
}

// decode makes sure p.img is set.
func (p *page) decode() error {
	if p.img != nil {
		return nil
	}
	src := p.raw
	if p.tiff != nil {
		src = withFirstIFD(p.tiff, p.ifd)
	}
	img, _, err := image.Decode(bytes.NewReader(src))
	if err != nil {
		return err
	}
	p.img = img
	return nil
}

// bytes returns what to feed Tesseract for the upright page.
func (p *page) bytes() ([]byte, error) {
	if p.raw != nil {
		return p.raw, nil
	}
	if err := p.decode(); err != nil {
		return nil, &format.Error{Code: format.CodeCorrupt, Detail: "cannot decode image frame", Err: err}
	}
	return encodePNG(gray(p.img))
}

// rotated returns the page turned clockwise by deg degrees, as PNG, or nil
// when the page cannot be decoded in Go.
func (p *page) rotated(deg int) ([]byte, error) {
	if err := p.decode(); err != nil {
		return nil, nil
	}
	return encodePNG(rotate(gray(p.img), deg))
}

// pagesOf splits an image file into the pages to recognise: one for most
// files, one per frame for a multi-frame TIFF.
func pagesOf(data []byte, maxFrames int) ([]page, error) {
	kind := ImageType(data)
	if kind == "" {
		return nil, &format.Error{Code: format.CodeUnsupported, Detail: "cannot OCR this file", Err: errNotImage}
	}
	if err := checkSize(data); err != nil {
		return nil, err
	}
	switch kind {
	case "gif", "webp":
		// Not every Leptonica build reads these: decode here, hand over PNG.
		img, _, err := image.Decode(bytes.NewReader(data))
		if err != nil {
			return nil, &format.Error{Code: format.CodeCorrupt, Detail: "cannot decode " + kind + " image", Err: err}
		}
		return []page{{img: img}}, nil
	case "tiff":
		return tiffPages(data, maxFrames)
	}
	return []page{{raw: data}}, nil
}

// countPages returns how many pages pagesOf would find, without decoding.
func countPages(data []byte, maxFrames int) (int, error) {
	if ImageType(data) == "" {
		return 0, &format.Error{Code: format.CodeUnsupported, Detail: "cannot OCR this file", Err: errNotImage}
	}
	if ImageType(data) == "tiff" {
		return max(len(tiffFrames(data, maxFrames)), 1), nil
	}
	return 1, nil
}

// checkSize refuses images whose canvas exceeds maxPixels.
func checkSize(data []byte) error {
	cfg, _, err := image.DecodeConfig(bytes.NewReader(data))
	if err != nil {
		// Tesseract may still read what Go cannot describe (e.g. JPEG-in-TIFF).
		return nil
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return format.Errorf(format.CodeCorrupt, "image has no pixels (%dx%d)", cfg.Width, cfg.Height)
	}
	if int64(cfg.Width)*int64(cfg.Height) > maxPixels {
		return format.Errorf(format.CodeTooLarge, "image is %dx%d pixels, more than %d megapixels",
			cfg.Width, cfg.Height, maxPixels>>20)
	}
	return nil
}

// tiffPages returns one page per TIFF frame, decoded only when its turn
// comes so that a long multi-frame file does not sit in memory decoded. A
// single frame, or frames Go cannot describe, go to Tesseract as the
// original file (it reads every frame).
func tiffPages(data []byte, maxFrames int) ([]page, error) {
	offsets := tiffFrames(data, maxFrames)
	if len(offsets) <= 1 {
		return []page{{raw: data}}, nil
	}
	pages := make([]page, 0, len(offsets))
	for _, off := range offsets {
		frame := withFirstIFD(data, off)
		if _, err := tiff.DecodeConfig(bytes.NewReader(frame)); err != nil {
			return []page{{raw: data}}, nil
		}
		if err := checkSize(frame); err != nil {
			return nil, err
		}
		pages = append(pages, page{tiff: data, ifd: off})
	}
	return pages, nil
}

// tiffFrames walks the chain of image file directories of a classic TIFF and
// returns their offsets (at most max, no loops).
func tiffFrames(data []byte, max int) []uint32 {
	if len(data) < 8 {
		return nil
	}
	var order binary.ByteOrder = binary.LittleEndian
	if data[0] == 'M' {
		order = binary.BigEndian
	}
	seen := map[uint32]bool{}
	var offsets []uint32
	off := order.Uint32(data[4:8])
	for off != 0 && len(offsets) < max && !seen[off] {
		seen[off] = true
		if int64(off)+2 > int64(len(data)) {
			break
		}
		n := int64(order.Uint16(data[off:]))
		next := int64(off) + 2 + 12*n
		if next+4 > int64(len(data)) {
			break
		}
		offsets = append(offsets, off)
		off = order.Uint32(data[next:])
	}
	return offsets
}

// withFirstIFD returns a copy of a TIFF file whose header points at the
// directory at off, so a decoder that reads only the first frame reads it.
func withFirstIFD(data []byte, off uint32) []byte {
	c := bytes.Clone(data)
	if c[0] == 'M' {
		binary.BigEndian.PutUint32(c[4:8], off)
	} else {
		binary.LittleEndian.PutUint32(c[4:8], off)
	}
	return c
}

// encodePNG encodes img quickly (compression buys nothing on a pipe).
func encodePNG(img image.Image) ([]byte, error) {
	var buf bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&buf, img); err != nil {
		return nil, format.Errorf(format.CodeCorrupt, "cannot re-encode image: %v", err)
	}
	return buf.Bytes(), nil
}
