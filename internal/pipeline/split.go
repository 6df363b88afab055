package pipeline

import (
	"strings"
	"unicode/utf8"
)

// defaultContextWindow is assumed when the endpoint does not say (tokens).
const defaultContextWindow = 8192

// estimateTokens estimates the tokens of s without a tokenizer, erring
// high: a token per four ASCII characters (English runs at about 4.2 with
// common BPE vocabularies) and a token per other character (accented,
// CJK and symbol characters often take one or more each).
func estimateTokens(s string) int {
	ascii, other := 0, 0
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		i += size
		if r < utf8.RuneSelf {
			ascii++
		} else {
			other++
		}
	}
	return (ascii+3)/4 + other
}

// splitSections cuts md into consecutive sections of at most maxTokens
// each (estimated), preferring to cut before a heading, then at a blank
// line, then at a line end; a single line longer than that is cut between
// characters. Joined, the sections are md again.
func splitSections(md string, maxTokens int) []string {
	maxTokens = max(maxTokens, 64)
	if estimateTokens(md) <= maxTokens {
		return []string{md}
	}
	return pack(md, maxTokens, 0)
}

// splitters cut text into pieces that join back to it, from coarse to fine.
var splitters = []func(string) []string{splitBeforeHeadings, splitParagraphs, splitLines, splitRunes}

// pack splits text with splitters[level] and greedily packs the pieces
// into sections under maxTokens, splitting a piece that is too large with
// the next finer splitter.
func pack(text string, maxTokens, level int) []string {
	var out []string
	var cur strings.Builder
	curTokens := 0
	flush := func() {
		if cur.Len() > 0 {
			out = append(out, cur.String())
			cur.Reset()
			curTokens = 0
		}
	}
	for _, piece := range splitters[level](text) {
		t := estimateTokens(piece)
		if t > maxTokens && level+1 < len(splitters) {
			flush()
			out = append(out, pack(piece, maxTokens, level+1)...)
			continue
		}
		if curTokens+t > maxTokens {
			flush()
		}
		cur.WriteString(piece)
		curTokens += t
	}
	flush()
	return out
}

// splitBeforeHeadings cuts before every ATX heading line.
func splitBeforeHeadings(s string) []string {
	return cutBefore(s, func(line string) bool { return headingRE.MatchString(line) })
}

// splitParagraphs cuts after every blank line.
func splitParagraphs(s string) []string {
	var out []string
	for {
		i := strings.Index(s, "\n\n")
		if i < 0 {
			if s != "" {
				out = append(out, s)
			}
			return out
		}
		out = append(out, s[:i+2])
		s = s[i+2:]
	}
}

// splitLines cuts after every newline.
func splitLines(s string) []string { return strings.SplitAfter(s, "\n") }

// splitRunes cuts into pieces of 256 runes.
func splitRunes(s string) []string {
	var out []string
	r := []rune(s)
	for len(r) > 0 {
		n := min(len(r), 256)
		out = append(out, string(r[:n]))
		r = r[n:]
	}
	return out
}

// cutBefore cuts s before every line for which starts is true.
func cutBefore(s string, starts func(string) bool) []string {
	var out []string
	last := 0
	pos := 0
	for _, line := range strings.SplitAfter(s, "\n") {
		if pos > last && starts(line) {
			out = append(out, s[last:pos])
			last = pos
		}
		pos += len(line)
	}
	if last < len(s) {
		out = append(out, s[last:])
	}
	return out
}
