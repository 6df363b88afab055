package pdf

import (
	"math"
	"sort"
	"strings"
	"unicode/utf8"
)

// Code blocks are lines set in a monospaced font (in a document whose body
// is not). In such a font every character is one advance wide, so a
// code line is written on a character grid: each word goes to the column
// its distance from the block's left edge gives. That keeps indentation
// and alignment, and drops the spaces PDFium reports between characters a
// typesetter placed one by one (LaTeX listings: "console .log (add").
// Blank lines inside a code sample do not end the block; they are kept.

// codeBlankLines is how much white space, in line heights, a code block
// may span between two of its lines (two blank lines).
const codeBlankLines = 2.5

// maxCodeColumn bounds the columns a code line may be padded to.
const maxCodeColumn = 200

// codeText renders a code block's lines.
func codeText(b block) string {
	if len(b.lines) != len(b.text) || len(b.lines) == 0 {
		return strings.Join(b.text, "\n")
	}
	left := math.Inf(1)
	for _, l := range b.lines {
		left = math.Min(left, l.x0)
	}
	cw := advance(b.lines)
	out := make([]string, 0, len(b.lines))
	for i, l := range b.lines {
		if i > 0 && blankBetween(b.lines[i-1], l) {
			out = append(out, "")
		}
		if cw <= 0 || l.rtl || !allMono(l) {
			out = append(out, b.text[i])
			continue
		}
		out = append(out, gridText(l, left, cw))
	}
	return strings.Join(out, "\n")
}

// allMono reports whether every segment of a line is monospaced, so that
// its words can be placed on the grid.
func allMono(l line) bool {
	for _, s := range l.segs {
		if s.monoShare < 0.95 {
			return false
		}
	}
	return true
}

// blankBetween reports whether white space of at least one line separates
// two lines of a block on the same page (the next line of a block that
// continues on a new page starts above the previous one).
func blankBetween(prev, l line) bool {
	h := prev.y1 - prev.y0
	return h > 0 && l.y0-prev.y1 > 0.6*h
}

// advance is the character advance of the lines' monospaced font: the
// median over their segments of the mean glyph box width (a loose box is
// as wide as the glyph's advance). 0 when no segment is monospaced.
func advance(lines []line) float64 {
	var ws []float64
	for _, l := range lines {
		for _, s := range l.segs {
			if s.mono && s.charW > 0 {
				ws = append(ws, s.charW)
			}
		}
	}
	if len(ws) == 0 {
		return 0
	}
	sort.Float64s(ws)
	return ws[len(ws)/2]
}

// gridText writes one line's words at their columns.
func gridText(l line, left, cw float64) string {
	var out []rune
	for _, s := range l.segs {
		words := strings.Split(s.text, " ")
		starts := append([]float64{s.x0}, s.wordX...)
		for k, w := range words {
			x := s.x0
			switch {
			case s.logical || len(starts) != len(words):
				if k > 0 {
					out = append(out, ' ')
					out = append(out, []rune(w)...)
					continue
				}
			default:
				x = starts[k]
			}
			out = padTo(out, int(math.Round((x-left)/cw)))
			out = append(out, []rune(w)...)
		}
	}
	return strings.TrimRight(string(out), " ")
}

// padTo pads a line with spaces to column col. A word that would overlap
// the text before it (the estimate drifted) is kept apart by one space.
func padTo(out []rune, col int) []rune {
	col = min(col, maxCodeColumn)
	switch {
	case col > len(out):
		for len(out) < col {
			out = append(out, ' ')
		}
	case col < len(out) && len(out) > 0 && out[len(out)-1] != ' ':
		out = append(out, ' ')
	}
	return out
}

// monoBody reports whether most of the text is monospaced (a typewritten
// or plain-text document printed to PDF): then a monospaced line is not
// code.
func monoBody(pages []pageLines) bool {
	var mono, all int
	for _, p := range pages {
		for _, l := range p.lines {
			for _, s := range l.segs {
				n := utf8.RuneCountInString(s.text)
				all += n
				if s.mono {
					mono += n
				}
			}
		}
	}
	return all > 0 && mono*10 > all*6
}

// clearMono marks every segment proportional.
func clearMono(pages []pageLines) {
	for _, p := range pages {
		for i := range p.lines {
			for j := range p.lines[i].segs {
				p.lines[i].segs[j].mono = false
				p.lines[i].segs[j].monoShare = 0
			}
		}
	}
}

// startsWithBullet reports whether a line starts with a typographic bullet
// (a list even when set in a monospaced font; "-" and "*" start code too).
func startsWithBullet(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return strings.ContainsRune("•●○◦▪■►▸‣∙", r)
}
