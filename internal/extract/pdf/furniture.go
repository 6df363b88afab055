package pdf

import (
	"fmt"
	"math"
	"regexp"
	"strings"
	"unicode"
)

// This file removes page furniture: running headers and footers (text that
// repeats near the same edge on many pages, page numbers varying) and
// stand-alone page numbers.

// edgeZone is the share of the page height, at top and bottom, where
// headers and footers live.
const edgeZone = 0.15

// edgeLines is how many lines at each edge are furniture candidates.
const edgeLines = 3

var pageNumberRE = regexp.MustCompile(`(?i)^[\s\-–—.|]*(page|p\.|seite|pag\.?)?\s*[0-9ivxlc]{1,5}(\s*(of|/|von)\s*[0-9]{1,5})?[\s\-–—.|]*$`)

// pageLines is one page's lines with the page geometry.
type pageLines struct {
	lines  []line
	height float64
}

// removeFurniture drops running headers/footers and page numbers from the
// pages, in place.
func removeFurniture(pages []pageLines) {
	counts := map[string]int{}
	for _, p := range pages {
		seen := map[string]bool{}
		for _, i := range edgeCandidates(p) {
			k := furnitureKey(p.lines[i], p.height)
			if !seen[k] {
				seen[k] = true
				counts[k]++
			}
		}
	}
	repeatMin := max(2, (len(pages)+1)/2)
	if len(pages) >= 6 {
		repeatMin = max(3, len(pages)/3)
	}
	for pi := range pages {
		p := &pages[pi]
		drop := map[int]bool{}
		for _, i := range edgeCandidates(*p) {
			l := p.lines[i]
			if counts[furnitureKey(l, p.height)] >= repeatMin || (pageNumberRE.MatchString(l.text()) && isolated(*p, i)) || numberedRunningLine(*p, i) {
				drop[i] = true
			}
		}
		if len(drop) == 0 {
			continue
		}
		kept := p.lines[:0]
		for i, l := range p.lines {
			if !drop[i] {
				kept = append(kept, l)
			}
		}
		p.lines = kept
	}
}

// edgeCandidates returns the indexes of the first and last lines of a page
// that lie within the edge zones.
func edgeCandidates(p pageLines) []int {
	var idx []int
	n := len(p.lines)
	top := 0
	for i := 0; i < n && i < edgeLines; i++ {
		if p.lines[i].y1 <= p.height*edgeZone {
			idx = append(idx, i)
			top = i + 1
		}
	}
	for i := max(n-edgeLines, top); i < n; i++ {
		if p.lines[i].y0 >= p.height*(1-edgeZone) {
			idx = append(idx, i)
		}
	}
	return idx
}

// furnitureKey identifies a line across pages: its edge (top or bottom),
// its type size (a title on page 1 is not the running header that repeats
// it in small type), and its text with digits folded, so "Page 3" matches
// "Page 4".
func furnitureKey(l line, height float64) string {
	edge := "t"
	if l.y0 > height/2 {
		edge = "b"
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%.0f:", edge, l.size())
	for _, r := range strings.ToLower(l.text()) {
		switch {
		case unicode.IsDigit(r):
			b.WriteByte('#')
		case unicode.IsSpace(r):
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// numberedRunningLine reports whether line i, the first or last of its
// page, is a running header or footer carrying the page number: a
// separate number segment at either end, and set apart from the text by
// more than a line of white space.
func numberedRunningLine(p pageLines, i int) bool {
	l := p.lines[i]
	if len(l.segs) < 2 || len(p.lines) < 2 {
		return false
	}
	first, last := l.segs[0].text, l.segs[len(l.segs)-1].text
	if !pageNumberRE.MatchString(first) && !pageNumberRE.MatchString(last) {
		return false
	}
	h := l.y1 - l.y0
	switch i {
	case 0:
		return p.lines[1].y0-l.y1 > h
	case len(p.lines) - 1:
		return l.y0-p.lines[i-1].y1 > h
	}
	return false
}

// isolated reports whether line i stands apart from the line next to it
// (toward the middle of the page): more than half a line of white space,
// and not another number in the same place (a column of line numbers).
func isolated(p pageLines, i int) bool {
	l := p.lines[i]
	j := i - 1
	if l.y0 < p.height/2 {
		j = i + 1
	}
	if j < 0 || j >= len(p.lines) {
		return true
	}
	n := p.lines[j]
	if math.Abs(n.y0-l.y0) < (l.y1-l.y0)/2+1 {
		return false
	}
	if s := n.segs[0]; math.Abs(s.x0-l.x0) < 3 && pageNumberRE.MatchString(s.text) {
		return false
	}
	return math.Abs(n.y0-l.y0) > 1.5*(l.y1-l.y0)
}
