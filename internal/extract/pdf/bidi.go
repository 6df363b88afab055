package pdf

import (
	"sort"
	"strings"
	"unicode"

	"golang.org/x/text/unicode/bidi"
)

// This file handles right-to-left scripts (Arabic, Hebrew, …). PDFium
// reports the characters of a line in logical order, but the layout steps
// work on geometry: a segment grows left to right. So the glyphs of every
// line that holds right-to-left letters are first put in visual order
// (left to right on the page, as they are drawn); the segments and lines
// are built as for any text; and each line's text is then turned back
// into logical order with the Unicode bidirectional algorithm
// (golang.org/x/text/unicode/bidi), its paragraph direction decided by the
// majority of its strong letters. Digits and Latin words inside
// right-to-left text keep their own left-to-right order.

// isRTL reports whether r is a letter of a right-to-left script.
func isRTL(r rune) bool {
	if r < 0x0590 {
		return false
	}
	p, _ := bidi.LookupRune(r)
	c := p.Class()
	return c == bidi.R || c == bidi.AL
}

// hasRTL reports whether s holds a right-to-left letter.
func hasRTL(s string) bool {
	for _, r := range s {
		if isRTL(r) {
			return true
		}
	}
	return false
}

// visualOrder puts the glyphs of each line that holds right-to-left
// letters in left-to-right order. A line is a run of glyphs between
// PDFium's line-break hints, split further where consecutive glyphs do
// not share a band. Its glyphs are marked so that the segmenter finds word
// breaks from the gaps between them: PDFium's spaces follow its logical
// order, which is not reliable around embedded left-to-right runs.
// Other lines are left as they are.
func visualOrder(gs []glyph) []glyph {
	start := 0
	for i := 0; i <= len(gs); i++ {
		if i < len(gs) && !gs[i].newline && !bandBreak(gs, start, i) {
			continue
		}
		reorderLine(gs[start:i])
		start = i
		if i < len(gs) && gs[i].newline {
			start = i + 1
		}
	}
	return gs
}

// bandBreak reports whether glyph i starts a new band: it does not overlap
// vertically the last boxed glyph since start.
func bandBreak(gs []glyph, start, i int) bool {
	g := gs[i]
	if g.space {
		return false
	}
	for j := i - 1; j >= start; j-- {
		p := gs[j]
		if p.space || p.newline {
			continue
		}
		return overlap(g.y0, g.y1, p.y0, p.y1) <= 0.3*min(g.y1-g.y0, p.y1-p.y0)
	}
	return false
}

// reorderLine sorts one line's glyphs by position when it holds a
// right-to-left letter. The sort is stable, so the characters of one
// ligature (same box) keep their order relative to each other; the
// bidi step reverses them with the rest of their run.
func reorderLine(gs []glyph) {
	rtl := false
	for _, g := range gs {
		if isRTL(g.r) {
			rtl = true
			break
		}
	}
	if !rtl {
		return
	}
	keys := make([]float64, len(gs))
	for i, g := range gs {
		gs[i].rtlLine = true
		switch {
		case !g.space:
			keys[i] = g.x0
		case i > 0: // spaces are dropped by the segmenter here
			keys[i] = keys[i-1]
		}
	}
	idx := make([]int, len(gs))
	for i := range idx {
		idx[i] = i
	}
	sort.SliceStable(idx, func(a, b int) bool { return keys[idx[a]] < keys[idx[b]] })
	sorted := make([]glyph, len(gs))
	for i, k := range idx {
		sorted[i] = gs[k]
	}
	copy(gs, sorted)
}

// lineDirection decides a line's paragraph direction: right to left when
// most of its strong letters are right-to-left ones.
func lineDirection(text string) bool {
	var r, l int
	for _, c := range text {
		switch {
		case isRTL(c):
			r++
		case unicode.IsLetter(c):
			l++
		}
	}
	return r > l
}

// logical turns visual-order text (as drawn, left to right) into logical
// order for a paragraph of the given direction. The bidi algorithm
// resolves the runs; with the two embedding levels plain text has, the
// visual order of runs is the logical order reversed for a right-to-left
// paragraph, and each right-to-left run reads reversed (brackets
// mirrored). Applied to text in visual order this gives back the logical
// order.
func logical(visual string, rtl bool) string {
	mark := "\u200e" // LEFT-TO-RIGHT MARK fixes the paragraph direction
	if rtl {
		mark = "\u200f"
	}
	var p bidi.Paragraph
	if _, err := p.SetString(mark + visual); err != nil {
		return visual
	}
	o, err := p.Order()
	if err != nil {
		return visual
	}
	runs := make([]string, 0, o.NumRuns())
	for i := 0; i < o.NumRuns(); i++ {
		run := o.Run(i)
		s := strings.TrimPrefix(run.String(), mark)
		if run.Direction() == bidi.RightToLeft {
			s = bidi.ReverseString(s)
		}
		runs = append(runs, s)
	}
	if rtl {
		for i, j := 0, len(runs)-1; i < j; i, j = i+1, j-1 {
			runs[i], runs[j] = runs[j], runs[i]
		}
	}
	return strings.Join(runs, "")
}

// applyBidi turns a line built from visual-order glyphs into logical
// order: each segment's text, and the line's direction (its segments are
// read right to left when it is right to left).
func (l *line) applyBidi() {
	all := l.visualText()
	if !hasRTL(all) {
		return
	}
	l.rtl = lineDirection(all)
	for i := range l.segs {
		if !l.segs[i].logical {
			l.segs[i].text = logical(l.segs[i].text, l.rtl)
			l.segs[i].logical = true
		}
	}
}

// visualText joins the segments left to right.
func (l line) visualText() string {
	parts := make([]string, len(l.segs))
	for i, s := range l.segs {
		parts[i] = s.text
	}
	return strings.Join(parts, " ")
}
