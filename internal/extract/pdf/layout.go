package pdf

import (
	"math"
	"sort"
	"strings"
	"unicode"
)

// This file holds the first layout steps: characters become segments
// (runs of text on one baseline without a wide gap), and segments become
// lines (segments sharing a baseline band, ordered left to right).

// segment is a run of words on one baseline with no gap wider than
// segmentGap; a table cell or a column's share of a line.
type segment struct {
	text           string
	x0, y0, x1, y1 float64
	size           float64 // dominant font size
	bold, italic   bool    // most characters bold / italic
	mono           bool    // most characters monospaced
	monoShare      float64 // the share of its characters that are monospaced
	ruled          bool    // a ruling line separates it from the segment before
	wordGap        float64 // widest space between its words (justified text stretches them)
	charW          float64 // mean distance between adjacent glyphs' starts (a monospaced font's advance)
	logical        bool    // text already turned into logical order (bidi.go)
	// wordX is where each word after the first starts: one entry per
	// space in text (table.go splits cells that ran together at them).
	wordX []float64
}

// line is a visual line: the segments whose vertical extents overlap.
type line struct {
	segs           []segment
	x0, y0, x1, y1 float64
	// flowStart marks the first line of a page or column: a paragraph
	// may continue there from the previous page or column.
	flowStart bool
	// rtl: the line reads right to left (its segments are in logical
	// order; the line's text joins them from the right).
	rtl bool
}

// segmentGap is the horizontal gap, in multiples of the font size, that
// ends a segment. Word spaces in justified text stay well below one em;
// table columns and page columns are wider.
const segmentGap = 0.8

// backStep is how far, in multiples of the font size, a glyph may start
// left of the previous one's end and still continue it: ligatures that
// PDFium splits into letters share one box.
const backStep = 1.5

// justifiedGap is how much wider than a line's widest word space a gap
// must be to separate segments.
const justifiedGap = 1.6

// rtlWordGap is the gap, in multiples of the font size, that separates
// words in a line put in visual order (see bidi.go): letters of one word
// touch (Arabic) or nearly (Hebrew); a word space is about a quarter em.
const rtlWordGap = 0.12

// wordGap is the gap, in multiples of the font size, at which two glyphs
// belong to different words even when the PDF has no space character.
const wordGap = 0.15

// segmenter accumulates glyphs into segments.
type segmenter struct {
	out            []segment
	b              strings.Builder
	cur            segment
	n, nBold, nIt  int
	nMono          int
	sizeSum        float64
	pitchSum       float64 // distances between the starts of touching glyphs
	pitchN         int
	lastX0         float64
	lastX1, lastY0 float64
	lastY1         float64
	lastSize       float64
	pendingSpace   bool
	rules          []rule
	ruled          bool // the current segment starts after a rule
}

// segments groups a page's glyphs (in PDFium's content order) into
// segments. A vertical ruling line between two glyphs always ends one.
func segments(gs []glyph, rules []rule) []segment {
	s := segmenter{rules: rules}
	for _, g := range gs {
		switch {
		case g.newline:
			s.flush()
		case g.space:
			s.pendingSpace = true
		default:
			s.add(g)
		}
	}
	s.flush()
	return s.out
}

func (s *segmenter) add(g glyph) {
	if s.n > 0 {
		size := math.Max(g.size, s.sizeSum/float64(s.n))
		gap := g.x0 - s.lastX1
		sameBand := bandOverlap(g.y0, g.y1, g.size, s.lastY0, s.lastY1, s.lastSize, 0.4)
		switch {
		case !sameBand || gap > segmentGap*size || gap < -backStep*size:
			s.flush()
		case s.ruleBetween(g):
			s.flush()
			s.ruled = true
		case g.rtlLine && gap > rtlWordGap*size:
			// Lines put in visual order take word breaks from geometry:
			// PDFium's spaces follow its own (imperfect) logical order.
			s.b.WriteByte(' ')
			s.cur.wordGap = math.Max(s.cur.wordGap, gap)
			s.cur.wordX = append(s.cur.wordX, g.x0)
		case g.rtlLine:
		case s.pendingSpace || gap > 2*wordGap*size:
			s.b.WriteByte(' ')
			s.cur.wordGap = math.Max(s.cur.wordGap, gap)
			s.cur.wordX = append(s.cur.wordX, g.x0)
		}
	}
	if s.n > 0 && !s.pendingSpace && math.Abs(g.x0-s.lastX1) < 0.1*g.size && g.x0 > s.lastX0 {
		s.pitchSum += g.x0 - s.lastX0
		s.pitchN++
	}
	s.pendingSpace = false
	if s.n == 0 {
		s.cur = segment{x0: g.x0, y0: g.y0, x1: g.x1, y1: g.y1}
	}
	s.b.WriteString(mapRune(g.r))
	s.cur.x0, s.cur.x1 = math.Min(s.cur.x0, g.x0), math.Max(s.cur.x1, g.x1)
	s.cur.y0, s.cur.y1 = math.Min(s.cur.y0, g.y0), math.Max(s.cur.y1, g.y1)
	s.n++
	s.sizeSum += g.size
	if g.bold {
		s.nBold++
	}
	if g.italic {
		s.nIt++
	}
	if g.mono {
		s.nMono++
	}
	s.lastX0, s.lastX1, s.lastY0, s.lastY1, s.lastSize = g.x0, g.x1, g.y0, g.y1, g.size
}

// ruleBetween reports whether a vertical rule runs between the last glyph
// and g.
func (s *segmenter) ruleBetween(g glyph) bool {
	for _, r := range s.rules {
		if r.x > s.lastX1-0.5 && r.x < g.x0+0.5 && overlap(r.y0, r.y1, g.y0, g.y1) > 0.5*(g.y1-g.y0) {
			return true
		}
	}
	return false
}

func (s *segmenter) flush() {
	s.pendingSpace = false
	if s.n == 0 {
		return
	}
	text := strings.TrimSpace(s.b.String())
	if text != "" {
		seg := s.cur
		seg.text = text
		seg.size = s.sizeSum / float64(s.n)
		if s.pitchN > 0 {
			seg.charW = s.pitchSum / float64(s.pitchN)
		}
		seg.bold = s.nBold*2 > s.n
		seg.italic = s.nIt*2 > s.n
		seg.mono = s.nMono*2 > s.n
		seg.monoShare = float64(s.nMono) / float64(s.n)
		seg.ruled = s.ruled
		s.out = append(s.out, seg)
	}
	s.b.Reset()
	s.ruled = false
	s.n, s.nBold, s.nIt, s.nMono, s.sizeSum = 0, 0, 0, 0, 0
	s.pitchSum, s.pitchN = 0, 0
}

// overlap is the length of the intersection of [a0,a1] and [b0,b1].
func overlap(a0, a1, b0, b1 float64) float64 {
	return math.Max(0, math.Min(a1, b1)-math.Max(a0, b0))
}

// ligatures maps presentation forms that PDFs use for ligatures (and
// characters PDFium reports for soft hyphens) to plain text.
var ligatures = map[rune]string{
	0xFB00: "ff", 0xFB01: "fi", 0xFB02: "fl", 0xFB03: "ffi", 0xFB04: "ffl",
	0xFB05: "st", 0xFB06: "st", 0x0002: "-", 0x00AD: "-", 0x2010: "-", 0x2011: "-",
	0xFFFE: "", 0xFEFF: "", 0x0000: "",
	// Bullets drawn with Symbol/Wingdings fonts land in the private use
	// area when the font has no Unicode mapping.
	0xF0B7: "•", 0xF0A7: "▪", 0xF06C: "●", 0xF06E: "■", 0xF0A8: "□",
	0xF076: "❖", 0xF0D8: "➢", 0xF0FC: "✓", 0xF071: "❑", 0xF0E0: "→",
}

func mapRune(r rune) string {
	if s, ok := ligatures[r]; ok {
		return s
	}
	if r < 0x20 || (r >= 0x7F && r < 0xA0) {
		return ""
	}
	return string(r)
}

// giantRatio is how many times taller than the text beside it a segment
// must be to stay out of that text's lines.
const giantRatio = 2.5

// bandOverlap reports whether two vertical extents, of text set at sizes
// sa and sb, overlap by more than share of the shorter one — or of the
// taller one when its text is more than giantRatio times larger: a drop
// cap or a slide's big number beside several lines of text is a line of
// its own, not one with all of them.
func bandOverlap(a0, a1, sa, b0, b1, sb, share float64) bool {
	h := math.Min(a1-a0, b1-b0)
	if math.Max(sa, sb) > giantRatio*math.Min(sa, sb) {
		h = math.Max(a1-a0, b1-b0)
	}
	return overlap(a0, a1, b0, b1) > share*h
}

// buildLines groups segments whose vertical extents overlap into lines,
// top to bottom, each line's segments left to right.
func buildLines(segs []segment) []line {
	sort.SliceStable(segs, func(i, j int) bool { return segs[i].y0 < segs[j].y0 })
	var lines []line
	for _, s := range segs {
		placed := false
		// Only the last few lines can overlap a segment sorted by top edge.
		for i := len(lines) - 1; i >= 0 && i >= len(lines)-4; i-- {
			l := &lines[i]
			if bandOverlap(s.y0, s.y1, s.size, l.y0, l.y1, l.size(), 0.5) {
				l.add(s)
				placed = true
				break
			}
		}
		if !placed {
			lines = append(lines, line{segs: []segment{s}, x0: s.x0, y0: s.y0, x1: s.x1, y1: s.y1})
		}
	}
	for i := range lines {
		l := &lines[i]
		sort.SliceStable(l.segs, func(a, b int) bool { return l.segs[a].x0 < l.segs[b].x0 })
		l.mergeTouching()
		l.applyBidi()
	}
	sort.SliceStable(lines, func(i, j int) bool { return lines[i].y0 < lines[j].y0 })
	return lines
}

func (l *line) add(s segment) {
	l.segs = append(l.segs, s)
	l.x0, l.x1 = math.Min(l.x0, s.x0), math.Max(l.x1, s.x1)
	l.y0, l.y1 = math.Min(l.y0, s.y0), math.Max(l.y1, s.y1)
}

// mergeTouching joins neighbouring segments of a line that are closer than
// segmentGap: content-stream order may have split them (e.g. a bold word
// drawn after the rest of its line).
func (l *line) mergeTouching() {
	out := l.segs[:1]
	for _, s := range l.segs[1:] {
		p := &out[len(out)-1]
		size := math.Max(p.size, s.size)
		gap := s.x0 - p.x1
		// A list marker is often followed by a tab; it belongs to its item.
		// Word's second-level bullet is a Courier "o".
		if len(out) == 1 && gap < 6*size && (isMarker(p.text) || p.text == "o") {
			if p.text == "o" {
				p.text = "◦"
			}
			gap = wordGap * size
		}
		// A gap not much wider than the word spaces of the text around it
		// is a stretched word space of a justified line, not a column.
		limit := math.Max(segmentGap*size, math.Min(justifiedGap*math.Max(p.wordGap, s.wordGap), 2*size))
		if !s.ruled && gap < limit && gap > -backStep*size {
			sep := " "
			if gap < wordGap*size {
				sep = ""
			}
			n0, n1 := len([]rune(p.text)), len([]rune(s.text))
			p.bold = (boolInt(p.bold)*n0+boolInt(s.bold)*n1)*2 > n0+n1
			p.mono = (boolInt(p.mono)*n0+boolInt(s.mono)*n1)*2 > n0+n1
			p.monoShare = (p.monoShare*float64(n0) + s.monoShare*float64(n1)) / float64(n0+n1)
			if p.charW == 0 {
				p.charW = s.charW
			}
			p.size = (p.size*float64(n0) + s.size*float64(n1)) / float64(n0+n1)
			p.text += sep + s.text
			if sep == " " {
				p.wordX = append(p.wordX, s.x0)
			}
			p.wordX = append(p.wordX, s.wordX...)
			p.wordGap = math.Max(math.Max(p.wordGap, s.wordGap), gap)
			p.x1 = math.Max(p.x1, s.x1)
			p.y0, p.y1 = math.Min(p.y0, s.y0), math.Max(p.y1, s.y1)
			continue
		}
		out = append(out, s)
	}
	l.segs = out
}

// isMarker reports whether s is only a list marker ("•", "1.", "a)").
func isMarker(s string) bool {
	m, rest := listMarker(s + " x")
	return m != "" && rest == "x"
}

func boolInt(b bool) int {
	if b {
		return 1
	}
	return 0
}

// text is the line's text, segments separated by one space, in reading
// order (from the right for a right-to-left line).
func (l line) text() string {
	parts := make([]string, len(l.segs))
	for i, s := range l.segs {
		if l.rtl {
			i = len(parts) - 1 - i
		}
		parts[i] = s.text
	}
	return strings.Join(parts, " ")
}

// size is the line's character-weighted font size.
func (l line) size() float64 {
	var sum, n float64
	for _, s := range l.segs {
		k := float64(len(s.text))
		sum += s.size * k
		n += k
	}
	if n == 0 {
		return 0
	}
	return sum / n
}

// bold reports whether the line is (almost) entirely bold.
func (l line) bold() bool {
	return l.share(func(s segment) bool { return s.bold }) > 0.8
}

// mono reports whether the line is (almost) entirely monospaced.
func (l line) mono() bool {
	var mono, all float64
	for _, s := range l.segs {
		n := float64(len(s.text))
		mono += s.monoShare * n
		all += n
	}
	return all > 0 && mono > 0.8*all
}

func (l line) share(f func(segment) bool) float64 {
	var yes, all int
	for _, s := range l.segs {
		k := len(s.text)
		all += k
		if f(s) {
			yes += k
		}
	}
	if all == 0 {
		return 0
	}
	return float64(yes) / float64(all)
}

// letterRatio is the share of letters and digits among non-space runes.
func letterRatio(s string) float64 {
	var letters, all int
	for _, r := range s {
		if unicode.IsSpace(r) {
			continue
		}
		all++
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			letters++
		}
	}
	if all == 0 {
		return 0
	}
	return float64(letters) / float64(all)
}
