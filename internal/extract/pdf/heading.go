package pdf

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// This file decides which paragraphs are headings and at which level, from
// font size and weight relative to the document's body text.

// headingRatio is how much larger than the body text a line must be to be
// a heading on size alone.
const headingRatio = 1.15

// maxHeadingChars bounds a heading's length; longer text is a paragraph.
const maxHeadingChars = 150

// bodySize is the font size covering the most characters in the document,
// rounded to half points.
func bodySize(pages []pageLines) float64 {
	hist := map[float64]int{}
	for _, p := range pages {
		for _, l := range p.lines {
			for _, s := range l.segs {
				hist[roundHalf(s.size)] += utf8.RuneCountInString(s.text)
			}
		}
	}
	best, bestN := 0.0, -1
	for sz, n := range hist {
		if n > bestN || (n == bestN && sz < best) {
			best, bestN = sz, n
		}
	}
	return best
}

func roundHalf(v float64) float64 { return math.Round(v*2) / 2 }

// markHeadings turns heading-like paragraphs into headings. Sizes above the
// body size rank as levels 1, 2, …; bold body-size headings come after them.
func markHeadings(blocks []block, body float64) {
	var sizes []float64
	seen := map[float64]bool{}
	for _, b := range blocks {
		if isHeading(b, body) && b.size >= body*headingRatio {
			sz := roundHalf(b.size)
			if !seen[sz] {
				seen[sz] = true
				sizes = append(sizes, sz)
			}
		}
	}
	sort.Sort(sort.Reverse(sort.Float64Slice(sizes)))
	// A lone size above the body is a section level (##), not a title.
	first := 1
	if len(sizes) <= 1 {
		first = 2
	}
	boldLevel := min(first+len(sizes), 6)
	defer markPlainHeadings(blocks, body, boldLevel)
	for i := range blocks {
		b := &blocks[i]
		if !isHeading(*b, body) {
			continue
		}
		if b.kind == kindList {
			b.text = []string{b.marker + " " + joinLines(b.text)}
		}
		b.kind = kindHeading
		b.level = min(first+len(sizes), 6)
		for rank, sz := range sizes {
			if roundHalf(b.size) == sz {
				b.level = min(first+rank, 6)
			}
		}
	}
}

// isHeading reports whether a paragraph looks like a heading: short, few
// lines, and set larger or bolder than the body.
func isHeading(b block, body float64) bool {
	if (b.kind != kindPara && b.kind != kindList) || b.toc || len(b.lines) == 0 || len(b.lines) > 3 || body <= 0 {
		return false
	}
	text := joinLines(b.text)
	if b.kind == kindList {
		// A numbered line set bold or large is a numbered heading
		// ("1. Introduction"), not a list item.
		if len(b.lines) > 1 || (!b.bold && b.size < body*headingRatio) {
			return false
		}
		text = b.marker + " " + text
	}
	if len(text) > maxHeadingChars || letterRatio(text) < 0.5 || !hasLetter(text) {
		return false
	}
	if b.size >= body*headingRatio {
		return true
	}
	if !b.bold || b.size < body*0.95 || len(text) > 100 {
		return false
	}
	t := strings.TrimSpace(text)
	return !strings.HasSuffix(t, ".") && !strings.HasSuffix(t, ",")
}

func hasLetter(s string) bool {
	for _, r := range s {
		if r >= 'A' && r <= 'Z' || r >= 'a' && r <= 'z' || r > 0x7F {
			return true
		}
	}
	return false
}
