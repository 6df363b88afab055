package format

import (
	"sort"
	"strings"
	"unicode"
)

// TidyMapped is Tidy that also maps byte offsets of md to offsets in the
// tidied result, so that page starts recorded while writing survive the
// tidy. An offset maps to where the first line at or after it that Tidy
// keeps begins (len(result) when none is left). offsets need not be
// sorted; the result has one entry per input offset, in the same order.
func TidyMapped(md string, offsets []int) (string, []int) {
	order := make([]int, len(offsets))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(a, b int) bool { return offsets[order[a]] < offsets[order[b]] })
	mapped := make([]int, len(offsets))
	next := 0 // index into order of the next offset to resolve
	var b strings.Builder
	blank := true // suppress leading blank lines
	pos := 0      // byte offset in md of the current line
	for _, raw := range strings.SplitAfter(md, "\n") {
		lineStart := pos
		pos += len(raw)
		l := strings.TrimRight(strings.TrimSuffix(strings.TrimSuffix(raw, "\n"), "\r"), " \t")
		if l == "" {
			if !blank {
				blank = true
				b.WriteString("\n")
			}
			continue
		}
		for next < len(order) && offsets[order[next]] <= lineStart {
			mapped[order[next]] = b.Len()
			next++
		}
		blank = false
		b.WriteString(l)
		b.WriteString("\n")
	}
	out := strings.TrimRight(b.String(), "\n")
	if out != "" {
		out += "\n"
	}
	for ; next < len(order); next++ {
		mapped[order[next]] = len(out)
	}
	for i, m := range mapped {
		mapped[i] = min(m, len(out))
	}
	return out, mapped
}

// PageStarts sets pages[i].Start to starts[i]: the tidied offsets that
// TidyMapped returned for the raw offsets recorded while writing.
func PageStarts(pages []Page, starts []int) {
	for i := range pages {
		if i < len(starts) {
			pages[i].Start = starts[i]
		}
	}
}

// TextChars counts the characters of s that are not white space: the
// measure of how much text a page or a text run holds.
func TextChars(s string) int {
	n := 0
	for _, r := range s {
		if !unicode.IsSpace(r) {
			n++
		}
	}
	return n
}
