package chunk

import (
	"strings"
	"unicode/utf8"
)

// level is a kind of place where an oversized block may be cut, from the
// most to the least natural.
type level int

const (
	levelParagraph level = iota // blank lines (paragraphs inside lists and quotes)
	levelLine                   // line breaks (list items, table rows, code lines)
	levelSentence               // ". ", "? ", "! "
	levelWord                   // whitespace
)

// unit is a span with its token count.
type unit struct {
	span
	tokens int
}

// splitter cuts spans of one Markdown text into units of at most budget
// tokens.
type splitter struct {
	md  string
	tok Tokenizer
}

// The places text and code are cut at, in order of preference.
var (
	textLevels = []level{levelParagraph, levelLine, levelSentence, levelWord}
	codeLevels = []level{levelParagraph, levelLine, levelWord}
)

// split cuts s into units of at most budget tokens each, at the first of
// levels that divides it, recursing into parts still too large.
func (sp splitter) split(s span, budget int, levels []level) []unit {
	s = trim(sp.md, s)
	if s.end <= s.start {
		return nil
	}
	n := sp.tok.Count(sp.md[s.start:s.end])
	if n <= budget {
		return []unit{{s, n}}
	}
	for i, lv := range levels {
		parts := sp.cut(s, lv)
		if len(parts) < 2 {
			continue
		}
		var out []unit
		for _, p := range parts {
			out = append(out, sp.split(p, budget, levels[i+1:])...)
		}
		return out
	}
	return sp.hard(s, budget)
}

// cut divides s at every place of the given level.
func (sp splitter) cut(s span, lv level) []span {
	text := sp.md[s.start:s.end]
	var parts []span
	last := 0
	for i := 0; i < len(text); i++ {
		end, next := boundary(text, i, lv)
		if next < 0 {
			continue
		}
		parts = append(parts, span{s.start + last, s.start + end})
		last, i = next, next-1
	}
	parts = append(parts, span{s.start + last, s.end})
	out := parts[:0]
	for _, p := range parts {
		if p = trim(sp.md, p); p.end > p.start {
			out = append(out, p)
		}
	}
	return out
}

// boundary reports whether a cut of level lv falls at text[i]: it returns
// where the part before it ends and the next one starts, or -1, -1.
func boundary(text string, i int, lv level) (end, next int) {
	c := text[i]
	switch lv {
	case levelParagraph:
		if c == '\n' {
			if j := strings.IndexByte(text[i+1:], '\n'); j >= 0 && strings.TrimSpace(text[i+1:i+1+j]) == "" {
				return i, i + 1 + j + 1
			}
		}
	case levelLine:
		if c == '\n' {
			return i, i + 1
		}
	case levelSentence:
		if (c == '.' || c == '?' || c == '!') && i+1 < len(text) && isSpace(text[i+1]) {
			return i + 1, skipSpace(text, i+1)
		}
	case levelWord:
		if isSpace(c) {
			return i, skipSpace(text, i)
		}
	}
	return -1, -1
}

func skipSpace(text string, i int) int {
	for i < len(text) && isSpace(text[i]) {
		i++
	}
	return i
}

// hard cuts s between tokens (anywhere, the last resort) into units of at most budget tokens.
func (sp splitter) hard(s span, budget int) []unit {
	var out []unit
	for s.start < s.end {
		rest := sp.md[s.start:s.end]
		cut := sp.tok.Prefix(rest, budget)
		if cut <= 0 {
			cut = runeLen(rest) // a single character is always kept whole
		}
		u := span{s.start, s.start + cut}
		out = append(out, unit{u, sp.tok.Count(sp.md[u.start:u.end])})
		s.start = u.end
	}
	return out
}

// runeLen is the byte length of the first character of text (1 for an
// invalid byte).
func runeLen(text string) int {
	_, n := utf8.DecodeRuneInString(text)
	return n
}
