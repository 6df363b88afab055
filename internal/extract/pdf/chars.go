package pdf

import (
	"math"
	"strings"
	"unicode/utf16"

	"github.com/tetratelabs/wazero/api"
)

// glyph is one character placed on a page. Coordinates are in PDF points
// with the origin at the top-left corner (y grows downwards).
type glyph struct {
	r              rune
	x0, y0, x1, y1 float64
	size           float64
	bold, italic   bool
	mono           bool
	rotated        bool // not upright (e.g. a margin note set vertically)
	quarter        int  // rotation in quarter turns (0–3), when rotated
	space          bool // a word break (real or generated space)
	newline        bool // PDFium's line-break hint
	rtlLine        bool // part of a line put in visual order (see bidi.go)
}

// fontStyle is what we remember about one text object's font.
type fontStyle struct {
	bold, italic, mono bool
	size               float64 // effective size in points (Tf size × matrix scale)
	rotated            bool
	quarter            int
}

// Font descriptor flags (PDF 32000-1:2008, 9.8.2).
const (
	flagFixedPitch = 1 << 0
	flagItalic     = 1 << 6
	flagForceBold  = 1 << 18
)

// pageGlyphs reads every character of a loaded page. WebAssembly calls
// dominate the cost, so it asks PDFium only for what layout analysis needs:
// the page text in one call, each character's loose box, and the font
// (style and size) once per word rather than per character.
func pageGlyphs(r *raw, page uint64, height float64) []glyph {
	tp := r.call("FPDFText_LoadPage", page)
	if uint32(tp) == 0 {
		return nil
	}
	defer r.call("FPDFText_ClosePage", tp)
	n := min(int(api.DecodeI32(r.call("FPDFText_CountChars", tp))), maxCharsPerPage)
	if n <= 0 {
		return nil
	}
	runes := pageRunes(r, tp, n)
	out := make([]glyph, 0, n)
	var st fontStyle
	var prev glyph // the last glyph that is not a space
	wordStart := true
	for i := 0; i < n; i++ {
		g, ok := readGlyph(r, tp, i, runes[i], height)
		if !ok || runes[i] == softHyphen && strayMarker(r, tp, i, runes, g, height) {
			continue
		}
		if g.space || g.newline {
			wordStart = true
			out = append(out, g)
			continue
		}
		if jumps(prev, g) {
			wordStart = true // text elsewhere on the page: maybe another font
		}
		prev = g
		if wordStart {
			st = styleOf(r, tp, i)
			wordStart = false
		}
		g.bold, g.italic, g.mono, g.size = st.bold, st.italic, st.mono, st.size
		g.rotated, g.quarter = st.rotated, st.quarter
		if g.size <= 0 {
			g.size = g.y1 - g.y0
		}
		out = append(out, g)
	}
	return visualOrder(out)
}

// jumps reports whether glyph g does not follow prev in its word: it
// starts left of it, on another band, or is of a very different height.
// The style read at the word's start is then not g's (a slide's big
// number drawn just before the text).
func jumps(prev, g glyph) bool {
	if prev.x1 <= prev.x0 {
		return false
	}
	hp, hg := prev.y1-prev.y0, g.y1-g.y0
	return g.x0 < prev.x0 || overlap(g.y0, g.y1, prev.y0, prev.y1) < 0.5*math.Min(hg, hp) ||
		math.Max(hg, hp) > giantRatio*math.Min(hg, hp)
}

// maxCharsPerPage bounds the work on one page; real pages hold a few
// thousand characters, hostile ones may claim millions.
const maxCharsPerPage = 200_000

// pageRunes returns the code point of each of the first n characters.
// PDFium writes one UTF-16 unit per character, or a surrogate pair for a
// character outside the BMP — except that it leaves out some characters
// (control codes of unmapped symbol glyphs): then the text no longer lines
// up with the character indexes, and each character is asked for alone.
func pageRunes(r *raw, tp uint64, n int) []rune {
	units := r.text(tp, n)
	rs := make([]rune, n)
	k := 0
	for i := 0; i < len(units) && k < n; i++ {
		u := rune(units[i])
		if utf16.IsSurrogate(u) && i+1 < len(units) {
			rs[k] = utf16.DecodeRune(u, rune(units[i+1]))
			i++
			k++
			continue
		}
		rs[k] = u
		k++
	}
	for i, c := range rs {
		// FPDFText_GetText blanks some characters (PDFium's soft-hyphen
		// marker among them); ask for those one by one.
		if k != n || c < 0x20 && c != '\r' && c != '\n' && c != '\t' || c >= 0xFFFE {
			rs[i] = rune(api.DecodeI32(r.call("FPDFText_GetUnicode", tp, uint64(i))))
		}
	}
	return rs
}

// softHyphen is the code PDFium gives a hyphen that ends a line. Glyphs of
// a symbol font without a Unicode mapping can get it too.
const softHyphen = 0x02

// strayMarker reports whether glyph i, coded softHyphen, is not a line-end
// hyphen: the text goes on to its right on the same line.
func strayMarker(r *raw, tp uint64, i int, runes []rune, g glyph, height float64) bool {
	for j := i + 1; j < len(runes); j++ {
		switch runes[j] {
		case '\r', '\n':
			return false
		case ' ', '\t', 0xA0, 0:
			continue
		}
		next, ok := readGlyph(r, tp, j, runes[j], height)
		if !ok {
			return false
		}
		return next.x0 >= g.x0 && overlap(next.y0, next.y1, g.y0, g.y1) > 0.5*(g.y1-g.y0)
	}
	return false
}

func readGlyph(r *raw, tp uint64, i int, c rune, height float64) (glyph, bool) {
	switch c {
	case '\r', '\n':
		return glyph{r: '\n', newline: true}, true
	case ' ', '\t', 0xA0:
		return glyph{r: ' ', space: true}, true
	case 0:
		return glyph{}, false
	}
	left, top, right, bottom, ok := r.looseBox(tp, i)
	if !ok {
		return glyph{}, false
	}
	if !sane(left) || !sane(right) || !sane(top) || !sane(bottom) {
		return glyph{}, false
	}
	g := glyph{r: c, x0: left, x1: right, y0: height - top, y1: height - bottom}
	if g.x1 < g.x0 {
		g.x0, g.x1 = g.x1, g.x0
	}
	if g.y1 < g.y0 {
		g.y0, g.y1 = g.y1, g.y0
	}
	return g, true
}

// maxCoord bounds plausible page coordinates (PDF pages are at most
// 14,400 units wide; allow for offsets). Hostile files claim anything.
const maxCoord = 1e6

func sane(v float64) bool { return !math.IsNaN(v) && v > -maxCoord && v < maxCoord }

// styleOf returns the font style and effective size of character i.
func styleOf(r *raw, tp uint64, i int) fontStyle {
	st := styleFromFont(r.fontInfo(tp, i))
	st.size = r.fontSize(tp, i)
	if !sane(st.size) || st.size < 0 {
		st.size = 0
	}
	if w := api.DecodeI32(r.call("FPDFText_GetFontWeight", tp, uint64(i))); w >= 600 {
		st.bold = true
	}
	a := float64(api.DecodeF32(r.call("FPDFText_GetCharAngle", tp, uint64(i))))
	st.rotated = a > 0.1 && a < 2*math.Pi-0.1
	st.quarter = int(math.Round(a/(math.Pi/2))) % 4
	return st
}

// dropRotated removes rotated glyphs (vertical margin notes such as
// arXiv's identifier). When most of the page is rotated, that is the text
// itself: its glyphs are turned upright (in a rotated coordinate system)
// and the others dropped instead.
func dropRotated(gs []glyph) []glyph {
	var count [4]int
	rot := 0
	for _, g := range gs {
		if g.rotated {
			rot++
			count[g.quarter]++
		}
	}
	if rot == 0 {
		return gs
	}
	if rot*2 <= len(gs) {
		return keep(gs, func(g glyph) bool { return !g.rotated })
	}
	q := 1
	for i := range count {
		if count[i] > count[q] {
			q = i
		}
	}
	gs = keep(gs, func(g glyph) bool {
		return !g.rotated && !g.space && !g.newline || g.quarter == q || g.space || g.newline
	})
	gs = keep(gs, func(g glyph) bool { return g.rotated || g.space || g.newline })
	for i := range gs {
		gs[i] = upright(gs[i], q)
	}
	return gs
}

func keep(gs []glyph, f func(glyph) bool) []glyph {
	out := gs[:0]
	for _, g := range gs {
		if f(g) {
			out = append(out, g)
		}
	}
	return out
}

// upright maps a glyph turned by q quarter turns (counter-clockwise) into
// a coordinate system where its text runs left to right.
func upright(g glyph, q int) glyph {
	if g.space || g.newline {
		return g
	}
	x0, y0, x1, y1 := g.x0, g.y0, g.x1, g.y1
	switch q {
	case 1: // reads bottom to top
		g.x0, g.x1, g.y0, g.y1 = -y1, -y0, x0, x1
	case 2:
		g.x0, g.x1, g.y0, g.y1 = -x1, -x0, -y1, -y0
	case 3: // reads top to bottom
		g.x0, g.x1, g.y0, g.y1 = y0, y1, -x1, -x0
	}
	return g
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
		mono:   flags&flagFixedPitch != 0 || containsAny(n, "courier", "mono", "nimbusmon", "consol", "code", "typewriter", "cmtt", "menlo", "fixed"),
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
