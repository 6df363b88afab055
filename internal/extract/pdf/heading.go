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
	defer demoteTitleLines(blocks)
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

// joinWrappedTitles joins a large title wrapped over lines set apart by a
// loose leading, which paragraph building took for two paragraphs: the
// next paragraph continues it when both read as headings of the same size,
// it starts within one size below, aligned left or centred with it, and
// it carries no section number of its own.
func joinWrappedTitles(blocks []block, body float64) []block {
	out := blocks[:0]
	for _, b := range blocks {
		if n := len(out); n > 0 && wrapsTitle(out[n-1], b, body) {
			out[n-1].lines = append(out[n-1].lines, b.lines...)
			out[n-1].text = append(out[n-1].text, b.text...)
			continue
		}
		out = append(out, b)
	}
	return out
}

func wrapsTitle(a, b block, body float64) bool {
	if a.kind != kindPara || b.kind != kindPara || a.page != b.page || len(a.lines)+len(b.lines) > 3 ||
		roundHalf(a.size) != roundHalf(b.size) || a.size < body*headingRatio || !isHeading(a, body) || !isHeading(b, body) {
		return false
	}
	last, first := a.lines[len(a.lines)-1], b.lines[0]
	gap := first.y0 - last.y1
	left := math.Abs(first.x0-last.x0) < 0.5*a.size
	centred := math.Abs((first.x0+first.x1)-(last.x0+last.x1)) < a.size
	t := joinLines(b.text)
	return gap >= 0 && gap < a.size && (left || centred) && stripSectionNumber(t) == t
}

// demoteTitleLines keeps the first of three or more headings of one level
// that follow each other on one page with nothing but one-line paragraphs
// between them (a title page's title, organisation, authors, date, all set
// large) and makes the others paragraphs. Headings the outline or a
// section number vouches for stay.
func demoteTitleLines(blocks []block) {
	for i := 0; i < len(blocks); i++ {
		if blocks[i].kind != kindHeading {
			continue
		}
		run := []int{i}
		j := i + 1
		for ; j < len(blocks) && blocks[j].page == blocks[i].page; j++ {
			b := blocks[j]
			if b.kind == kindHeading && b.level == blocks[i].level {
				run = append(run, j)
			} else if b.kind != kindPara || len(b.lines) > 1 {
				break
			}
		}
		if len(run) >= 3 {
			for _, k := range run[1:] {
				if b := &blocks[k]; !b.outlined && stripSectionNumber(joinLines(b.text)) == joinLines(b.text) {
					b.kind = kindPara
				}
			}
		}
		i = j - 1
	}
}

// sentence reports whether text reads as a sentence: six words or more
// ending with a full stop.
func sentence(text string) bool {
	t := strings.TrimSpace(text)
	return strings.HasSuffix(t, ".") && !strings.HasSuffix(t, "..") && len(strings.Fields(t)) >= 6
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
	if len(text) > maxHeadingChars || letterRatio(text) < 0.5 || !hasLetter(text) || strings.ContainsAny(text, "@") || strings.Contains(text, "://") {
		return false // an e-mail address or a link is an author line or a reference
	}
	if sentence(text) {
		return false // a sentence set large (a slide's text), not a title
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
