package pdf

import (
	"math"
	"sort"
	"strings"
)

// This file puts the lines of a multi-column page into reading order: it
// looks for a vertical gutter that splits most lines into a left and a right
// part, then reads each stretch of two-column text left column first.
// Lines crossing the gutter (titles, wide figures, abstracts) stay in place
// and separate the stretches.

// gutterSteps is how many gutter positions findGutter tries.
const gutterSteps = 250

// minGutter is the narrowest white strip, in points, taken for a gutter.
const minGutter = 6.0

// maxColumnSplits bounds the recursion: a side of a gutter may hold
// columns of its own (three-column pages), up to four columns in all.
const maxColumnSplits = 2

// readingOrder returns the page's lines in reading order, splitting lines
// that straddle a column gutter into their left and right parts.
func readingOrder(lines []line) []line {
	return columnOrder(lines, maxColumnSplits)
}

func columnOrder(lines []line, depth int) []line {
	if depth == 0 {
		return lines
	}
	g, ok := findGutter(lines)
	if !ok {
		return lines
	}
	wide := wideTables(lines, g)
	var out, left, right []line
	rtl := mostlyRTL(lines)
	flush := func() {
		left, right = columnOrder(left, depth-1), columnOrder(right, depth-1)
		first, second := left, right
		if rtl { // right-to-left text reads the right column first
			first, second = right, left
		}
		out = append(out, first...)
		if len(second) > 0 {
			second[0].flowStart = true
		}
		out = append(out, second...)
		left, right = nil, nil
	}
	for i, l := range lines {
		if crosses(l, g) || wide[i] || (len(left)+len(right) == 0 && standsAlone(lines, i)) {
			flush()
			out = append(out, l)
			continue
		}
		lp, rp := splitAt(l, g)
		if len(lp.segs) > 0 {
			left = append(left, lp)
		}
		if len(rp.segs) > 0 {
			right = append(right, rp)
		}
	}
	flush()
	return out
}

// wideTables marks the lines of tables that reach across the gutter x
// with at least three columns: a page-wide table whose column gap happens
// to fall on the gutter must not be cut in two.
func wideTables(lines []line, x float64) map[int]bool {
	wide := map[int]bool{}
	for i := 0; i < len(lines); i++ {
		rows, n := tableAt(lines, i)
		if n == 0 {
			continue
		}
		first, last := lines[i], lines[i+n-1]
		if len(rows[0]) >= 3 && shortCells(rows) && math.Min(first.x0, last.x0) < x && math.Max(first.x1, last.x1) > x {
			for k := i; k < i+n; k++ {
				wide[k] = true
			}
		}
		i += n - 1
	}
	return wide
}

// shortCells reports whether the cells hold three words or fewer on
// average, as table cells do; columns of running text hold more.
func shortCells(rows [][]string) bool {
	words, cells := 0, 0
	for _, r := range rows {
		for _, c := range r {
			if c != "" {
				words += len(strings.Fields(c))
				cells++
			}
		}
	}
	return cells > 0 && words <= 3*cells
}

// standsAlone reports whether line i is set apart from the next line by
// more than a line of white space: at the top of a column stretch, such a
// line is a title or heading over the columns even if it does not reach
// across the gutter.
func standsAlone(lines []line, i int) bool {
	if i+1 >= len(lines) {
		return false
	}
	l := lines[i]
	return lines[i+1].y0-l.y1 > l.y1-l.y0
}

// findGutter returns the x of a column gutter, if the page has two columns:
// many lines with wide text on both sides and few lines across.
func findGutter(lines []line) (float64, bool) {
	if len(lines) < 8 {
		return 0, false
	}
	minX, maxX := math.Inf(1), math.Inf(-1)
	for _, l := range lines {
		minX, maxX = math.Min(minX, l.x0), math.Max(maxX, l.x1)
	}
	w := maxX - minX
	best, bestCross := 0.0, len(lines)+1
	// Scan the middle 40% in at most gutterSteps steps (about 1 pt on a
	// normal page), whatever the coordinates claim.
	step := math.Max(0.4*w/gutterSteps, 1e-3)
	for k := 0; k <= gutterSteps; k++ {
		x := minX + 0.3*w + float64(k)*step
		c := 0
		for _, l := range lines {
			if crossesBy(l, x, minGutter/2) {
				c++
			}
		}
		if c < bestCross {
			best, bestCross = x, c
		}
	}
	if bestCross*4 > len(lines) {
		return 0, false
	}
	// Both sides must carry text on many lines (baselines of the two
	// columns need not line up), and that text must be wide: table
	// columns are narrow, text columns fill most of their half.
	var lw, rw []float64
	for _, l := range lines {
		if crosses(l, best) {
			continue
		}
		lp, rp := splitAt(l, best)
		if len(lp.segs) > 0 {
			lw = append(lw, lp.x1-lp.x0)
		}
		if len(rp.segs) > 0 {
			rw = append(rw, rp.x1-rp.x0)
		}
	}
	if len(lw)*4 < len(lines) || len(rw)*4 < len(lines) || len(lw) < 3 || len(rw) < 3 {
		return 0, false
	}
	if median(lw) < 0.25*w || median(rw) < 0.25*w {
		return 0, false
	}
	return best, true
}

func crosses(l line, x float64) bool { return crossesBy(l, x, minGutter/2) }

// crossesBy reports whether a segment of l covers x with margin m.
func crossesBy(l line, x, m float64) bool {
	for _, s := range l.segs {
		if s.x0 < x+m && s.x1 > x-m {
			return true
		}
	}
	return false
}

// splitAt divides l into the segments left and right of x.
func splitAt(l line, x float64) (line, line) {
	var lp, rp line
	for _, s := range l.segs {
		p := &rp
		if s.x1 <= x {
			p = &lp
		}
		if len(p.segs) == 0 {
			*p = line{x0: s.x0, y0: s.y0, x1: s.x1, y1: s.y1}
		}
		p.add(s)
	}
	for _, p := range []*line{&lp, &rp} { // each part has its own direction
		t := p.visualText()
		p.rtl = hasRTL(t) && lineDirection(t)
	}
	return lp, rp
}

func median(v []float64) float64 {
	if len(v) == 0 {
		return 0
	}
	s := append([]float64(nil), v...)
	sort.Float64s(s)
	return s[len(s)/2]
}

// mostlyRTL reports whether most lines read right to left.
func mostlyRTL(lines []line) bool {
	n := 0
	for _, l := range lines {
		if l.rtl {
			n++
		}
	}
	return 2*n > len(lines)
}
