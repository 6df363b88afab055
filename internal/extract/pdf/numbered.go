package pdf

import (
	"regexp"
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file finds headings that are set like body text but numbered
// ("1.2 Scope", "(1) Purpose", "가. 개요", "IV. Results") or in capitals
// ("GENERAL TERMS"), as handbooks, catalogues and forms do. Such a line is
// a heading when it reads like a title (short, no closing punctuation) and
// body text follows it, which tells it from a list of short items. Levels
// follow the numbering: "1" is a section (##), "1.2" one deeper; the other
// schemes ("(1)", "가.", "A.") nest one level under the heading before
// their first use.

// Kinds of section numbers.
const (
	numDotted = iota + 1 // 1, 1.2, 1.2.3
	numParen             // (1), (a), (가)
	numHangul            // 가.
	numRoman             // IV.
	numLetter            // A.
)

// secNum is the section number at the start of a line.
type secNum struct {
	text  string // the number as written, with its punctuation
	kind  int
	depth int // parts of a dotted number
}

var sectionRE = regexp.MustCompile(`^(?:(\d{1,2}(?:\.\d{1,2}){0,5})\.?|(\((?:\d{1,2}|[a-z]|\p{Hangul})\))|(\p{Hangul})[.)]|([IVX]{1,5})\.|([A-Z])\.)\s+`)

// sectionNumber returns the section number s starts with (text "" when none).
func sectionNumber(s string) secNum {
	m := sectionRE.FindStringSubmatch(s)
	if m == nil {
		return secNum{}
	}
	n := secNum{text: strings.TrimRight(m[0], " \t")}
	switch {
	case m[1] != "":
		n.kind, n.depth = numDotted, strings.Count(m[1], ".")+1
	case m[2] != "":
		n.kind = numParen
	case m[3] != "":
		n.kind = numHangul
	case m[4] != "":
		n.kind = numRoman
	default:
		n.kind = numLetter
	}
	return n
}

// maxPlainHeadingWords bounds the words of a heading set like body text.
const maxPlainHeadingWords = 12

// titleLike reports whether s reads like a title: short, starting with a
// capital (or a letter of a script without case), without closing
// punctuation.
func titleLike(s string) bool {
	s = strings.TrimSpace(s)
	if s == "" || len(strings.Fields(s)) > maxPlainHeadingWords || utf8.RuneCountInString(s) > 90 {
		return false
	}
	first, _ := utf8.DecodeRuneInString(s)
	if !unicode.IsUpper(first) && !(unicode.IsLetter(first) && !unicode.IsLower(first)) {
		return false
	}
	last, _ := utf8.DecodeLastRuneInString(s)
	return !strings.ContainsRune(".,;:!?", last) && letterRatio(s) >= 0.6
}

// allCaps reports whether s is written in capitals: at least four
// letters, all upper case.
func allCaps(s string) bool {
	n := 0
	for _, r := range s {
		if unicode.IsLower(r) {
			return false
		}
		if unicode.IsUpper(r) {
			n++
		}
	}
	return n >= 4
}

// plainHeading says whether block i is a numbered or capitalised heading
// set at body size, and its section number.
func plainHeading(blocks []block, i int, body float64) (secNum, bool) {
	b := blocks[i]
	if (b.kind != kindPara && b.kind != kindList) || b.toc || len(b.lines) != 1 || b.size < body*0.95 {
		return secNum{}, false
	}
	text := joinLines(b.text)
	if b.kind == kindList {
		text = b.lines[0].text()
	}
	n := sectionNumber(text)
	rest := text
	if n.text != "" {
		rest = strings.TrimSpace(text[len(n.text):])
	}
	if !titleLike(rest) || (n.text == "" && !allCaps(rest)) {
		return secNum{}, false
	}
	// Body text must follow: a paragraph longer than the heading.
	if i+1 >= len(blocks) || blocks[i+1].kind != kindPara {
		return secNum{}, false
	}
	next := joinLines(blocks[i+1].text)
	if len(next) <= len(text) {
		return secNum{}, false
	}
	return n, true
}

// markPlainHeadings turns numbered and capitalised body-size lines into
// headings (see the file comment). boldLevel is the level bold body-size
// headings got. Headings found by size keep their level; the levels they
// give a numbering depth or scheme are reused for the plain ones.
func markPlainHeadings(blocks []block, body float64, boldLevel int) {
	depthLevel := map[int]int{}  // dotted depth → level
	schemeLevel := map[int]int{} // undotted scheme → level
	last := 1                    // level of the last heading seen
	for i := range blocks {
		b := &blocks[i]
		if b.kind == kindHeading {
			last = b.level
			n := sectionNumber(joinLines(b.text))
			remember(depthLevel, schemeLevel, n, b.level)
			continue
		}
		n, ok := plainHeading(blocks, i, body)
		if !ok {
			continue
		}
		text := joinLines(b.text)
		if b.kind == kindList {
			text = b.lines[0].text()
		}
		b.kind, b.text = kindHeading, []string{text}
		b.level = plainLevel(depthLevel, schemeLevel, n, last, boldLevel)
		remember(depthLevel, schemeLevel, n, b.level)
		last = b.level
	}
}

// remember records the level a numbering depth or scheme was given first.
func remember(depthLevel, schemeLevel map[int]int, n secNum, level int) {
	switch n.kind {
	case 0:
	case numDotted:
		if _, ok := depthLevel[n.depth]; !ok {
			depthLevel[n.depth] = level
		}
	default:
		if _, ok := schemeLevel[n.kind]; !ok {
			schemeLevel[n.kind] = level
		}
	}
}

// plainLevel is the level of a plain heading with section number n.
func plainLevel(depthLevel, schemeLevel map[int]int, n secNum, last, boldLevel int) int {
	switch n.kind {
	case 0:
		return boldLevel
	case numDotted:
		if l, ok := depthLevel[n.depth]; ok {
			return l
		}
		if l, ok := depthLevel[n.depth-1]; ok {
			return min(l+1, 6)
		}
		return min(1+n.depth, 6)
	}
	if l, ok := schemeLevel[n.kind]; ok {
		return l
	}
	return min(last+1, 6)
}

// splitPlainHeadings takes numbered or capitalised title lines out of the
// paragraphs they were joined to (set at body size with little space
// around them, they read as one paragraph): such a line after a line that
// ends a sentence, shorter than the paragraph's width and followed by more
// text becomes a paragraph of its own, which markPlainHeadings then judges.
func splitPlainHeadings(blocks []block) []block {
	var out []block
	for _, b := range blocks {
		if b.kind != kindPara || len(b.lines) < 2 {
			out = append(out, b)
			continue
		}
		start := 0
		for i := range b.lines {
			if !titleLine(b, i) {
				continue
			}
			if i > start {
				out = append(out, subBlock(b, start, i))
			}
			out = append(out, subBlock(b, i, i+1))
			start = i + 1
		}
		if start < len(b.lines) {
			out = append(out, subBlock(b, start, len(b.lines)))
		}
	}
	return out
}

// titleLine reports whether line i of paragraph b is a title line inside it.
func titleLine(b block, i int) bool {
	if i+1 >= len(b.lines) || (i > 0 && !endsSentence(b.text[i-1])) {
		return false
	}
	l := b.lines[i]
	if l.x1-l.x0 > 0.8*(b.x1-b.x0) {
		return false
	}
	t := b.text[i]
	n := sectionNumber(t)
	rest := strings.TrimSpace(t[len(n.text):])
	return titleLike(rest) && (n.text != "" || allCaps(rest))
}

// subBlock is lines [i, j) of paragraph b as a paragraph of its own.
func subBlock(b block, i, j int) block {
	s := b
	s.lines = append([]line(nil), b.lines[i:j]...)
	s.text = append([]string(nil), b.text[i:j]...)
	s.x0, s.x1 = s.lines[0].x0, s.lines[0].x1
	for _, l := range s.lines {
		s.x0, s.x1 = min(s.x0, l.x0), max(s.x1, l.x1)
	}
	s.flowStart = b.flowStart && i == 0
	return s
}
