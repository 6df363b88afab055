package ocr

import (
	"bytes"
	"context"
	"encoding/binary"
	"image"
	"strings"
	"testing"

	"golang.org/x/image/tiff"
)

// multiTIFF writes uncompressed 8-bit grey frames as one multi-frame TIFF.
func multiTIFF(frames ...*image.Gray) []byte {
	var buf bytes.Buffer
	le := binary.LittleEndian
	buf.WriteString("II*\x00")
	binary.Write(&buf, le, uint32(0)) // patched below
	prevNext := 4                     // where the offset of the next IFD goes
	for _, g := range frames {
		w, h := g.Bounds().Dx(), g.Bounds().Dy()
		pixels := buf.Len()
		for y := 0; y < h; y++ {
			buf.Write(g.Pix[y*g.Stride : y*g.Stride+w])
		}
		if buf.Len()%2 == 1 {
			buf.WriteByte(0)
		}
		ifd := buf.Len()
		b := buf.Bytes()
		le.PutUint32(b[prevNext:], uint32(ifd))
		entries := [][3]uint32{ // tag, type (3 short, 4 long), value
			{256, 4, uint32(w)}, {257, 4, uint32(h)}, {258, 3, 8}, {259, 3, 1}, {262, 3, 1},
			{273, 4, uint32(pixels)}, {277, 3, 1}, {278, 4, uint32(h)}, {279, 4, uint32(w * h)},
		}
		binary.Write(&buf, le, uint16(len(entries)))
		for _, e := range entries {
			binary.Write(&buf, le, uint16(e[0]))
			binary.Write(&buf, le, uint16(e[1]))
			binary.Write(&buf, le, uint32(1))
			if e[1] == 3 {
				binary.Write(&buf, le, uint16(e[2]))
				binary.Write(&buf, le, uint16(0))
			} else {
				binary.Write(&buf, le, e[2])
			}
		}
		prevNext = buf.Len()
		binary.Write(&buf, le, uint32(0))
	}
	return buf.Bytes()
}

func TestMultiFrameTIFF(t *testing.T) {
	src, err := tiff.Decode(bytes.NewReader(corpusFile(t, "tesseract_phototest.tif")))
	if err != nil {
		t.Fatal(err)
	}
	upright := gray(src)
	data := multiTIFF(upright, rotate(upright, 180))
	if n, err := countPages(data, 100); n != 2 || err != nil {
		t.Fatalf("countPages = %d, %v; want 2", n, err)
	}
	if n, _ := countPages(data, 1); n != 1 {
		t.Errorf("countPages with max 1 = %d", n)
	}
	needTesseract(t)
	text, err := Recognize(context.Background(), data, Options{})
	if err != nil {
		t.Fatal(err)
	}
	if c := strings.Count(text, "12 point text"); c != 2 {
		t.Errorf("want both frames read upright, got %d copies:\n%s", c, text)
	}
}
