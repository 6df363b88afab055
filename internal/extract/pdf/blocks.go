package pdf

import (
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"unicode"
)

// This file turns a page's ordered lines into blocks: paragraphs (lines
// joined, hyphenation repaired), list items, code and tables.

type blockKind int

const (
	kindPara blockKind = iota
	kindHeading
	kindList
	kindCode
	kindTable
)

// block is one Markdown block in the making.
type block struct {
	kind   blockKind
	lines  []line
	text   []string // source line texts (paragraph, list item, code)
	rows   [][]string
	level  int    // heading level, or list nesting depth
	marker string // list marker: "-" or "1." etc.
	x0, x1 float64
	size   float64
	bold   bool
	// flowStart: the block begins a page or column, so it may continue
	// the paragraph before it.
	flowStart bool
	page      int  // 1-based number of the page the block starts on
	outlined  bool // a heading because the PDF's outline lists it
	toc       bool // a table of contents entry (never a heading)
}

var (
	bulletRE = regexp.MustCompile(`^([•●○◦▪■□►▸‣⁃∙·*\-–—]|)\s*`)
	// Lettered items are lower case only: "A. Author" is an initial.
	enumRE = regexp.MustCompile(`^(\(?\d{1,3}[.)]|\(?[a-z][.)]|\(?[ivx]{1,4}[.)])\s+`)
)

// listMarker splits a list item's marker from its text. It returns "" when
// the line does not start a list item.
func listMarker(s string) (marker, rest string) {
	if m := bulletRE.FindStringSubmatch(s); m != nil && m[1] != "" && len(m[0]) > len(m[1]) {
		return "-", s[len(m[0]):]
	}
	if m := enumRE.FindStringSubmatch(s); m != nil {
		num := strings.Trim(m[1], "().")
		if _, err := strconv.Atoi(num); err == nil {
			return num + ".", s[len(m[0]):]
		}
		return "-", s[len(m[0]):]
	}
	return "", s
}

// buildBlocks groups one column stream of lines into blocks.
func buildBlocks(lines []line, body float64) []block {
	flow := flowOf(lines)
	var out []block
	for i := 0; i < len(lines); i++ {
		if rows, n := tableAt(lines, i); n > 0 && !inCode(out, lines[i:i+n], flow) && !mostlyTOC(lines[i:i+n]) {
			out = appendTable(out, block{kind: kindTable, rows: rows, lines: lines[i : i+n]})
			i += n - 1
			continue
		}
		l := lines[i]
		var cur *block
		if len(out) > 0 {
			cur = &out[len(out)-1]
		}
		if cur != nil && !l.flowStart && continues(cur, l, flow) {
			cur.lines = append(cur.lines, l)
			cur.text = append(cur.text, l.text())
			cur.x1 = math.Max(cur.x1, l.x1)
			continue
		}
		out = append(out, newBlock(l))
	}
	return out
}

// appendTable adds table t, or continues the table just before it when t
// has as many columns and follows it after at most a blank line or two:
// groups of rows set apart by white space are one table, not several each
// with its first row taken for a header.
func appendTable(out []block, t block) []block {
	if len(out) > 0 {
		prev := &out[len(out)-1]
		if prev.kind == kindTable && len(prev.rows[0]) == len(t.rows[0]) {
			last, first := prev.lines[len(prev.lines)-1], t.lines[0]
			h := last.y1 - last.y0
			if gap := first.y0 - last.y1; gap >= 0 && gap < 2.5*h {
				prev.rows = append(prev.rows, t.rows...)
				prev.lines = append(prev.lines, t.lines...)
				return out
			}
		}
	}
	return append(out, t)
}

// inCode reports whether monospaced lines that look like a table carry on
// a code sample before them (code punctuation, not a table's caption set
// in a typewriter font): aligned columns inside code are code, written on
// its character grid.
func inCode(out []block, rows []line, flow flowGeometry) bool {
	if len(out) == 0 {
		return false
	}
	prev := &out[len(out)-1]
	if prev.kind != kindCode || !continues(prev, rows[0], flow) || !strings.ContainsAny(strings.Join(prev.text, ""), "{}[]();=<>") {
		return false
	}
	for _, l := range rows {
		if !l.mono() {
			return false
		}
	}
	return true
}

func newBlock(l line) block {
	b := block{kind: kindPara, lines: []line{l}, x0: l.x0, x1: l.x1, size: l.size(), bold: l.bold(), flowStart: l.flowStart}
	t := l.text()
	switch {
	case tocEntry(t):
		b.kind, b.marker, b.toc, t = kindList, "-", true, tocText(t)
	case l.mono() && !startsWithBullet(t):
		b.kind = kindCode
	default:
		if m, rest := listMarker(t); m != "" && strings.TrimSpace(rest) != "" {
			b.kind, b.marker, t = kindList, m, rest
		}
	}
	b.text = []string{t}
	return b
}

// flowGeometry is what paragraph building needs to know about a column:
// its right edge and its usual white space between lines.
type flowGeometry struct {
	left    float64
	right   float64
	leading float64 // median gap between consecutive lines, in font sizes
}

// flowOf measures a column: the right edge, and the median gap between
// consecutive lines of the same size (0 for single spacing with loose
// boxes, about 1 for double spacing).
func flowOf(lines []line) flowGeometry {
	g := flowGeometry{left: math.Inf(1)}
	var gaps []float64
	for i, l := range lines {
		g.right = math.Max(g.right, l.x1)
		g.left = math.Min(g.left, l.x0)
		if i == 0 {
			continue
		}
		prev := lines[i-1]
		size := prev.size()
		if size <= 0 || math.Abs(l.size()-size) > 0.1*size {
			continue
		}
		if gap := (l.y0 - prev.y1) / size; gap > -0.5 && gap < 2 {
			gaps = append(gaps, gap)
		}
	}
	if len(gaps) >= 3 {
		// The lower quartile: where single-line paragraphs are common, the
		// median gap is the paragraph spacing, not the leading.
		sort.Float64s(gaps)
		g.leading = math.Max(0, gaps[len(gaps)/4])
	}
	return g
}

// continues reports whether line l carries on block b.
func continues(b *block, l line, flow flowGeometry) bool {
	right := flow.right
	if b.kind == kindTable || b.kind == kindHeading {
		return false
	}
	prev := b.lines[len(b.lines)-1]
	size := math.Max(b.size, 1)
	if l.mono() != (b.kind == kindCode) && !inlineCode(b, l, prev, flow) {
		return false
	}
	gap := l.y0 - prev.y1
	// A paragraph break is white space clearly above the usual leading;
	// a code sample may hold blank lines.
	limit := math.Max(0.6, flow.leading+0.4) * size
	if b.kind == kindCode {
		limit = math.Max(limit, codeBlankLines*(prev.y1-prev.y0))
	}
	if gap > limit || gap < -0.5*size {
		return false
	}
	if b.kind == kindCode {
		return true
	}
	if math.Abs(l.size()-b.size) > 0.12*size || l.bold() != b.bold {
		return false
	}
	if m, _ := listMarker(l.text()); m != "" || tocEntry(l.text()) {
		return false
	}
	if prev.rtl || l.rtl {
		return continuesRTL(b, l, prev, flow)
	}
	if b.kind == kindList {
		// Continuation lines of an item are indented past its marker.
		return l.x0 > b.x0+0.5*size
	}
	if l.x0 > b.x0+0.8*size && len(b.lines) > 1 {
		return false // first-line indent of a new paragraph
	}
	prevText := b.text[len(b.text)-1]
	if prev.x1 < right-0.15*(right-b.x0) && endsSentence(prevText) {
		return false
	}
	return true
}

// inlineCode reports whether a monospaced line is the next line of a
// paragraph or list item that was still running (its last line is full
// and ends no sentence): inline code that happens to fill a line, not a
// code block.
func inlineCode(b *block, l, prev line, flow flowGeometry) bool {
	if !l.mono() || (b.kind != kindPara && b.kind != kindList) {
		return false
	}
	full := prev.x1 >= flow.right-0.1*(flow.right-flow.left)
	return full && !endsSentence(b.text[len(b.text)-1])
}

// continuesRTL is continues' geometry mirrored for right-to-left lines:
// indents are on the right, a short last line ends on the left.
func continuesRTL(b *block, l, prev line, flow flowGeometry) bool {
	size := math.Max(b.size, 1)
	if l.rtl != prev.rtl {
		return false
	}
	if b.kind == kindList {
		return l.x1 < prev.x1-0.5*size
	}
	if l.x1 < b.lines[0].x1-0.8*size && len(b.lines) > 1 {
		return false
	}
	x1 := b.lines[0].x1
	left := flow.left
	if len(b.lines) > 1 { // the paragraph's own left edge (columns)
		left = math.Inf(1)
		for _, bl := range b.lines {
			left = math.Min(left, bl.x0)
		}
	}
	if prev.x0 > left+0.15*(x1-left) && endsSentence(b.text[len(b.text)-1]) {
		return false
	}
	return true
}

func endsSentence(s string) bool {
	s = strings.TrimRight(s, ` "'”’)]`)
	if s == "" {
		return false
	}
	r := []rune(s)
	return strings.ContainsRune(".!?:;؟۔", r[len(r)-1])
}

// joinLines joins a paragraph's lines with spaces, repairing words that were
// hyphenated at a line end ("infor-" + "mation" → "information").
func joinLines(lines []string) string {
	var b strings.Builder
	for i, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			continue
		}
		if i > 0 && b.Len() > 0 {
			cur := b.String()
			if hyphenated(cur, l) {
				b.Reset()
				b.WriteString(strings.TrimSuffix(cur, "-"))
			} else {
				b.WriteByte(' ')
			}
		}
		b.WriteString(l)
	}
	return b.String()
}

// hyphenated reports whether prev ends in a word broken by a hyphen and
// next continues it in lower case.
func hyphenated(prev, next string) bool {
	if !strings.HasSuffix(prev, "-") || strings.HasSuffix(prev, "--") {
		return false
	}
	pr := []rune(prev)
	if len(pr) < 3 || !unicode.IsLetter(pr[len(pr)-2]) {
		return false
	}
	nr := []rune(next)
	return unicode.IsLower(nr[0])
}
