package pdf

import (
	"math"
	"strings"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// glyph is one character placed on a page. Coordinates are in PDF points
// with the origin at the top-left corner (y grows downwards).
type glyph struct {
	r              rune
	x0, y0, x1, y1 float64
	size           float64
	bold, italic   bool
	mono           bool
	space          bool // a word break (real or generated space)
	newline        bool // PDFium's line-break hint
}

// fontStyle is what we remember about one text object's font.
type fontStyle struct {
	bold, italic, mono bool
	size               float64 // effective size in points (Tf size × matrix scale)
}

// Font descriptor flags (PDF 32000-1:2008, 9.8.2).
const (
	flagFixedPitch = 1 << 0
	flagItalic     = 1 << 6
	flagForceBold  = 1 << 18
)

// pageGlyphs reads every character of a loaded page. It asks PDFium only
// for what layout analysis needs (code point, loose box, size) and reads the
// font once per text object, which keeps the number of WebAssembly calls per
// character small.
func pageGlyphs(inst pdfium.Pdfium, page references.FPDF_PAGE, height float64) ([]glyph, error) {
	tp, err := inst.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: requests.Page{ByReference: &page}})
	if err != nil {
		return nil, err
	}
	defer inst.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	cnt, err := inst.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return nil, err
	}
	n := min(cnt.Count, maxCharsPerPage)
	out := make([]glyph, 0, n)
	fonts := map[references.FPDF_PAGEOBJECT]fontStyle{}
	for i := 0; i < n; i++ {
		g, ok := readGlyph(inst, tp.TextPage, i, height, fonts)
		if ok {
			out = append(out, g)
		}
	}
	return out, nil
}

// maxCharsPerPage bounds the work on one page; real pages hold a few
// thousand characters, hostile ones may claim millions.
const maxCharsPerPage = 200_000

func readGlyph(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, i int, height float64, fonts map[references.FPDF_PAGEOBJECT]fontStyle) (glyph, bool) {
	u, err := inst.FPDFText_GetUnicode(&requests.FPDFText_GetUnicode{TextPage: tp, Index: i})
	if err != nil {
		return glyph{}, false
	}
	r := rune(u.Unicode)
	switch r {
	case '\r', '\n':
		return glyph{r: '\n', newline: true}, true
	case ' ', '\t', 0xA0:
		return glyph{r: ' ', space: true}, true
	}
	box, err := inst.FPDFText_GetLooseCharBox(&requests.FPDFText_GetLooseCharBox{TextPage: tp, Index: i})
	if err != nil {
		return glyph{}, false
	}
	g := glyph{
		r:  r,
		x0: float64(box.Rect.Left), x1: float64(box.Rect.Right),
		y0: height - float64(box.Rect.Top), y1: height - float64(box.Rect.Bottom),
	}
	if g.x1 < g.x0 {
		g.x0, g.x1 = g.x1, g.x0
	}
	if g.y1 < g.y0 {
		g.y0, g.y1 = g.y1, g.y0
	}
	st := styleOf(inst, tp, i, fonts)
	g.bold, g.italic, g.mono, g.size = st.bold, st.italic, st.mono, st.size
	if g.size <= 0 {
		g.size = g.y1 - g.y0
	}
	return g, true
}

// styleOf returns the font style of character i, cached per text object.
func styleOf(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, i int, fonts map[references.FPDF_PAGEOBJECT]fontStyle) fontStyle {
	obj, err := inst.FPDFText_GetTextObject(&requests.FPDFText_GetTextObject{TextPage: tp, Index: i})
	if err == nil {
		if st, ok := fonts[obj.TextObject]; ok {
			return st
		}
	}
	var st fontStyle
	if fi, err := inst.FPDFText_GetFontInfo(&requests.FPDFText_GetFontInfo{TextPage: tp, Index: i}); err == nil {
		st = styleFromFont(fi.FontName, fi.Flags)
	}
	st.size = effectiveSize(inst, tp, i)
	if fw, err := inst.FPDFText_GetFontWeight(&requests.FPDFText_GetFontWeight{TextPage: tp, Index: i}); err == nil && fw.FontWeight >= 600 {
		st.bold = true
	}
	if err == nil {
		fonts[obj.TextObject] = st
	}
	return st
}

// effectiveSize is the font size as it appears on the page: many producers
// (Word among them) set a 1 pt font and scale it with the text matrix.
func effectiveSize(inst pdfium.Pdfium, tp references.FPDF_TEXTPAGE, i int) float64 {
	fs, err := inst.FPDFText_GetFontSize(&requests.FPDFText_GetFontSize{TextPage: tp, Index: i})
	if err != nil {
		return 0
	}
	m, err := inst.FPDFText_GetMatrix(&requests.FPDFText_GetMatrix{TextPage: tp, Index: i})
	if err != nil {
		return fs.FontSize
	}
	a, b, c, d := float64(m.Matrix.A), float64(m.Matrix.B), float64(m.Matrix.C), float64(m.Matrix.D)
	scale := math.Sqrt(math.Abs(a*d - b*c))
	if scale <= 0 || math.IsNaN(scale) || math.IsInf(scale, 0) {
		return fs.FontSize
	}
	return fs.FontSize * scale
}

// styleFromFont derives bold/italic/monospace from a font's name and
// descriptor flags; names are the more reliable signal in practice. ("bx"
// is TeX's bold extended: CMBX10, SFBX1000.)
func styleFromFont(name string, flags int) fontStyle {
	n := strings.ToLower(name)
	if i := strings.IndexByte(n, '+'); i >= 0 {
		n = n[i+1:] // subset prefix "ABCDEF+"
	}
	st := fontStyle{
		bold:   flags&flagForceBold != 0 || containsAny(n, "bold", "black", "heavy", "semibold", "demi", ",bd", "-bd", "bx"),
		italic: flags&flagItalic != 0 || containsAny(n, "italic", "oblique"),
		mono:   flags&flagFixedPitch != 0 || containsAny(n, "courier", "mono", "consol", "code", "typewriter", "cmtt", "menlo"),
	}
	return st
}

func containsAny(s string, subs ...string) bool {
	for _, sub := range subs {
		if strings.Contains(s, sub) {
			return true
		}
	}
	return false
}
